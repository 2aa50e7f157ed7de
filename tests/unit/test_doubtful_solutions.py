"""A solution that disagrees with its input is reported as doubtful (warnings, exit 1: not a usable plan), never as a clean optimum."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main
from optimizer.report.terminal import usd

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def edited(tmp_path: Path, sheet: str, column: str, value: str, blank: str | None = None) -> Path:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    with open(case / f"{sheet}.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row[column] = value
        if blank:
            row[blank] = ""
    with open(case / f"{sheet}.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return case


def test_tiny_demands_without_penalty_are_not_a_clean_optimum(tmp_path: Path) -> None:
    case = edited(tmp_path, "fabs", "demand_t", "1e-6", blank="unmet_penalty_usd_per_t")
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--no-baseline"])
    assert result.exit_code == 1, result.output
    assert "NUMERICALLY DOUBTFUL" in result.output
    doc = json.loads((out / "summary.json").read_text())
    assert any("neither delivered nor reported unmet" in w for w in doc["warnings"]), doc["warnings"]
    assert any("jp_fabs/CeO2: demand 1e-06 t, delivered 0 t, unmet 0 t" in w for w in doc["warnings"])


def test_costs_of_1e15_are_flagged(tmp_path: Path) -> None:
    case = edited(tmp_path, "mines", "cost_usd_per_t", "1e15")
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--no-baseline"])
    assert result.exit_code == 1, result.output
    warnings = json.loads((out / "summary.json").read_text())["warnings"]
    assert any("exceeds 1e+13 USD" in w for w in warnings)
    assert any("mine bayan_obo cost_usd_per_t 1e+15" in w for w in warnings)


def test_a_clean_solve_has_no_warnings(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["warnings"] == []


def test_money_never_prints_as_minus_zero() -> None:
    assert usd(-0.4) == "$0" and usd(-0.0) == "$0" and usd(-0.6) == "-$1" and usd(-1500) == "-$1.50k"
