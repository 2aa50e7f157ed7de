"""Invariants that hold on any network: balances, caps, monotone cost, duals equal to finite differences."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.solver.highs import Outcome
from optimizer.solver.run import solve_case
from tests.random_networks import random_case

SEEDS = st.integers(min_value=0, max_value=10_000)
FEW = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(seed=SEEDS, cap=st.sampled_from([1.0, 0.6, 0.3, 0.1]))
def test_flows_balance_at_every_node_and_caps_hold(seed: int, cap: float) -> None:
    data = random_case(seed, china_cap=cap)
    run = solve_case(data, baseline=False)
    assert run.result.outcome is Outcome.OPTIMAL
    flows = run.tables["flows"]
    ore = flows[flows.stage == "mine_to_refinery"]
    out = flows[flows.stage != "mine_to_refinery"]
    # Mines ship no more than they can produce.
    for mine, tonnes in ore.groupby("from")["tonnes"].sum().items():
        assert tonnes <= data.mines[mine].capacity_t + 1e-6
    # Each refinery's output of a product from an origin never exceeds what its input of that origin contains.
    made: dict[tuple[str, str, str], float] = defaultdict(float)
    for mine, ref, c, tonnes in zip(ore["from"], ore["to"], ore["origin_country"], ore["tonnes"]):
        for p in data.products:
            made[ref, p, c] += tonnes * data.composition.get((mine, p), 0.0) * data.refineries[ref].recovery
    for (ref, p, c), tonnes in out.groupby(["from", "product", "origin_country"])["tonnes"].sum().items():
        assert tonnes <= made[ref, p, c] + 1e-5  # tables are rounded to 1e-6 t
    # Refinery input within existing plus new capacity.
    new = run.tables["builds"].groupby("refinery")["new_tpa"].sum()
    for ref, tonnes in ore.groupby("to")["tonnes"].sum().items():
        assert tonnes <= data.refineries[ref].capacity_tpa + new.get(ref, 0.0) + 1e-5
    # Delivered + unmet = demand, for every fab and product.
    delivered = out[out.stage == "refinery_to_fab"].groupby(["to", "product"])["tonnes"].sum()
    unmet = {(f, p): x for f, p, _, x in run.unmet}
    for (fab, p, _t), demand in data.demand_t.items():
        assert delivered.get((fab, p), 0.0) + unmet.get((fab, p), 0.0) == pytest.approx(demand, abs=1e-5)
    # The supply table is the same tonnes, by provenance.
    assert run.tables["supply"]["tonnes"].sum() == pytest.approx(delivered.sum(), abs=1e-5)
    for c in run.caps:
        assert c.touched_t <= c.max_share * c.demand_t + 1e-6
        assert c.delivered_t <= c.demand_t + 1e-6


@FEW
@given(seed=SEEDS)
def test_tightening_a_cap_never_lowers_the_cost(seed: int) -> None:
    costs = [solve_case(random_case(seed, china_cap=s), baseline=False).result.objective_usd
             for s in (1.0, 0.7, 0.4, 0.2, 0.0)]
    for looser, tighter in zip(costs, costs[1:]):
        assert tighter >= looser - 1e-6 * max(1.0, abs(looser))


@FEW
@given(seed=SEEDS, share=st.sampled_from([0.5, 0.3, 0.15]))
def test_cap_dual_matches_the_cost_change_of_a_small_cap_change(seed: int, share: float) -> None:
    run = solve_case(random_case(seed, china_cap=share), baseline=False)
    (cap,) = run.caps
    step = 1e-4
    tighter = solve_case(random_case(seed, china_cap=share - step), baseline=False).result.objective_usd
    looser = solve_case(random_case(seed, china_cap=share + step), baseline=False).result.objective_usd
    # At a kink of the value function the dual lies between the one-sided slopes (cost per point tightened).
    slope_tighten = (tighter - run.result.objective_usd) / (step * 100)
    slope_loosen = (run.result.objective_usd - looser) / (step * 100)
    lo, hi = sorted((slope_tighten, slope_loosen))
    tol = 1e-3 * max(1.0, abs(cap.dual_usd_per_yr_per_pct))
    assert lo - tol <= cap.dual_usd_per_yr_per_pct <= hi + tol
