"""``paxsilica validate`` on good and bad input: exit codes, messages with places, never a traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import write_csv_dir, write_workbook

from optimizer.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_clean_case(tmp_path: Path, case) -> None:
    result = run("validate", str(write_csv_dir(tmp_path / "case", case)))
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_validate_reports_every_problem_with_its_place(tmp_path: Path, case) -> None:
    case["fabs"]["demand_t"] = [10.0, 5.0, -5.0]
    case["mines"].loc[1, "country"] = "XYZ"
    result = run("validate", str(write_workbook(tmp_path / "case.xlsx", case)))
    assert result.exit_code == 2
    assert "fabs!D4: must be >= 0, got -5" in result.output
    assert "mines!B3: unknown country 'XYZ' (not in countries)" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_validate_bad_files_exit_2_without_traceback(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    for target, expected in ((fake, "not an Excel workbook"), (empty_dir, "no CSV files"),
                             (tmp_path / "missing", "not found")):
        result = run("validate", str(target))
        assert result.exit_code == 2, result.output
        assert expected in result.output
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)


def test_template_command_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", str(out)).exit_code == 0
    result = run("validate", str(out))
    assert result.exit_code == 2 and "sheet mines: no data rows" in result.output
