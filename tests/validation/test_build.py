"""From tables to ModelData: lanes and arcs, periods and demand, penalties, caps, and workbook == CSV."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
from conftest import NAN, write_csv_dir, write_workbook

from optimizer.io.data import Arc, ModelData
from optimizer.io.load import load_case

# Costs chosen so every sum is unique: the cost of an arc tells which rows made it.
LANES = pd.DataFrame({
    "from_country": ["*", "CHN", "*", "CHN"],
    "to_country": ["*", "*", "JPN", "JPN"],
    "cost_usd_per_t": [30.0, 50.0, 40.0, 70.0],
    "tariff_usd_per_t": [0.0, 0.0, 0.0, 5.0],
})


def load(tmp_path: Path, frames: dict) -> ModelData:
    return load_case(write_csv_dir(tmp_path / "case", frames))


def test_most_specific_lane_wins(tmp_path: Path, case) -> None:
    case["lanes"] = LANES
    data = load(tmp_path, case)
    assert data.fab_arcs["R_CN", "F_JP"] == Arc(75.0, None, 5.0)  # exact from, exact to (+ tariff)
    assert data.fab_arcs["R_CN", "F_US"].cost_usd_per_t == 50.0  # exact from, * to
    assert data.fab_arcs["R_US", "F_JP"].cost_usd_per_t == 40.0  # * from, exact to
    assert data.fab_arcs["R_US", "F_US"].cost_usd_per_t == 30.0  # *, *
    assert data.mine_arcs["M_CN", "R_US"].cost_usd_per_t == 50.0
    assert data.mine_arcs["M_US", "R_CN"].cost_usd_per_t == 30.0


def test_exact_from_beats_exact_to(tmp_path: Path, case) -> None:
    case["lanes"] = LANES.iloc[:3]
    assert load(tmp_path, case).fab_arcs["R_CN", "F_JP"].cost_usd_per_t == 50.0


def test_blocked_lane_removes_its_arcs_only(tmp_path: Path, case) -> None:
    case["lanes"] = pd.DataFrame({"from_country": ["*", "CHN"], "to_country": ["*", "USA"],
                                  "cost_usd_per_t": [30.0, 1.0], "blocked": [False, True]})
    data = load(tmp_path, case)
    assert ("M_CN", "R_US") not in data.mine_arcs and ("R_CN", "F_US") not in data.fab_arcs
    assert set(data.mine_arcs) == {("M_CN", "R_CN"), ("M_US", "R_CN"), ("M_US", "R_US")}
    assert ("R_CN", "F_JP") in data.fab_arcs


def test_no_matching_lane_means_no_arc(tmp_path: Path, case) -> None:
    case["lanes"] = pd.DataFrame({"from_country": ["USA"], "to_country": ["USA"], "cost_usd_per_t": [3.0]})
    data = load(tmp_path, case)
    assert set(data.mine_arcs) == {("M_US", "R_US")} and set(data.fab_arcs) == {("R_US", "F_US")}


def test_arcs_override_cost_limit_and_blocking(tmp_path: Path, case) -> None:
    case["lanes"] = pd.DataFrame({"from_country": ["*", "CHN"], "to_country": ["*", "USA"],
                                  "cost_usd_per_t": [30.0, 60.0], "tariff_usd_per_t": [0.0, 25.0],
                                  "blocked": [False, True]})
    case["arcs"] = pd.DataFrame({
        "from": ["R_CN", "M_US", "M_US", "M_CN"],
        "to": ["F_US", "R_US", "R_CN", "R_US"],
        "cost_usd_per_t": [NAN, 12.0, NAN, 8.0],
        "max_t": [NAN, 100.0, NAN, NAN],
        "blocked": [False, False, True, False],
    })
    data = load(tmp_path, case)
    # opens a blocked lane: the lane's freight and tariff
    assert data.fab_arcs["R_CN", "F_US"] == Arc(85.0, None, 25.0)
    # own cost and limit
    assert data.mine_arcs["M_US", "R_US"] == Arc(12.0, 100.0, 0.0)
    # blocked by the arcs row although the lane is open
    assert ("M_US", "R_CN") not in data.mine_arcs
    # own freight, plus the matching (blocked) lane's tariff
    assert data.mine_arcs["M_CN", "R_US"] == Arc(33.0, None, 25.0)


def test_arc_without_any_lane_costs_its_own_or_nothing(tmp_path: Path, case) -> None:
    case["lanes"] = pd.DataFrame({"from_country": ["USA"], "to_country": ["USA"], "cost_usd_per_t": [3.0]})
    case["arcs"] = pd.DataFrame({"from": ["M_CN", "R_CN"], "to": ["R_CN", "F_JP"], "cost_usd_per_t": [NAN, 9.0]})
    data = load(tmp_path, case)
    assert data.mine_arcs["M_CN", "R_CN"] == Arc(0.0)
    assert data.fab_arcs["R_CN", "F_JP"] == Arc(9.0)


def test_one_period_without_periods_sheet(tmp_path: Path, case) -> None:
    data = load(tmp_path, case)
    assert data.periods == (0,) and dict(data.years_represented) == {0: 1.0} and not data.multi_period
    assert dict(data.demand_t) == {("F_US", "Nd2O3", 0): 10.0, ("F_US", "Y2O3", 0): 5.0, ("F_JP", "Nd2O3", 0): 8.0}


def test_periods_and_demand_overrides(tmp_path: Path, case) -> None:
    case["periods"] = pd.DataFrame({"period": [2035, 2030], "years_represented": [10.0, 5.0]})
    case["demand"] = pd.DataFrame({"fab": ["F_JP", "F_US"], "period": [2035, 2030], "product": [None, "Y2O3"],
                                   "demand_t": [20.0, 6.0]})
    data = load(tmp_path, case)
    assert data.periods == (2030, 2035) and data.multi_period
    assert dict(data.years_represented) == {2030: 5.0, 2035: 10.0}
    assert data.demand_t["F_JP", "Nd2O3", 2035] == 20.0  # blank product: the fab's only one
    assert data.demand_t["F_JP", "Nd2O3", 2030] == 8.0  # fabs.demand_t where not overridden
    assert data.demand_t["F_US", "Y2O3", 2030] == 6.0
    assert data.rows["demand", "F_JP", "Nd2O3", "2035"] == 2


def test_unmet_penalty_falls_back_to_parameter(tmp_path: Path, case) -> None:
    assert load(tmp_path / "a", case).unmet_penalty_usd_per_t["F_US", "Nd2O3"] is None
    case["parameters"] = pd.DataFrame({"name": ["default_unmet_penalty_usd_per_t"], "value": ["5e4"]})
    data = load(tmp_path / "b", case)
    assert data.unmet_penalty_usd_per_t["F_US", "Nd2O3"] == 50000.0
    assert data.unmet_penalty_usd_per_t["F_JP", "Nd2O3"] == 100000.0


def test_parameters_caps_markets_and_composition(tmp_path: Path, case) -> None:
    case["composition"].loc[3, "share"] = 0.0
    case["caps"] = pd.DataFrame({"cap": ["c1"], "supplier": ["CHN"], "stage": ["Refine"], "product": ["Y2O3"],
                                 "importer": ["pax_silica"], "max_share": [0.2]})
    case["markets"] = pd.DataFrame({"product": ["Nd2O3"], "price_usd_per_t": [100.0], "max_t": [NAN]})
    data = load(tmp_path, case)
    assert ("M_CN", "Y2O3") not in data.composition
    cap = data.caps["c1"]
    assert cap.stage == "refine" and cap.products == {"Y2O3"} and cap.fabs == {"F_US", "F_JP"}
    assert cap.supplier_countries == {"CHN"}
    assert data.markets["Nd2O3"].max_t is None
    assert data.discount_rate == 0.07
    assert dict(data.parameters) == {"discount_rate": 0.07, "default_unmet_penalty_usd_per_t": None,
                                     "default_disruption_penalty_usd_per_t": None, "disruption_value_per_wafer_start_usd": None,
                                     "currency_year": 2025,
                                     "description": ""}
    assert data.rows["caps", "c1"] == 2 and data.rows["fabs", "F_JP", "Nd2O3"] == 4
    assert data.rows["lanes", "*", "*"] == 2 and data.rows["composition", "M_CN", "Y2O3"] == 5


def test_workbook_and_csv_give_identical_model_data(tmp_path: Path, case) -> None:
    case["lanes"] = LANES
    case["periods"] = pd.DataFrame({"period": [2030, 2035], "years_represented": [5.0, 1.0]})
    case["demand"] = pd.DataFrame({"fab": ["F_JP"], "period": [2035], "demand_t": [20.0]})
    case["arcs"] = pd.DataFrame({"from": ["M_US"], "to": ["R_US"], "cost_usd_per_t": [12.0], "max_t": [100.0]})
    from_csv = load_case(write_csv_dir(tmp_path / "dir", case))
    from_xlsx = load_case(write_workbook(tmp_path / "case.xlsx", case))
    assert from_xlsx.source.endswith("case.xlsx") and len(from_xlsx.sha256) == 64
    assert dataclasses.replace(from_csv, source="", sha256="") == dataclasses.replace(from_xlsx, source="", sha256="")
