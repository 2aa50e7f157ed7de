"""Mines as investments: new mines and expansions decided by the rule every kind of site shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.model.investment import build_options
from optimizer.solver.run import solve_case
from tests.chain_cases import MINE_BUILD, write_case


def test_a_capped_supplier_is_replaced_by_a_mine_built_for_it(tmp_path: Path) -> None:
    run = solve_case(load_case(write_case(tmp_path / "case", MINE_BUILD)))
    assert run.result.objective_usd == pytest.approx(1940)
    # Uncapped, every tonne comes from China at 17 and nothing is built.
    assert run.uncapped is not None and run.uncapped["objective_usd"] == pytest.approx(1700)
    assert run.uncapped["builds"].empty
    (cap,) = run.caps
    # One point more (1 t of the 100 demanded) moves a tonne from Australia (20) to China (17).
    assert cap.dual_usd_per_yr_per_pct == pytest.approx(3)
    builds = run.tables["builds"]
    built = builds[builds["built"]]
    assert built[["kind", "refinery", "country"]].values.tolist() == [["mine", "M_A", "AUS"]]
    assert built["new_tpa"].tolist() == [pytest.approx(80)]
    assert built["capex_usd_per_yr"].tolist() == [pytest.approx(400)]
    costs = run.tables["costs"].set_index("component")["usd_per_yr"]
    assert costs["capex"] == pytest.approx(400) and costs["mining"] == pytest.approx(20 * 10 + 80 * 8)


def test_every_build_option_is_listed_with_its_kind_site_country_and_period(tmp_path: Path) -> None:
    data = load_case(write_case(tmp_path / "case", MINE_BUILD))
    m = build_model(data)
    assert [(k, s, c, t) for k, s, c, t, _v in build_options(m, data)] == [("mine", "M_A", "AUS", 0)]
    assert build_options(m, data)[0][4] is m.Mine_Build_T["M_A", 0]


def test_a_lumpy_mine_below_its_minimum_is_not_built(tmp_path: Path) -> None:
    # At least 500 t/yr (2,500 a year); demand must be met and China may supply 20 t only, so it is built at 500 t/yr,
    # and once built its ore (15 a tonne delivered) beats China's (17): 100 x 15 + 2,500 = 4,000.
    mines = ("mine,country,capacity_t,cost_usd_per_t,max_new_t,min_build_t,capex_usd_per_tpa,build,lifetime_yr\n"
             "M_C,CHN,1000,10,,,,,\nM_A,AUS,0,8,1000,500,50,lumpy,10\n")
    run = solve_case(load_case(write_case(tmp_path / "case", MINE_BUILD, mines=mines)), baseline=False)
    assert run.result.is_mip
    assert run.result.objective_usd == pytest.approx(4000)
    built = run.tables["builds"].query("built")
    assert built["new_tpa"].tolist() == [pytest.approx(500)]


def test_a_mine_retiring_before_a_period_is_replaced_by_a_new_one(tmp_path: Path) -> None:
    # Two one-year periods; the CHN mine retires in 2026 and there is no cap: 2025 at 17 x 100, 2026 from Australia
    # at 20 (capacity decided in 2026, running at once).
    mines = ("mine,country,capacity_t,cost_usd_per_t,max_new_t,capex_usd_per_tpa,build,lifetime_yr,retire_year\n"
             "M_C,CHN,1000,10,,,,,2026\nM_A,AUS,0,8,1000,50,continuous,10,\n")
    case = write_case(tmp_path / "case", MINE_BUILD, mines=mines, caps=None,
                      periods="period,years_represented\n2025,1\n2026,1\n")
    run = solve_case(load_case(case), baseline=False)
    assert run.result.objective_usd == pytest.approx(1700 + 2000)
    built = run.tables["builds"].query("built")
    assert built[["refinery", "decided", "online"]].values.tolist() == [["M_A", 2026, 2026]]


def test_without_the_plan_a_disruption_is_measured_with_no_mine_built(tmp_path: Path) -> None:
    # A Chinese ban half of one year in ten: without the plan (nothing built, not even the Australian mine) the fab's
    # 100 t/yr go short for half a year: 50 t.
    disruptions = "disruption,supplier,stage,probability_per_yr,duration_months\nban,CHN,any,0.1,6\n"
    params = "name,value\ndiscount_rate,0\ndefault_disruption_penalty_usd_per_t,1000\n"
    run = solve_case(load_case(write_case(tmp_path / "case", MINE_BUILD, disruptions=disruptions,
                                          parameters=params)))
    (row,) = run.tables["disruptions"].to_dict("records")
    assert row["unmet_without_plan_t"] == pytest.approx(50)
    assert row["unmet_t"] == pytest.approx(0)
