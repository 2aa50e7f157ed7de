"""results.xlsx: every result table as a sheet with units in its headers, the same numbers as the CSV files, and the
same bytes for the same input."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.results_xlsx import header, results_workbook_bytes

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
TABLES = ["flows", "builds", "supply", "costs", "duals", "dependence", "risk"]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("xlsx")
    for name in ("a", "b"):
        result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(root / name), "-q"])
        assert result.exit_code == 0, result.output
    return root / "a", root / "b"


def test_each_result_table_is_a_sheet_with_the_numbers_of_its_csv(solved: tuple[Path, Path]) -> None:
    run = solved[0]
    wb = openpyxl.load_workbook(run / "results.xlsx", read_only=True)
    assert wb.sheetnames == ["summary", *TABLES]
    for name in TABLES:
        csv = pd.read_csv(run / f"{name}.csv", keep_default_na=False, na_values={"": None})
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == [header(c) for c in csv.columns]
        assert len(rows) - 1 == len(csv)
        for got, want in zip(rows[1:], csv.itertuples(index=False)):
            for g, w in zip(got, want):
                if isinstance(w, float) and not isinstance(g, str):
                    assert (g is None and math.isnan(w)) or g == pytest.approx(w, rel=1e-12, abs=1e-9)
                else:
                    assert str(g if g is not None else "") == str(w), name


def test_headers_carry_units() -> None:
    assert header("tonnes") == "tonnes [t]" and header("new_tpa") == "new_tpa [t/yr]"
    assert header("capex_usd_per_yr") == "capex_usd_per_yr [USD/yr]" and header("usd") == "usd [USD]"
    assert header("dual_usd_per_yr_per_pct") == "dual_usd_per_yr_per_pct [USD per year per percentage point]"
    assert header("extra_cost_usd_per_occurrence") == "extra_cost_usd_per_occurrence [USD each time it happens]"
    assert header("max_share") == "max_share [fraction 0-1]" and header("refinery") == "refinery"
    assert header("usd_pv") == "usd_pv [USD, present value at the base year]"
    assert header("total_cost_usd_pv") == "total_cost_usd_pv [USD, present value at the base year]"
    assert header("usd_per_yr") == "usd_per_yr [USD/yr]" and header("cost_usd_per_yr") == "cost_usd_per_yr [USD/yr]"
    assert header("usd_undiscounted_over_period") == \
        "usd_undiscounted_over_period [USD over the period's years, not discounted]"


def test_the_summary_sheet_says_which_money_the_totals_are() -> None:
    def labels(summary: dict) -> list[str]:
        wb = openpyxl.load_workbook(__import__("io").BytesIO(results_workbook_bytes({}, summary)))
        return [str(k) for k, _ in wb["summary"].iter_rows(values_only=True)]

    pathway = {"objective_usd": 1.0, "cost_breakdown_usd": {"mining": 1.0},
               "headline": {"money": {"base_year": 2025}}}
    assert {"objective_usd [USD, present value 2025]", "cost: mining [USD, present value 2025]"} <= set(labels(pathway))
    year = {"objective_usd": 1.0, "headline": {"money": {"base_year": None}}}
    assert "objective_usd [USD/yr]" in labels(year)


def test_the_same_input_gives_the_same_bytes(solved: tuple[Path, Path]) -> None:
    a, b = solved
    assert (a / "results.xlsx").read_bytes() == (b / "results.xlsx").read_bytes()
    summary = [r for r in openpyxl.load_workbook(a / "results.xlsx")["summary"].iter_rows(values_only=True)]
    assert ("status", "optimal") in summary and not any("wall" in str(k) for k, _ in summary)


def test_blank_and_infinite_values_are_empty_cells_not_errors() -> None:
    frame = pd.DataFrame({"point": [1, 2], "total_cost_usd": [5.0, float("nan")], "x_t": [float("inf"), 1.0]})
    wb = openpyxl.load_workbook(__import__("io").BytesIO(results_workbook_bytes({"frontier": frame})))
    assert list(wb["frontier"].iter_rows(values_only=True)) == [
        ("point", "total_cost_usd [USD]", "x_t [t]"), (1, 5, None), (2, None, 1)]
