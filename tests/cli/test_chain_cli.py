"""The hand cases of the chain as it is (issue 18) through ``paxsilica solve``: from a CSV folder and a workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from tests.chain_cases import MINE_BUILD, PURIFIER, SLATES, UPGRADE, write_case


def solve(case: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "-q", *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return json.loads((out / "summary.json").read_text())


def as_workbook(case: Path, path: Path) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for csv in sorted(case.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(writer, sheet_name=csv.stem, index=False)
    return path


def test_slates_from_a_folder_and_from_a_workbook(tmp_path: Path) -> None:
    case = write_case(tmp_path / "slates", SLATES)
    assert solve(case, tmp_path / "csv")["objective_usd"] == pytest.approx(3300)
    book = as_workbook(case, tmp_path / "slates.xlsx")
    assert solve(book, tmp_path / "xlsx")["objective_usd"] == pytest.approx(3300)
    for name in ("flows.csv", "supply.csv", "costs.csv"):
        assert (tmp_path / "csv" / name).read_bytes() == (tmp_path / "xlsx" / name).read_bytes(), name


def test_slates_without_the_sheet(tmp_path: Path) -> None:
    case = write_case(tmp_path / "plain", SLATES, refinery_products=None)
    assert solve(case, tmp_path / "out")["objective_usd"] == pytest.approx(2550)


def test_a_slate_naming_an_unknown_refinery_is_exit_2_with_its_place(tmp_path: Path) -> None:
    case = write_case(tmp_path / "bad", SLATES, refinery_products="refinery,product,online_year\nR_X,CeO2,\n"
                                                                  "R_A,Y2O3,2026.5\n")
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2, result.output
    assert "refinery_products" in result.output and "R_X" in result.output and "row 2" in result.output
    assert "online_year" in result.output and "whole year" in result.output


def test_mine_build_through_the_cli(tmp_path: Path) -> None:
    summary = solve(write_case(tmp_path / "mine", MINE_BUILD), tmp_path / "out")
    assert summary["objective_usd"] == pytest.approx(1940)
    (cap,) = summary["caps"]
    assert cap["dual_usd_per_yr_per_pct"] == pytest.approx(3)
    builds = pd.read_csv(tmp_path / "out" / "builds.csv")
    assert builds.query("built")[["kind", "refinery", "new_tpa"]].values.tolist() == [["mine", "M_A", 80.0]]
    assert [(b["kind"], b["refinery"]) for b in summary["builds"]] == [("mine", "M_A")]


def test_a_lumpy_mine_without_a_size_is_exit_2_with_its_place(tmp_path: Path) -> None:
    mines = "mine,country,capacity_t,cost_usd_per_t,max_new_t,build,retire_year\nM_C,CHN,1000,10,,,2030.5\n" \
            "M_A,AUS,0,8,0,lumpy,\n"
    result = CliRunner().invoke(main, ["validate", str(write_case(tmp_path / "bad", MINE_BUILD, mines=mines))])
    assert result.exit_code == 2, result.output
    assert "mines" in result.output and "row 3" in result.output and "max_new_t" in result.output
    assert "retire_year" in result.output and "whole year" in result.output


def test_purifier_through_the_cli(tmp_path: Path) -> None:
    summary = solve(write_case(tmp_path / "purifier", PURIFIER), tmp_path / "out")
    assert summary["objective_usd"] == pytest.approx(3800)
    supply = pd.read_csv(tmp_path / "out" / "supply.csv")
    assert supply[["refinery_country", "purifier", "tonnes"]].values.tolist() == [["CHN", "P_J", 100.0]]
    dependence = pd.read_csv(tmp_path / "out" / "dependence.csv").set_index("cap")["share"]
    assert dependence.to_dict() == {"china_any": 1.0, "china_purify": 0.0}


def test_without_the_purifier_exit_1_names_the_unqualified_supply(tmp_path: Path) -> None:
    case = write_case(tmp_path / "none", PURIFIER, purifiers=None)
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "unqualified supply" in result.output and "R_C" in result.output


def test_purifier_from_a_workbook_gives_the_same_results(tmp_path: Path) -> None:
    case = write_case(tmp_path / "purifier", PURIFIER)
    solve(case, tmp_path / "csv")
    solve(as_workbook(case, tmp_path / "purifier.xlsx"), tmp_path / "xlsx")
    for name in ("flows.csv", "supply.csv", "costs.csv", "dependence.csv"):
        assert (tmp_path / "csv" / name).read_bytes() == (tmp_path / "xlsx" / name).read_bytes(), name


def test_a_purifier_in_an_unknown_country_is_exit_2_with_its_place(tmp_path: Path) -> None:
    purifiers = "purifier,country,capacity_t,opex_usd_per_t,recovery\nP_J,XXX,1000,20,1\n"
    arcs = "from,to\nM_C,P_J\n"
    result = CliRunner().invoke(main, ["validate", str(write_case(tmp_path / "bad", PURIFIER, purifiers=purifiers,
                                                                  arcs=arcs))])
    assert result.exit_code == 2, result.output
    assert "purifiers.csv row 2, column country" in result.output and "XXX" in result.output
    assert "arcs.csv row 2" in result.output and "purifier -> fab" in result.output


def test_upgrade_through_the_cli(tmp_path: Path) -> None:
    assert solve(write_case(tmp_path / "up", UPGRADE), tmp_path / "out")["objective_usd"] == pytest.approx(4300)
    builds = pd.read_csv(tmp_path / "out" / "builds.csv")
    assert builds.query("built")[["kind", "refinery", "new_tpa"]].values.tolist() == [["upgrade", "U_A", 100.0]]
    plain = write_case(tmp_path / "plain", UPGRADE, upgrades=None)
    assert solve(plain, tmp_path / "out2")["objective_usd"] == pytest.approx(4800)


def test_an_upgrade_of_an_unknown_refinery_is_exit_2_with_its_place(tmp_path: Path) -> None:
    upgrades = "upgrade,refinery,product,max_new_t,capex_usd_per_tpa\nU_A,R_X,CeO2,10,1\n"
    result = CliRunner().invoke(main, ["validate", str(write_case(tmp_path / "bad", UPGRADE, upgrades=upgrades))])
    assert result.exit_code == 2, result.output
    assert "upgrades.csv row 2, column refinery" in result.output and "R_X" in result.output


def test_wafer_starts_at_risk_are_written(tmp_path: Path) -> None:
    mines = "mine,country,capacity_t,cost_usd_per_t\nM_CE,AUS,60,10\nM_Y,AUS,1000,10\n"
    fabs = ("fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
            "F,JPN,CeO2,100,1000,2\nF,JPN,Y2O3,50,,\n")
    summary = solve(write_case(tmp_path / "w", SLATES, mines=mines, fabs=fabs), tmp_path / "out")
    assert summary["objective_usd"] == pytest.approx(82620)
    wafers = pd.read_csv(tmp_path / "out" / "wafer_starts.csv", keep_default_na=False)
    assert wafers["wafer_starts_at_risk"].tolist() == [40000.0]


def test_a_scenario_removing_a_refinery_with_a_slate_removes_its_slate_rows(tmp_path: Path) -> None:
    """``remove = ["R_A"]`` drops R_A's refinery_products rows too: every tonne then goes through R_B,
    100 x 32 + 50 x 32 = 4,800 (exit 2 before: the slate named a refinery the input no longer had)."""
    case = write_case(tmp_path / "slates", SLATES)
    scenario = tmp_path / "no_ra.toml"
    scenario.write_text('remove = ["R_A"]\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--scenario", str(scenario), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["objective_usd"] == pytest.approx(4_800)
