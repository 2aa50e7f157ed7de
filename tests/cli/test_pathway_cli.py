"""Issue 12's hand case through the command line: a CSV pathway written here, solved, and its files read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main

TABLES = {
    "countries": "country,name,bloc\nCHN,China,china\nUSA,United States,pax_silica\n",
    "products": "product,description\nX,an oxide\n",
    "mines": "mine,country,capacity_t,cost_usd_per_t\ncn_mine,CHN,1000,10\nus_mine,USA,1000,20\n",
    "composition": "mine,product,share\ncn_mine,X,1\nus_mine,X,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,max_new_tpa,capex_usd_per_tpa,build,"
                  "lifetime_yr,lead_time_yr\n"
                  "cn_ref,CHN,1000,0,1,0,0,none,20,0\nus_ref,USA,0,0,1,1000,100,continuous,20,5\n",
    "fabs": "fab,country,product,demand_t\nus_fab,USA,X,100\n",
    "lanes": "from_country,to_country,cost_usd_per_t\nCHN,CHN,0\nUSA,USA,0\nCHN,USA,0\n",
    "caps": "cap,supplier,stage,max_share,period\nchina,CHN,any,0,2030\n",
    "periods": "period,years_represented\n2025,5\n2030,5\n",
    "parameters": "name,value\ndiscount_rate,0.1\n",
}


def write_case(root: Path, **changes: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {**TABLES, **changes}.items():
        (root / f"{name}.csv").write_text(text)
    return root


def expected_objective() -> float:
    crf = 0.1 * 1.1**20 / (1.1**20 - 1)
    return sum(1000 / 1.1 ** (y - 2025) for y in range(2025, 2030)) \
        + sum((2000 + crf * 100 * 100) / 1.1 ** (y - 2025) for y in range(2030, 2035))


def test_hand_case_through_the_cli(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective_usd"] == pytest.approx(expected_objective(), rel=1e-9)
    assert summary["builds"] == [{"refinery": "us_ref", "country": "USA", "period": 2025, "new_tpa": 100.0,
                                  "decided": 2025, "online": 2030}]
    assert summary["china_share"] == {"2025": 1.0, "2030": 0.0}
    builds = pd.read_csv(out / "builds.csv")
    assert builds.query("built")[["decided", "online"]].values.tolist() == [[2025, 2030]]
    dependence = pd.read_csv(out / "dependence.csv").set_index("period")
    assert dependence["share"].to_dict() == {2025: 1.0, 2030: 0.0}
    assert dependence["max_share"].to_dict() == {2025: 1.0, 2030: 0.0}
    costs = pd.read_csv(out / "costs.csv")
    assert costs["usd_pv"].sum() == pytest.approx(expected_objective(), rel=1e-6)
    assert costs.set_index(["component", "period"]).loc[("mining", 2030), "usd_undiscounted_over_period"] == pytest.approx(10000)
    pathway = pd.read_csv(out / "pathway.csv").set_index("period")
    assert pathway["floor"].to_dict() == {2025: 1.0, 2030: 0.0}
    assert [p["floor"] for p in summary["pathway"]] == [1.0, 0.0]
    # The terminal speaks of the timeline and of China's share per period.
    assert "us_ref" in result.output and "decided 2025, online 2030" in result.output
    assert "China's share of demand in 2025: 100.0%" in result.output
    assert "China's share of demand in 2030: 0.0%" in result.output
    assert "floor 0.0%" in result.output


def test_cap_for_one_period_from_the_command_line(tmp_path: Path) -> None:
    # Without the caps sheet and with --cap CHN:any@2030=0, the same plan.
    case = write_case(tmp_path / "case", caps="cap,supplier,stage,max_share\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--cap", "CHN:any@2030=0",
                                       "--no-fastest", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["objective_usd"] == pytest.approx(expected_objective())
    assert not (out / "pathway.csv").exists()
    bad = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--cap", "CHN:any@2031=0"])
    assert bad.exit_code == 2 and "2031 is not a period of the case (periods: 2025, 2030)" in bad.output


@pytest.mark.parametrize(("periods", "message"), [
    ("period,years_represented\n2025,3\n2030,5\n",
     "periods.csv row 2, column years_represented: period 2025 covers 2025-2027 but the next period (row 3) starts "
     "in 2030: 2028-2029 belong to no period (set years_represented to 5)"),
    ("period,years_represented\n2025,6\n2030,5\n",
     "periods.csv row 3, column period: period 2030 overlaps row 2 (period 2025 covers 2025-2030)"),
    ("period,years_represented\n2025,2.5\n2030,5\n",
     "periods.csv row 2, column years_represented: must be a whole number of years, got 2.5"),
])
def test_periods_that_do_not_tile_the_calendar_are_named(tmp_path: Path, periods: str, message: str) -> None:
    case = write_case(tmp_path / "case", periods=periods)
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2 and message in result.output


def test_cap_rows_name_periods_that_exist_and_one_scope(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case", caps="cap,supplier,stage,max_share,period\nchina,CHN,any,0.5,2031\n"
                                              "china,USA,any,0.5,2030\nchina,CHN,any,0.9,\nchina,CHN,any,0.8,\n")
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2
    assert "caps.csv row 2, column period: period 2031 is not in periods (2025, 2030)" in result.output
    assert "caps.csv row 3, column supplier: cap 'china' has supplier 'CHN' on row 2" in result.output
    assert "caps.csv row 5, column period: cap 'china' already has a row for every period (row 4)" in result.output


def test_demand_growth_scenario(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case")
    scenario = tmp_path / "grow.toml"
    scenario.write_text("[demand]\ngrowth_per_yr = 0.1\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--scenario", str(scenario), "--out", str(out), "-q",
                                       "--no-fastest"])
    assert result.exit_code == 0, result.output
    dependence = pd.read_csv(out / "dependence.csv").set_index("period")
    # 100 t in 2025, 100 x 1.1^5 in 2030.
    assert dependence["demand_t"].to_dict() == {2025: pytest.approx(100), 2030: pytest.approx(100 * 1.1**5)}


def test_sweep_on_a_pathway_sweeps_the_last_period(tmp_path: Path) -> None:
    # Caps sheet without rows: the sweep adds CHN:any and moves its 2030 share; 2025 stays uncapped.
    case = write_case(tmp_path / "case", caps="cap,supplier,stage,max_share\n")
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", str(case), "--cap", "CHN:any", "--from", "1", "--to", "0",
                                       "--steps", "3", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    frontier = pd.read_csv(out / "frontier.csv")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["period"] == 2030
    # At 0 in 2030 the plan is the hand case's; at 100% it is China throughout.
    assert frontier["total_cost_usd_pv"].iloc[-1] == pytest.approx(expected_objective(), rel=1e-9)
    uncapped = sum(1000 / 1.1 ** (y - 2025) for y in range(2025, 2035))
    assert frontier["total_cost_usd_pv"].iloc[0] == pytest.approx(uncapped, rel=1e-9)
    assert frontier["realised_share"].tolist() == [1.0, 0.5, 0.0]
    bad = CliRunner().invoke(main, ["sweep", str(case), "--cap", "CHN:any", "--period", "2031", "--out",
                                    str(tmp_path / "x"), "-q"])
    assert bad.exit_code == 2 and "2031 is not a period of the case" in bad.output
