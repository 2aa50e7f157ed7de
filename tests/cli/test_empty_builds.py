"""A plan that builds nothing (or a case with no build candidates) prints its summary: no KeyError, exit 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def test_a_plan_that_builds_nothing_with_a_loose_cap(tmp_path: Path) -> None:
    # The 2025 hindcast builds nothing (existing_capacity_only lets Japan's and Korea's ceria makers grow with demand).
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["solve", "--scenario", "hindcast_2025", "--cap", "CHN:any=1.0",
                                       "--out", str(out), "--no-baseline"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "new refining capacity: none" in result.output
    assert json.loads((out / "summary.json").read_text())["builds"] == []


def test_a_case_without_build_candidates(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    rows = (case / "refineries.csv").read_text().splitlines()
    (case / "refineries.csv").write_text("\n".join(r for r in rows if "candidate" not in r) + "\n")
    (case / "caps.csv").write_text("cap,supplier,stage,product,importer,max_share\n")
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "new refining capacity: none" in result.output
    assert (tmp_path / "o" / "builds.csv").read_text().splitlines() == [
        "refinery,country,period,new_tpa,built,capex_usd_per_yr,decided,online,retires"]
