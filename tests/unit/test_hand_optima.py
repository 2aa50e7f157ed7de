"""Micro-networks whose optimum is worked out by hand (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from optimizer.io.data import Arc, Market, Mine, Refinery
from optimizer.model import build_model
from optimizer.solver.highs import Outcome, solve_model
from optimizer.solver.run import solve_case
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "AUS": "pax_silica", "USA": "pax_silica", "JPN": "pax_silica"}


def test_single_path_costs_mining_refining_and_transport() -> None:
    # 10 t Y2O3 at 20% of REO and 50% recovery need 10 / (0.2 * 0.5) = 100 t REO.
    # cost = 100 t x (mine 10 + opex 30 + freight 5) + 10 t x freight 7 = 4500 + 70 = 4570
    data = make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 1000, 10)},
        composition={("m", "Y2O3"): 0.2},
        refineries={"r": Refinery("AUS", 1000, 30, 0.5)},
        fabs=[("f", "USA", "Y2O3", 10, None)],
        mine_arcs={("m", "r"): 5},
        fab_arcs={("r", "f"): 7},
    )
    run = solve_case(data)
    assert run.result.outcome is Outcome.OPTIMAL
    assert run.result.objective_usd == pytest.approx(4570)
    flows = run.tables["flows"].set_index("stage")
    assert flows.loc["mine_to_refinery", "tonnes"] == pytest.approx(100)
    assert flows.loc["refinery_to_fab", "tonnes"] == pytest.approx(10)
    # One more tonne of demand costs 4570 / 10 = 457.
    duals = run.tables["duals"].set_index(["constraint", "index"])
    assert duals.loc[("Demand_Balance", "f,Y2O3,0"), "value"] == pytest.approx(457)
    costs = run.tables["costs"].set_index("component")["usd_per_yr"]
    assert costs["mining"] == pytest.approx(1000) and costs["refining"] == pytest.approx(3000)
    assert costs["transport"] == pytest.approx(570) and costs.sum() == pytest.approx(4570)


def switch_case(max_share: float) -> object:
    # Y2O3 is half the REO; recovery 1, so 1 t oxide needs 2 t REO.
    # via China:  2 x (mine 10 + opex 20 + freight 1) + freight 3 = 65 per t oxide
    # via the US: 2 x (mine 10 + opex 50 + freight 2 + capex 100/tpa over 10 years = 10) + freight 4 = 148
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("CHN", 1000, 10)},
        composition={("m", "Y2O3"): 0.5},
        refineries={
            "rC": Refinery("CHN", 1000, 20, 1.0),
            "rU": Refinery("USA", 0, 50, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100, build="continuous",
                           lifetime_yr=10),
        },
        fabs=[("f", "USA", "Y2O3", 100, None)],
        mine_arcs={("m", "rC"): 1, ("m", "rU"): 2},
        fab_arcs={("rC", "f"): 3, ("rU", "f"): 4},
        caps=[("china_refining", "CHN", "refine", max_share)],
    )


def test_cap_forces_switch_to_dearer_allied_refinery_and_prices_it() -> None:
    # Uncapped: all 100 t through China = 6500.  Capped at 50%: 50 x 65 + 50 x 148 = 10650.
    run = solve_case(switch_case(0.5))
    assert run.result.objective_usd == pytest.approx(10650)
    assert run.uncapped is not None and run.uncapped["objective_usd"] == pytest.approx(6500)
    (cap,) = run.caps
    assert cap.share == pytest.approx(0.5)
    # Each tonne more that China may refine saves 148 - 65 = 83; a point of share is 1 t of the 100 delivered.
    assert cap.dual_usd_per_t == pytest.approx(-83)
    assert cap.dual_usd_per_yr_per_pct == pytest.approx(83)
    builds = run.tables["builds"]
    assert builds.loc[0, "new_tpa"] == pytest.approx(100)  # 50 t oxide = 100 t REO through the new plant
    # The headline China share counts any stage: every tonne was mined in China, wherever refined.
    assert run.china_share[0] == pytest.approx(1.0)


def lumpy_case(penalty: float) -> object:
    # China may refine nothing, so the only supply is a lumpy Japanese plant:
    # at least 200 t/yr, capex 100/tpa + 20000 fixed, 10 years at 0%: 0.1 x (100 x 200 + 20000) = 4000 per year.
    # 50 t Y2O3 need 100 t REO: 100 x (mine 10 + opex 20 + freight 1) + 50 x freight 2 = 3200; in all 7200.
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 1000, 10)},
        composition={("m", "Y2O3"): 0.5},
        refineries={
            "rC": Refinery("CHN", 1000, 1, 1.0),
            "rJ": Refinery("JPN", 0, 20, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100, fixed_capex_usd=20000,
                           min_build_tpa=200, build="lumpy", lifetime_yr=10),
        },
        fabs=[("f", "JPN", "Y2O3", 50, penalty)],
        mine_arcs={("m", "rC"): 1, ("m", "rJ"): 1},
        fab_arcs={("rC", "f"): 2, ("rJ", "f"): 2},
        caps=[("no_china", "CHN", "refine", 0.0)],
    )


def test_lumpy_build_not_worth_its_fixed_cost() -> None:
    # Leaving 50 t unmet at 100/t costs 5000 < 7200.
    run = solve_case(lumpy_case(100), baseline=False)
    assert run.result.is_mip
    assert run.result.objective_usd == pytest.approx(5000)
    assert not run.tables["builds"]["built"].any()


def test_lumpy_build_worth_its_fixed_cost_is_built_at_minimum_size() -> None:
    # Leaving 50 t unmet at 200/t costs 10000 > 7200: build the minimum 200 t/yr.
    run = solve_case(lumpy_case(200), baseline=False)
    assert run.result.objective_usd == pytest.approx(7200)
    build = run.tables["builds"].iloc[0]
    assert bool(build["built"]) and build["new_tpa"] == pytest.approx(200)
    assert build["capex_usd_per_yr"] == pytest.approx(4000)
    # Duals come from the LP with the build fixed: one more tonne costs 2 x 31 + 2 = 64.
    assert run.result.duals_source == "milp_fixed"
    duals = run.tables["duals"].set_index(["constraint", "index"])
    assert duals.loc[("Demand_Balance", "f,Y2O3,0"), "value"] == pytest.approx(64)
    assert "integer decisions fixed" in duals.loc[("Demand_Balance", "f,Y2O3,0"), "meaning"]


def lead_time_case(lead_time_yr: float) -> object:
    # Two periods, 2030 and 2035, one year each.  China may refine nothing; the US plant takes lead_time_yr.
    # 50 t Y2O3 need 100 t REO: 100 x (10 + 50 + 1) + 50 x 2 = 6200 per period served.
    # 100 t/yr of capacity at 100/tpa over 10 years at 0% is 1000 per year, charged in each year it runs.
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 1000, 10)},
        composition={("m", "Y2O3"): 0.5},
        refineries={
            "rC": Refinery("CHN", 1000, 1, 1.0),
            "rU": Refinery("USA", 0, 50, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100, build="continuous",
                           lifetime_yr=10, lead_time_yr=lead_time_yr),
        },
        fabs=[("f", "USA", "Y2O3", 50, 1000)],
        mine_arcs={("m", "rC"): 1, ("m", "rU"): 1},
        fab_arcs={("rC", "f"): 2, ("rU", "f"): 2},
        caps=[("no_china", "CHN", "refine", 0.0)],
        periods={2030: 1.0, 2035: 1.0},
    )


def test_lead_time_delays_new_capacity() -> None:
    # Lead time 5: capacity decided in 2030 runs from 2035, so 2030's 50 t go unmet at 1000/t.
    # 50000 (unmet 2030) + 6200 (2035) + 1 x 1000 (capex, paid from the online year only) = 57200
    # (was 58200 while capex was charged from the decision period; changed with the pathway model, issue 12)
    run = solve_case(lead_time_case(5), baseline=False)
    assert run.result.objective_usd == pytest.approx(57200)
    assert run.unmet == [("f", "Y2O3", 2030, pytest.approx(50))]
    builds = run.tables["builds"].set_index("period")
    assert builds.loc[2030, "new_tpa"] == pytest.approx(100) and builds.loc[2030, "online"] == 2035
    # A decision in 2035 would run only after the horizon: it is not an option.
    assert 2035 not in builds.index


def test_without_lead_time_capacity_runs_at_once() -> None:
    # 2 x 6200 + 2 x 1000 = 14400, nothing unmet.
    run = solve_case(lead_time_case(0), baseline=False)
    assert run.result.objective_usd == pytest.approx(14400)
    assert run.unmet == []


def coproduct_case(market: Market | None) -> object:
    # 20 t Y2O3 at 20% of REO need 100 t REO, which also yields 60 t CeO2.
    # cost = 100 x (10 + 20 + 1) + 20 x 2 = 3140
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("CHN", 1000, 10)},
        composition={("m", "Y2O3"): 0.2, ("m", "CeO2"): 0.6},
        refineries={"r": Refinery("CHN", 1000, 20, 1.0)},
        fabs=[("f", "JPN", "Y2O3", 20, None)],
        mine_arcs={("m", "r"): 1},
        fab_arcs={("r", "f"): 2},
        markets={"CeO2": market} if market else {},
    )


def test_coproduct_sold_up_to_market_limit_rest_disposed() -> None:
    # 40 of the 60 t CeO2 sell at 5: 3140 - 200 = 2940.  Mining more for cerium would earn 0.6 x 5 = 3 < 31 per t.
    run = solve_case(coproduct_case(Market(5, 40)))
    assert run.result.objective_usd == pytest.approx(2940)
    sales = run.tables["flows"].query("stage == 'sale'")
    assert sales["tonnes"].sum() == pytest.approx(40)
    assert sales["cost_usd_per_yr"].sum() == pytest.approx(-200)


def test_coproduct_without_market_is_disposed_free() -> None:
    run = solve_case(coproduct_case(None))
    assert run.result.objective_usd == pytest.approx(3140)
    assert (run.tables["flows"]["stage"] != "sale").all()


def unmet_case(penalty: float | None) -> object:
    # The mine's 50 t REO at 10% Y2O3 yield 5 t; the fab wants 10.
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 50, 10)},
        composition={("m", "Y2O3"): 0.1},
        refineries={"r": Refinery("AUS", 1000, 20, 1.0)},
        fabs=[("f", "USA", "Y2O3", 10, penalty)],
        mine_arcs={("m", "r"): 1},
        fab_arcs={("r", "f"): 2},
    )


def test_unmet_demand_is_priced_at_its_penalty() -> None:
    # 50 x (10 + 20 + 1) + 5 x 2 + 5 x 1000 = 1550 + 10 + 5000 = 6560; the marginal tonne costs the penalty.
    run = solve_case(unmet_case(1000))
    assert run.result.objective_usd == pytest.approx(6560)
    assert run.unmet == [("f", "Y2O3", 0, pytest.approx(5))]
    duals = run.tables["duals"].set_index(["constraint", "index"])
    assert duals.loc[("Demand_Balance", "f,Y2O3,0"), "value"] == pytest.approx(1000)


def test_demand_that_must_be_met_but_cannot_is_infeasible() -> None:
    result = solve_model(build_model(unmet_case(None)))
    assert result.outcome is Outcome.INFEASIBLE
    assert "validate" in result.message and "--cap" in result.message


def test_arc_limit_splits_flow() -> None:
    # The cheap arc carries at most 30 t REO; the other 70 t go the dearer way (+4 per t): 100 x 31 + 70 x 4 + ...
    data = make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 1000, 10)},
        composition={("m", "Y2O3"): 1.0},
        refineries={"r1": Refinery("AUS", 1000, 20, 1.0), "r2": Refinery("AUS", 1000, 20, 1.0)},
        fabs=[("f", "USA", "Y2O3", 100, None)],
        mine_arcs={("m", "r1"): Arc(1, max_t=30), ("m", "r2"): 5},
        fab_arcs={("r1", "f"): 0, ("r2", "f"): 0},
    )
    run = solve_case(data)
    # 100 x (10 + 20) + 30 x 1 + 70 x 5 = 3000 + 30 + 350 = 3380
    assert run.result.objective_usd == pytest.approx(3380)
