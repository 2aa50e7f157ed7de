"""Two-stage plans: export-ban disruptions and strategic stockpiles, worked out by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyomo.environ as pyo
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.data import Mine, ModelData, Refinery, Stockpile, SupplyDisruption, _frozen
from optimizer.model import build_model
from optimizer.model.bounds import undeclared
from optimizer.solver.highs import Outcome, solve_model
from optimizer.solver.reuse import ReusableProgram
from optimizer.solver.run import solve_case
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "USA": "pax_silica", "AUS": "pax_silica"}


def china_only(probability: float | None = 0.2, stockpile: bool = True, **more: object) -> ModelData:
    """The issue's case: 100 t/yr of P for a US fab, only Chinese supply at 10 USD/t, unmet at 1,000 USD/t; a ban on
    all China touches, 0.2 a year for 6 months; a US stockpile at 2 USD/t/yr holding and 10 USD/t refill."""
    data = make_data(countries=COUNTRIES, mines={"m": Mine("CHN", 1000, 10)}, composition={("m", "P"): 1.0},
                     refineries={"r": Refinery("CHN", 1000, 0, 1.0)}, fabs=[("f", "USA", "P", 100, 1000.0)],
                     mine_arcs={("m", "r"): 0}, fab_arcs={("r", "f"): 0})
    ban = SupplyDisruption(data.make_cap("CHN", "any", 0.0), probability, 6.0)
    stock = {"us": Stockpile("USA", "P", 2.0, 10.0, None, frozenset({"f"}))} if stockpile else {}
    return replace(data, disruptions=_frozen({"ban": ban}), stockpiles=_frozen(stock), **more)  # type: ignore[arg-type]


def test_the_issue_hand_case_holds_a_50_t_stockpile_at_an_expected_1100_a_year() -> None:
    # pi = 0.2 x 0.5 = 0.1. Normal operations 100 t x 10 = 1,000 weigh 0.9: 900. In the ban the stockpile gives
    # 100 t/yr for half a year: 50 t held at 2 = 100; refilled at 0.1 x 10 x 100 = 100. Total 1,100.
    run = solve_case(china_only(), baseline=False)
    assert run.result.objective_usd == pytest.approx(1100)
    stock = run.tables["stockpiles"].iloc[0]
    assert (stock["stockpile"], stock["tonnes"], stock["holding_usd_per_yr"]) == ("us", pytest.approx(50), 100)
    row = run.tables["disruptions"].iloc[0]
    assert row["unmet_t"] == pytest.approx(0) and row["stockpile_drawn_t"] == pytest.approx(50)
    # costs.csv: normal operations all year (1,000), and the ban's extra expected cost over them: 0.1 x (0 - 1,000)
    # (nothing is mined while the stockpile serves the fab) + 100 to refill it = 0, as disruptions.csv says.
    costs = run.tables["costs"].set_index("component")["usd_per_yr"]
    assert costs["mining"] == pytest.approx(1000) and costs["disruption:ban"] == pytest.approx(0, abs=1e-6)
    assert row["extra_cost_usd_per_yr_expected"] == pytest.approx(0, abs=1e-6)
    assert costs["stockpile_holding"] == pytest.approx(100) and costs["stockpile_replenish"] == pytest.approx(0)
    assert costs.sum() == pytest.approx(1100)


def test_without_stockpiles_the_ban_leaves_everything_unmet_at_10900() -> None:
    # 0.9 x 1,000 + 0.1 x 100 t x 1,000 = 10,900. Each ban costs 0.5 x (100,000 - 1,000) = 49,500 while it lasts,
    # 0.2 x 49,500 = 9,900 a year expected: 1,000 + 9,900 = 10,900.
    run = solve_case(china_only(stockpile=False), baseline=False)
    assert run.result.objective_usd == pytest.approx(10_900)
    row = run.tables["disruptions"].iloc[0]
    assert row["unmet_t"] == pytest.approx(50)
    assert row["extra_cost_usd_per_occurrence"] == pytest.approx(49_500)
    assert row["extra_cost_usd_per_yr_expected"] == pytest.approx(9_900)
    costs = run.tables["costs"].set_index("component")["usd_per_yr"]  # the ban's extra cost, as in disruptions.csv
    assert costs["mining"] == pytest.approx(1000) and costs["disruption:ban"] == pytest.approx(9_900)


def test_a_must_survive_ban_needs_the_stockpile_and_weighs_nothing() -> None:
    run = solve_case(china_only(probability=None), baseline=False)
    assert run.result.objective_usd == pytest.approx(1000 + 2 * 50)  # normal operations at full weight + holding
    assert run.tables["stockpiles"].iloc[0]["tonnes"] == pytest.approx(50)
    failed = solve_case(china_only(probability=None, stockpile=False), baseline=False)
    assert failed.result.outcome is Outcome.INFEASIBLE


def test_a_stockpile_limit_binds_and_the_rest_goes_unmet() -> None:
    # At most 20 t: 40 t/yr for half a year; 60 t/yr unmet in the ban.
    data = china_only()
    data = replace(data, stockpiles=_frozen({"us": replace(data.stockpiles["us"], max_t=20.0)}))
    run = solve_case(data, baseline=False)
    # 900 + hold 40 + refill 0.1 x 10 x 40 = 40 + ban 0.1 x 60 x 1,000 = 6,000
    assert run.result.objective_usd == pytest.approx(900 + 40 + 40 + 6000)
    assert run.tables["disruptions"].iloc[0]["unmet_t"] == pytest.approx(30)


def test_caps_bind_normal_operations_only_and_a_plant_outside_the_ban_runs_through_it() -> None:
    # An Australian plant may be built at 100 USD/t/yr of capex over 10 years (10 USD/t/yr), with ore from an
    # Australian mine at 30 USD/t, and is never hit by the ban. China is capped at 50% of normal demand: 50 t/yr come
    # from Australia (capex 500). Normal operations: 0.9 x (50 x 10 + 50 x 30) = 1,800. In the ban the stockpile
    # covers all 100 t/yr (holding 2 x 0.5 + refill 0.1 x 10 = 2 per t/yr, less than the plant's ore, 0.1 x 30 = 3):
    # 50 t held (100), refilled 0.1 x 10 x 100 = 100. Total 2,500. With the stockpile capped at 25 t the plant
    # supplies the other 50 t/yr in the ban: 1,800 + 500 + 0.1 x 50 x 30 + 25 x 2 + 0.1 x 10 x 50 = 2,550.
    data = make_data(countries=COUNTRIES, mines={"m": Mine("CHN", 1000, 10), "a": Mine("AUS", 1000, 30)},
                     composition={("m", "P"): 1.0, ("a", "P"): 1.0},
                     refineries={"r": Refinery("CHN", 1000, 0, 1.0),
                                 "ra": Refinery("AUS", 0, 0, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100,
                                                build="continuous", lifetime_yr=10)},
                     fabs=[("f", "USA", "P", 100, 1000.0)], mine_arcs={("m", "r"): 0, ("a", "ra"): 0},
                     fab_arcs={("r", "f"): 0, ("ra", "f"): 0}, caps=[("china", "CHN", "any", 0.5)])
    ban = SupplyDisruption(data.make_cap("CHN", "any", 0.0), 0.2, 6.0)
    data = replace(data, disruptions=_frozen({"ban": ban}),
                   stockpiles=_frozen({"us": Stockpile("USA", "P", 2.0, 10.0, None, frozenset({"f"}))}))
    m = build_model(data)
    assert solve_model(m).objective_usd == pytest.approx(2500)
    assert pyo.value(m.Stock_T["us", 0]) == pytest.approx(50)
    assert pyo.value(m.Deliver_T["r", "f", "P", "CHN", 0]) == pytest.approx(50)  # the cap binds normal operations
    assert ("r", "f", "P", "CHN", 0) not in m.Disrupted["ban"].DELIVERIES  # the ban stops it
    assert not hasattr(m.Disrupted["ban"], "Dependence_Cap")
    capped = replace(data, stockpiles=_frozen({"us": replace(data.stockpiles["us"], max_t=25.0)}))
    m = build_model(capped)
    assert solve_model(m).objective_usd == pytest.approx(2550)
    assert pyo.value(m.Disrupted["ban"].Deliver_T["ra", "f", "P", "AUS", 0]) == pytest.approx(50)


def test_a_disruption_may_remove_a_refinery_instead_of_a_supplier() -> None:
    data = china_only(stockpile=False)
    cut = SupplyDisruption(data.make_cap("", "any", 0.0), 0.2, 6.0, removed_nodes=frozenset({"r"}))
    cut = replace(cut, scope=replace(cut.scope, supplier_countries=frozenset()))
    m = build_model(replace(data, disruptions=_frozen({"fire": cut})))
    assert not len(m.Disrupted["fire"].ORE_ARCS) and not len(m.Disrupted["fire"].DELIVERIES)
    assert solve_model(m).objective_usd == pytest.approx(10_900)


def test_every_family_of_a_two_stage_model_declares_its_bounds_and_a_warm_resolve_matches_a_cold_one() -> None:
    data = china_only()
    assert undeclared(build_model(data)) == []
    program = ReusableProgram(data)
    dearer = replace(data, stockpiles=_frozen({"us": replace(data.stockpiles["us"], holding_usd_per_t_yr=500.0)}))
    warm = program.solve(dearer)
    cold = solve_case(dearer, baseline=False)
    # Holding at 500 costs more than the ban's expected loss per tonne held (0.2 x 2 x 990 = 396): no stockpile.
    assert warm.result.objective_usd == pytest.approx(cold.result.objective_usd) == pytest.approx(10_900)


def test_without_disruptions_the_model_has_no_copies_and_no_stockpile_variables() -> None:
    m = build_model(replace(china_only(), disruptions=_frozen({})))
    assert not hasattr(m, "Disrupted") and not hasattr(m, "Stock_T")
    assert list(m.cost_terms) == ["mining", "refining", "transport", "tariffs", "unmet_penalty", "coproduct_sales",
                                  "capex"]


HAND = {
    "countries": "country,name,bloc\nCHN,China,china\nUSA,United States,pax_silica\n",
    "products": "product,description\nP,the product\n",
    "mines": "mine,country,capacity_t,cost_usd_per_t\nm,CHN,1000,10\n",
    "composition": "mine,product,share\nm,P,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery\nr,CHN,1000,0,1\n",
    "fabs": "fab,country,product,demand_t,unmet_penalty_usd_per_t\nf,USA,P,100,1000\n",
    "lanes": "from_country,to_country,cost_usd_per_t\n*,*,0\n",
    "disruptions": "disruption,supplier,stage,probability_per_yr,duration_months\nchina_ban,CHN,any,0.2,6\n",
    "stockpiles": "stockpile,holder,product,holding_usd_per_t_yr,replenish_usd_per_t\nus_reserve,USA,P,2,10\n",
}


def write_case(folder: Path, **changes: str | None) -> Path:
    folder.mkdir()
    for name, text in {**HAND, **changes}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text)
    return folder


def test_the_hand_case_through_the_cli(tmp_path: Path) -> None:
    case = write_case(tmp_path / "hand")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective_usd"] == pytest.approx(1100)
    assert summary["stockpiles"] == [{"stockpile": "us_reserve", "holder": "USA", "product": "P", "period": 0,
                                      "tonnes": 50.0, "holding_usd_per_yr": 100.0}]
    (ban,) = summary["disruptions"]
    assert (ban["unmet_t"], ban["stockpile_drawn_t"], ban["unmet_without_plan_t"]) == (0.0, 50.0, 50.0)
    assert "stockpile us_reserve (USA, P): 50.0 t" in result.output
    assert ("disruption china_ban (0.2/yr, 6 months): short 0.0 t, 50.0 t without the plan; extra cost over normal "
            "operations $0 each time, $0 per year expected") in result.output
    assert (out / "stockpiles.csv").read_text().splitlines()[1] == "us_reserve,USA,P,0,50.0,100.0"

    bare = write_case(tmp_path / "bare", stockpiles=None)
    result = CliRunner().invoke(main, ["solve", str(bare), "--out", str(tmp_path / "out2")])
    assert json.loads((tmp_path / "out2" / "summary.json").read_text())["objective_usd"] == pytest.approx(10_900)


def test_a_must_survive_ban_without_a_stockpile_is_infeasible_with_a_diagnosis(tmp_path: Path) -> None:
    must = "disruption,supplier,stage,probability_per_yr,duration_months\nchina_ban,CHN,any,,6\n"
    case = write_case(tmp_path / "must", disruptions=must, stockpiles=None)
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "No plan meets every demand through the disruptions it must survive:" in result.output
    assert ("demand of fab f for P (fabs.csv row 2) cannot be met through disruption china_ban (disruptions.csv "
            "row 2), which must be survived (6 months): 50.0 t short; no stockpile serves it (a stockpiles row "
            "with holder USA and product P could)") in result.output
    assert not (tmp_path / "out").exists()
    small = "stockpile,holder,product,holding_usd_per_t_yr,replenish_usd_per_t,max_t\nus_reserve,USA,P,2,10,20\n"
    case = write_case(tmp_path / "small", disruptions=must, stockpiles=small)
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "30.0 t short; the stockpiles that serve it are too small: us_reserve (max_t 20 t (stockpiles.csv row " \
           "2))" in result.output


def test_stress_reports_each_disruption_with_and_without_the_plans_stockpiles(tmp_path: Path) -> None:
    case = write_case(tmp_path / "hand")
    out = tmp_path / "stress"
    result = CliRunner().invoke(main, ["stress", str(case), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "china_ban: 0.0 t with stockpiles, 50.0 t without" in result.output
    assert (out / "stress_disruptions.csv").read_text().splitlines() == [
        "disruption,period,unmet_t,unmet_without_stockpiles_t", "china_ban,0,0.0,50.0"]
    # A removal case holds the base plan's stockpile: the ban is covered, removing the refinery is not.
    result = CliRunner().invoke(main, ["stress", str(case), "--remove", "r", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["chokepoints"][0]["unmet_t"] == pytest.approx(100)
    assert summary["disruptions"][0]["unmet_without_stockpiles_t"] == pytest.approx(50)


def test_the_report_draws_what_each_disruption_leaves_unmet_with_and_without_the_plan(tmp_path: Path) -> None:
    from optimizer.report import data as rd
    from optimizer.report.html import sections

    case = write_case(tmp_path / "hand")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--report"])
    assert result.exit_code == 0, result.output
    (section,) = [s for s in sections(rd.load_run(out)) if s.key == "disruptions"]
    without, with_plan = section.figure.data
    assert list(without.x) == [50.0] and list(with_plan.x) == [0.0]
    assert list(with_plan.y) == ["china_ban (0.2/yr, 6 months)"]
    assert "Stockpiles held: us_reserve (USA, P) 50.0 t." in section.lead
    assert 'id="section-disruptions"' in (out / "report.html").read_text()


def test_costs_csv_gives_each_disruption_the_extra_cost_of_disruptions_csv_with_purifiers(tmp_path: Path) -> None:
    # The default dataset has purifiers: their cost is an operating component too, so a disruption's row of costs.csv
    # (its extra expected cost over normal operations) must be the expected cost disruptions.csv gives it.
    import pandas as pd

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", "--scenario", "steady_state_2025", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    costs = pd.read_csv(next(out.rglob("costs.csv"))).set_index("component")["usd_per_yr"]
    assert costs["purifying"] > 0
    expected = pd.read_csv(next(out.rglob("disruptions.csv"))).groupby("disruption")["extra_cost_usd_per_yr_expected"]
    for name, value in expected.first().items():
        assert costs[f"disruption:{name}"] == pytest.approx(value, rel=1e-6, abs=1e-3), name
