"""The hand cases of the chain as it is (issue 18) through ``paxsilica solve``: from a CSV folder and a workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from tests.chain_cases import SLATES, write_case


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
