"""The model reduction (``optimizer.model.reduction``) leaves out exactly the capacity rows that cannot bind.

Warehouse problems (``benchmarks/orlib.py``): sites are lumpy greenfield refineries with a fixed cost and no cost per
t/yr, one mine supplies them.  A site whose capacity covers what its fabs can take loses its capacity rows; a site
whose capacity can bind keeps them, and so does a mine that cannot supply every site's need.  Optima are the same
with and without the reduction, on hand cases and on random ones.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from benchmarks.orlib import CapInstance, generate_cap, to_model_data
from optimizer.io.data import Mine, ModelData, _frozen
from optimizer.model import build_model
from optimizer.solver.highs import HighsProgram
from optimizer.solver.run import solve_case

# Two sites, two customers (demand 10 and 20 t): w000 costs 100 to open and 1 / 5 USD/t to c0 / c1; w001 costs 140
# and 4 / 1 USD/t.  Alone, w000 costs 100 + 10 + 100 = 210 and w001 costs 140 + 40 + 20 = 200; both cost 270.
DEMAND = np.array([10.0, 20.0])
PER_T = np.array([[1.0, 4.0], [5.0, 1.0]])  # [customer, site]


def hand_case(capacities: tuple[float, float], recovery: float = 1.0, mine_t: float | None = None) -> ModelData:
    instance = CapInstance(np.array(capacities), np.array([100.0, 140.0]), DEMAND, PER_T * DEMAND[:, None])
    data = to_model_data(instance, "hand")
    refineries = {r: replace(v, recovery=recovery) for r, v in data.refineries.items()}
    mine = data.mines["supply"]
    return replace(data, refineries=_frozen(refineries),
                   mines=_frozen({"supply": Mine(mine.country, mine.capacity_t if mine_t is None else mine_t, 0.0)}))


def optimum(data: ModelData, reduce: bool) -> float | None:
    return HighsProgram(build_model(data, reduce=reduce)).solve().objective_usd


def active(m, family: str) -> list:  # type: ignore[no-untyped-def]
    return [i for i, con in getattr(m, family).items() if con.active]


def test_capacity_rows_that_cannot_bind_are_left_out() -> None:
    data = hand_case((30.0, 30.0))  # each site could serve the whole demand, the mine supplies exactly it
    m = build_model(data, reduce=True)
    assert m.reduction.sites == ["w000", "w001"]
    assert active(m, "Refinery_Capacity") == [] and active(m, "Lumpy_Ore_Link") == []
    assert active(m, "Mine_Capacity") == [] and active(m, "Build_Limit") == []
    assert all(con.equality for con in m.Oxide_Balance.values())
    assert optimum(data, reduce=True) == pytest.approx(200.0) == optimum(data, reduce=False)


def test_a_capacity_that_can_bind_keeps_its_rows_and_the_mines() -> None:
    data = hand_case((30.0, 25.0))  # w001 cannot serve 30 t alone: the best plan is w000's, 210
    m = build_model(data, reduce=True)
    assert m.reduction.sites == ["w000"]
    assert active(m, "Refinery_Capacity") == [("w001", 0)] and active(m, "Lumpy_Ore_Link") == [("supply", "w001", 0)]
    assert active(m, "Mine_Capacity") == [("supply", 0)]  # it supplies a site that keeps its rows
    assert not m.Oxide_Balance["w001", "P", "AAA", 0].equality
    assert optimum(data, reduce=True) == pytest.approx(210.0) == optimum(data, reduce=False)


def test_the_bound_counts_the_ore_a_tonne_of_oxide_takes() -> None:
    # At a recovery of 0.5, 30 t of oxide take 60 t of ore: a site of 59 t/yr keeps its row, one of 60 does not;
    # a mine of 60 t cannot bind, one of 59.9 can (and then no plan meets the demand).
    assert build_model(hand_case((60.0, 59.0), 0.5, mine_t=60.0), reduce=True).reduction.sites == ["w000"]
    reduced = build_model(hand_case((60.0, 60.0), 0.5, mine_t=60.0), reduce=True)
    assert reduced.reduction.sites == ["w000", "w001"] and active(reduced, "Mine_Capacity") == []
    short = build_model(hand_case((60.0, 60.0), 0.5, mine_t=59.9), reduce=True)
    assert active(short, "Mine_Capacity") == [("supply", 0)]
    assert optimum(hand_case((60.0, 60.0), 0.5, mine_t=59.9), reduce=True) is None


def test_a_site_with_a_cost_per_tonne_of_capacity_is_not_reduced() -> None:
    data = hand_case((30.0, 30.0))
    data = replace(data, refineries=_frozen({r: replace(v, capex_usd_per_tpa=1.0 if r == "w001" else 0.0)
                                             for r, v in data.refineries.items()}))
    assert build_model(data, reduce=True).reduction.sites == ["w000"]
    assert optimum(data, reduce=True) == pytest.approx(optimum(data, reduce=False), rel=1e-12)


def test_left_out_rows_report_a_dual_of_zero_and_the_site_built_its_full_size() -> None:
    run = solve_case(hand_case((30.0, 30.0)), baseline=False, marginals=False)
    assert run.result.objective_usd == pytest.approx(200.0) and run.warnings == []
    duals = run.tables["duals"]
    capacity = duals[duals["constraint"] == "Refinery_Capacity"]
    assert sorted(capacity["index"]) == ["w000,0", "w001,0"] and (capacity["value"] == 0).all()
    assert list(duals.loc[duals["constraint"] == "Mine_Capacity", "value"]) == [0]


def random_instance(seed: int) -> ModelData:
    """A 5 x 15 warehouse problem; each site's capacity is the whole demand or a random part of it, the recovery
    1 or 0.8, and the mine's capacity just what the demand needs, or 10% more or less."""
    rng = random.Random(seed)
    instance = generate_cap(5, 15, seed=seed)
    total = float(instance.demand.sum())
    recovery = rng.choice([1.0, 0.8])
    capacities = np.array([rng.choice([total / recovery, rng.uniform(0.3, 0.9) * total / recovery])
                           for _ in range(5)])
    data = to_model_data(replace(instance, capacity=capacities), f"random{seed}")
    refineries = {r: replace(v, recovery=recovery) for r, v in data.refineries.items()}
    mine_t = total / recovery * rng.choice([1.0, 1.1, 0.97])
    return replace(data, refineries=_frozen(refineries), mines=_frozen({"supply": Mine("AAA", mine_t, 0.0)}))


