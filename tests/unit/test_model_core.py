"""The model core: caps bound a share of demand, balances sum registered terms, bounds are declared for re-solves."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pyomo.environ as pyo
import pytest

from optimizer.io.data import Mine, ModelData, Refinery
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.model.balances import add_oxide_supply
from optimizer.model.bounds import declare_rhs, undeclared
from optimizer.solver.highs import Outcome, solve_model
from optimizer.solver.reuse import ReusableProgram
from optimizer.solver.run import solve_case
from tests.builders import make_data
from tests.random_networks import random_case

COUNTRIES = {"CHN": "china", "USA": "pax_silica"}
ROOT = Path(__file__).resolve().parents[2]


def china_only(max_share: float) -> ModelData:
    # 100 t of P for a US fab; only Chinese supply, 10 USD/t all in (1 t REO = 1 t P); unmet at 1,000 USD/t.
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("CHN", 1000, 10)},
        composition={("m", "P"): 1.0},
        refineries={"r": Refinery("CHN", 1000, 0, 1.0)},
        fabs=[("f", "USA", "P", 100, 1000.0)],
        mine_arcs={("m", "r"): 0},
        fab_arcs={("r", "f"): 0},
        caps=[("china", "CHN", "any", max_share)],
    )


def test_a_cap_bounds_the_share_of_demand_so_meeting_it_never_discards_supply() -> None:
    # China capped at 40% of the 100 t demanded: 40 t delivered at 10, 60 t unmet at 1,000 = 60,400.
    # (Capped at 40% of *deliveries*, the cheapest plan would deliver nothing: 100,000.)
    run = solve_case(china_only(0.4), baseline=False)
    assert run.result.objective_usd == pytest.approx(60_400)
    assert run.unmet == [("f", "P", 0, pytest.approx(60))]
    (cap,) = run.caps
    assert (cap.touched_t, cap.delivered_t, cap.demand_t) == (pytest.approx(40), pytest.approx(40), 100)
    assert cap.share == pytest.approx(0.4)
    # One tonne more allowance saves 1,000 - 10 = 990; one point is 1 t of the 100 t demanded.
    assert cap.dual_usd_per_t == pytest.approx(-990)
    assert cap.dual_usd_per_yr_per_pct == pytest.approx(990)
    dependence = run.tables["dependence"].iloc[0]
    assert (dependence["demand_t"], dependence["share"]) == (100, pytest.approx(0.4))


def fixed_recycling(m: pyo.ConcreteModel, data: ModelData) -> None:
    """A toy part: 30 t/yr of recycled P, of Chinese origin, available at the Chinese refinery, at no cost."""
    add_oxide_supply(m, "recycling", {("r", "P", "CHN", t): [30.0] for t in data.periods})


def test_a_new_part_adds_supply_to_the_oxide_balance_without_editing_the_network() -> None:
    # Uncapped: 100 t demanded, 30 t recycled for free, 70 t separated at 10 = 700.
    data = china_only(1.0)
    m = build_model(data, extensions=[fixed_recycling])
    result = solve_model(m)
    assert result.outcome is Outcome.OPTIMAL
    assert result.objective_usd == pytest.approx(700)
    assert pyo.value(m.Ore_T["m", "r", 0]) == pytest.approx(70)
    assert "recycling" in m.oxide_supply_terms
    assert solve_model(build_model(data)).objective_usd == pytest.approx(1000)


def test_a_term_for_an_index_the_balance_lacks_is_refused() -> None:
    def stray(m: pyo.ConcreteModel, data: ModelData) -> None:
        add_oxide_supply(m, "stray", {("nowhere", "P", "CHN", 0): [1.0]})

    with pytest.raises(KeyError, match="'stray' names"):
        build_model(china_only(1.0), extensions=[stray])


def test_every_family_of_a_rich_model_declares_its_bounds() -> None:
    # Lumpy builds, arc and market limits, several periods and caps: every constraint and variable family the model
    # builds says how its bounds follow from the data, so a warm re-solve can never keep a stale one.
    cases = [random_case(seed, china_cap=0.4, lumpy=True) for seed in (2, 7, 19)]
    cases += [load_case(Path(ROOT / "inputs" / name)) for name in ("example", "pax_silica_2025")]
    for data in cases:
        assert undeclared(build_model(data)) == []


def test_a_re_solve_refuses_a_model_with_an_undeclared_constraint_family(monkeypatch: Any) -> None:
    def extra_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
        m.Extra_Limit = pyo.Constraint(expr=m.Ore_T["m", "r", 0] <= 500)

    import optimizer.solver.reuse as reuse

    monkeypatch.setattr(reuse, "build_model", lambda data: build_model(data, extensions=[extra_limit]))
    with pytest.raises(RuntimeError, match="Extra_Limit"):
        ReusableProgram(china_only(1.0))

    def declared_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
        extra_limit(m, data)
        declare_rhs(m, "Extra_Limit", lambda d, i: 500.0)

    monkeypatch.setattr(reuse, "build_model", lambda data: build_model(data, extensions=[declared_limit]))
    assert ReusableProgram(china_only(1.0)).solve(china_only(1.0)).result.objective_usd == pytest.approx(1000)


def kink_case(china_mine_t: float) -> ModelData:
    """100 t of P demanded by a US fab; China's route (a mine of ``china_mine_t``) at 20/t, the US route at 50/t
    through a lumpy US plant of at least 60 t/yr (10 per t/yr + 2,000 per year); China capped at 40%."""
    return make_data(
        countries={**COUNTRIES, "AUS": "pax_silica"},
        mines={"mC": Mine("CHN", china_mine_t, 10), "mA": Mine("AUS", 1000, 10)},
        composition={("mC", "P"): 1.0, ("mA", "P"): 1.0},
        refineries={
            "rC": Refinery("CHN", 1000, 10, 1.0),
            "rU": Refinery("USA", 0, 40, 1.0, max_new_tpa=200, capex_usd_per_tpa=100, fixed_capex_usd=20_000,
                           min_build_tpa=60, build="lumpy", lifetime_yr=10),
        },
        fabs=[("f", "USA", "P", 100, None)],
        mine_arcs={("mC", "rC"): 0, ("mA", "rU"): 0},
        fab_arcs={("rC", "f"): 0, ("rU", "f"): 0},
        caps=[("china", "CHN", "any", 0.4)],
    )


def test_at_a_kink_tightening_and_loosening_a_cap_are_priced_apart() -> None:
    # 100 t demanded; China's route costs 20/t (mine 10 + opex 10); the US route 50/t (mine 10 + opex 40) and needs a
    # lumpy US plant: at least 60 t/yr, 100 USD per t/yr + 20,000 fixed over 10 years at 0% (10 per t/yr + 2,000/yr).
    # China capped at 40%: 40 t from China, 60 t from the US plant at its minimum size:
    #     40 x 20 + 60 x 50 + 60 x 10 + 2,000 = 6,400.
    # One point tighter (39%): the plant grows to 61 t: 6,440, +40.  One point looser (41%): 59 t through a plant
    # that cannot be smaller than 60: 6,370, -30.  A single dual would state one of the two.
    data = kink_case(china_mine_t=1000)
    run = solve_case(data, baseline=False)
    assert run.result.objective_usd == pytest.approx(6400)
    (cap,) = run.caps
    assert cap.usd_per_yr_per_pct_tighter == pytest.approx(40)
    assert cap.usd_per_yr_per_pct_looser == pytest.approx(30)
    assert cap.dual_usd_per_yr_per_pct in (pytest.approx(30), pytest.approx(40))
    row = run.tables["dependence"].iloc[0]
    assert (row["usd_per_yr_per_pct_tighter"], row["usd_per_yr_per_pct_looser"]) == (pytest.approx(40), pytest.approx(30))


def test_the_uncapped_baseline_from_the_compiled_program_equals_a_cold_uncapped_solve() -> None:
    for seed in (3, 11, 19):
        capped = solve_case(random_case(seed, china_cap=0.3, lumpy=seed == 19))
        cold = solve_case(random_case(seed, china_cap=None, lumpy=seed == 19), baseline=False)
        assert capped.uncapped is not None and cold.result.objective_usd is not None
        assert capped.uncapped["objective_usd"] == pytest.approx(cold.result.objective_usd, rel=1e-9, abs=1e-6)
        assert capped.uncapped["china_share"] == pytest.approx(cold.china_share)


def test_a_milp_row_with_slack_is_not_re_solved_tighter_and_costs_nothing_tighter(monkeypatch) -> None:
    # The kink case with China's mine limited to 30 t: China 30 t (a cap of 40% leaves 10 points of slack), the
    # lumpy US plant 70 t: 30 x 20 + 70 x 50 + 70 x 10 + 2,000 = 6,800.  One point tighter the same plan is still
    # feasible and so still optimal: no re-solve is needed for that side; the looser side is re-solved (in a MILP a
    # looser row may let another set of builds win), and here costs nothing too.
    from optimizer.solver import marginals

    data = kink_case(china_mine_t=30)
    shares: list[float] = []
    measure = marginals._objective_at

    def counted(program, data, k, t, share, options):  # type: ignore[no-untyped-def]
        shares.append(round(share, 6))
        return measure(program, data, k, t, share, options)

    monkeypatch.setattr(marginals, "_objective_at", counted)
    run = solve_case(data, baseline=False)
    assert run.result.is_mip
    assert run.result.objective_usd == pytest.approx(6800)
    (cap,) = run.caps
    assert shares == [0.41]  # the looser side only
    assert cap.usd_per_yr_per_pct_tighter == 0.0
    assert cap.usd_per_yr_per_pct_looser == pytest.approx(0, abs=1e-6)
    tighter = data.with_caps({"china": replace(data.caps["china"], max_share=0.39)})
    assert solve_case(tighter, baseline=False, marginals=False).result.objective_usd == pytest.approx(6800)
