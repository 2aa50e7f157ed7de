"""Inputs built to hang or exhaust the tool end in exit 2 with the place named, quickly, never in a traceback."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
WORKBOOK = Path(__file__).resolve().parents[2] / "inputs" / "pax_silica_2025.xlsx"


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own: a hang fails the test instead of the test run."""
    return subprocess.run([sys.executable, "-c", "from optimizer.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_a_shared_strings_bomb_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    strings = b"<si><t>a</t></si>" * 1_200_000
    part = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main" count="1200000" uniqueCount="1200000">' + strings + b"</sst>")
    bomb = tmp_path / "bomb.xlsx"
    raw = io.BytesIO()
    with zipfile.ZipFile(WORKBOOK) as src, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/sharedStrings.xml", part)
    bomb.write_bytes(raw.getvalue())
    assert bomb.stat().st_size < 2_000_000
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(bomb)])
    assert time.perf_counter() - start < 30
    assert result.exit_code == 2, result.output
    assert "sharedStrings.xml" in result.output and "shared strings" in result.output
    assert "Traceback" not in result.output


def test_too_many_cells_in_a_workbook_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.io.workbook as workbook

    monkeypatch.setattr(workbook, "MAX_CELLS", 100)
    result = CliRunner().invoke(main, ["validate", str(WORKBOOK)])
    assert result.exit_code == 2 and "more than 100 cells" in result.output, result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_workbook_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "case.xlsx"
    os.mkfifo(fifo)
    result = cli("validate", str(fifo), timeout=60)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "not a regular file (a FIFO)" in result.stdout + result.stderr and "case.xlsx" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_csv_sheet_is_refused_not_waited_on(tmp_path: Path) -> None:
    case = tmp_path / "in"
    shutil.copytree(EXAMPLE, case)
    (case / "mines.csv").unlink()
    os.mkfifo(case / "mines.csv")
    result = cli("validate", str(case), timeout=60)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "mines.csv" in result.stdout and "not a regular file (a FIFO)" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_batch_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "runs.toml"
    os.mkfifo(fifo)
    result = cli("batch", str(fifo), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr and "runs.toml" in result.stdout + result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_named_like_an_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.xlsx").symlink_to("/dev/zero")
    result = cli("validate", str(tmp_path / "zero.xlsx"), timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a regular file (a device)" in result.stdout


def test_a_billion_years_represented_is_refused_with_its_place(tmp_path: Path) -> None:
    from tests.cli.test_pathway_cli import write_case

    case = write_case(tmp_path / "case", periods="period,years_represented\n2025,5\n2030,1e9\n")
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "periods.csv row 3, column years_represented" in result.output and "Traceback" not in result.output


def test_demand_growth_of_1e308_is_refused_with_its_place(tmp_path: Path) -> None:
    from tests.cli.test_pathway_cli import write_case

    case = write_case(tmp_path / "case")
    scenario = tmp_path / "boom.toml"
    scenario.write_text("[demand]\ngrowth_per_yr = 1e308\n")
    result = CliRunner().invoke(main, ["solve", str(case), "--scenario", str(scenario), "--out",
                                       str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "growth_per_yr" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_growth_that_overflows_over_the_periods_is_refused(tmp_path: Path) -> None:
    from tests.cli.test_pathway_cli import write_case

    case = write_case(tmp_path / "case", periods="period\n2025\n3100\n",
                      caps="cap,supplier,stage,max_share\n")
    scenario = tmp_path / "fast.toml"
    scenario.write_text("[demand]\ngrowth_per_yr = 1.0\n")
    result = CliRunner().invoke(main, ["solve", str(case), "--scenario", str(scenario), "--out",
                                       str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "growth_per_yr" in result.output and "too large" in result.output


@pytest.mark.parametrize("option", ["threads=1000000", "threads=-1", "mip_rel_gap=nan", "time_limit=inf"])
def test_solver_options_out_of_range_are_refused(tmp_path: Path, option: str) -> None:
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--solver-option", option, "--out",
                                       str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert option.split("=")[0] in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_compare_refuses_a_fifo_named_summary_json(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        os.mkfifo(tmp_path / name / "summary.json")
    result = cli("compare", str(tmp_path / "a"), str(tmp_path / "b"), timeout=60)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "summary.json" in result.stderr and "not a regular file (a FIFO)" in result.stderr


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e16"])
def test_a_mine_capacity_beyond_any_sane_magnitude_is_refused_with_its_place(tmp_path: Path, value: str) -> None:
    case = tmp_path / "in"
    shutil.copytree(EXAMPLE, case)
    mines = case / "mines.csv"
    mines.write_text(mines.read_text().replace("bayan_obo,CHN,60000,", f"bayan_obo,CHN,{value},"))
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "mines.csv row 2, column capacity_t" in result.output and "at most 1e15" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_a_huge_but_sane_mine_capacity_is_solved(tmp_path: Path) -> None:
    # 1e12 t/yr is within the magnitude rule: the plan is the same as with any capacity that does not bind.
    case = tmp_path / "in"
    shutil.copytree(EXAMPLE, case)
    mines = case / "mines.csv"
    mines.write_text(mines.read_text().replace("bayan_obo,CHN,60000,", "bayan_obo,CHN,1e12,"))
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