def test_random_warehouse_problems_have_the_same_optimum_with_and_without_the_reduction() -> None:
    reduced_sites, kept_sites = 0, 0
    for seed in range(12):
        data = random_instance(seed)
        m = build_model(data, reduce=True)
        reduced_sites += len(m.reduction.sites)
        kept_sites += 5 - len(m.reduction.sites)
        full = HighsProgram(build_model(data)).solve()
        less = HighsProgram(m).solve()
        assert less.outcome == full.outcome, seed
        if full.objective_usd is not None:
            assert less.objective_usd == pytest.approx(full.objective_usd, rel=1e-9), seed
    assert reduced_sites > 10 and kept_sites > 10  # both kinds of site were drawn


def pathway_case(max_new_b: float) -> ModelData:
    """Two periods (demand 10 t, then 40 t), two lumpy greenfield sites: A of 50 t/yr, B of ``max_new_b``."""
    from optimizer.io.data import Refinery
    from tests.builders import make_data

    def site(max_new: float, fixed: float) -> Refinery:
        return Refinery("USA", 0.0, 5.0, 1.0, max_new_tpa=max_new, capex_usd_per_tpa=0.0, fixed_capex_usd=fixed,
                        min_build_tpa=0.0, build="lumpy", lifetime_yr=20.0)

    return make_data(countries={"USA": "pax_silica"}, mines={"m": Mine("USA", 100.0, 10.0)},
                     composition={("m", "P"): 1.0}, refineries={"A": site(50.0, 900.0), "B": site(max_new_b, 500.0)},
                     fabs=[("f", "USA", "P", 10.0, 1000.0)], mine_arcs={("m", "A"): 1.0, ("m", "B"): 2.0},
                     fab_arcs={("A", "f"): 3.0, ("B", "f"): 1.0}, periods={2025: 5.0, 2030: 5.0},
                     demand={("f", "P", 2030): 40.0}, discount_rate=0.05)


@pytest.mark.parametrize(("max_new_b", "sites"), [(20.0, ["A"]), (60.0, ["A", "B"])])
def test_on_a_pathway_a_site_is_reduced_only_if_it_covers_every_periods_demand(max_new_b: float,
                                                                                sites: list[str]) -> None:
    data = pathway_case(max_new_b)
    m = build_model(data, reduce=True)
    assert m.reduction.sites == sites
    kept = [] if sites == ["A", "B"] else [("B", 2025), ("B", 2030)]
    assert active(m, "Refinery_Capacity") == kept
    assert active(m, "Mine_Capacity") == ([] if not kept else [("m", 2025), ("m", 2030)])
    assert optimum(data, reduce=True) == pytest.approx(optimum(data, reduce=False), rel=1e-12)
