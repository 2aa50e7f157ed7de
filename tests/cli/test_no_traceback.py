"""Every failure a user can cause is one line and the right exit code, never a Python traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def no_traceback(result: object) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    ["solve", str(EXAMPLE), "--time-limit", "nan"],
    ["solve", str(EXAMPLE), "--time-limit", "inf"],
    ["solve", str(EXAMPLE), "--mip-gap", "nan"],
    ["solve", str(EXAMPLE), "--mip-gap", "inf"],
    ["sweep", str(EXAMPLE), "--cap", "CHN:any", "--from", "nan"],
    ["sweep", str(EXAMPLE), "--cap", "CHN:any", "--to", "nan"],
    ["sweep", str(EXAMPLE), "--cap", "CHN:any", "--steps", "1000000000"],
    ["stress", str(EXAMPLE), "--n-1", "country", "--time-limit", "nan"],
    ["batch", str(EXAMPLE), "--mip-gap", "nan"],
    ["compare", str(EXAMPLE), str(EXAMPLE), "--rtol", "nan"],
])
def test_nonsense_numbers_are_usage_errors(args: list[str], tmp_path: Path) -> None:
    result = run(*args, "--out", str(tmp_path / "o")) if args[0] not in ("compare",) else run(*args)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "o").exists()


def test_sweep_steps_has_a_documented_maximum() -> None:
    from optimizer.cli.sweep import MAX_STEPS

    assert f"at most {MAX_STEPS}" in run("sweep", "--help").output
    assert run("sweep", str(EXAMPLE), "--cap", "CHN:any", "--steps", str(MAX_STEPS + 1)).exit_code == 2


def test_batch_toml_that_is_not_utf8(tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_bytes(b'[scenarios.caf\xe9]\n')
    result = run("batch", str(spec), "--out", str(tmp_path / "o"))
    no_traceback(result)
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_scheduler_that_is_not_an_address(tmp_path: Path) -> None:
    result = run("batch", str(EXAMPLE), "--scheduler", "not a url", "--out", str(tmp_path / "o"))
    no_traceback(result)
    assert result.exit_code == 2 and "--scheduler" in result.output


def test_batch_without_an_argument_is_a_usage_error() -> None:
    result = run("batch")
    assert result.exit_code == 2 and "Missing argument" in result.output


def test_a_missing_batch_input_is_exit_2_up_front(tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_text('input = "no/such/input"\n[scenarios.a]\n[scenarios.b]\n')
    result = run("batch", str(spec), "--out", str(tmp_path / "o"))
    no_traceback(result)
    assert result.exit_code == 2 and "no/such/input" in result.output and "not found" in result.output
    assert not (tmp_path / "o").exists()


def test_no_embedded_dataset_is_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import optimizer.resources

    monkeypatch.setattr(optimizer.resources, "DEFAULT_DATASETS", ("gone",))
    for command in (["solve"], ["sweep", "--cap", "CHN:any"], ["stress", "--n-1", "country"]):
        result = run(*command, "--out", str(tmp_path / "o"))
        no_traceback(result)
        assert result.exit_code == 2 and "no embedded dataset" in result.output, result.output
        assert len(result.output.strip().splitlines()) <= 2  # the problem (under the usual heading)


def test_validate_prints_its_report_on_stdout(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    (case / "mines.csv").write_text("mine,country,capacity_t,cost_usd_per_t\nm1,CHN,-5,10\n")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(case)])
    assert result.exit_code == 2
    assert "mines.csv row 2, column capacity_t" in result.stdout and result.stderr == ""


def test_compare_with_a_result_csv_of_random_bytes_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "a"
    assert run("solve", str(EXAMPLE), "--out", str(out), "-q", "--no-baseline").exit_code == 0
    broken = tmp_path / "b"
    shutil.copytree(out, broken)
    for name in ("costs.csv", "flows.csv"):
        (broken / name).write_bytes(os.urandom(4096))
        result = run("compare", str(out), str(broken))
        assert result.exit_code == 2, result.output
        assert name in result.output and "agree" not in result.output
        shutil.copy(out / name, broken / name)


def test_a_long_id_is_cut_at_80_characters(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    long_id = "x" * 5000
    text = (case / "composition.csv").read_text().splitlines()
    (case / "composition.csv").write_text("\n".join([*text, f"{long_id},CeO2,0.1"]) + "\n")
    result = run("validate", str(case))
    assert result.exit_code == 2
    line = next(s for s in result.output.splitlines() if "xxxx" in s)
    assert "x" * 80 + "..." in line and "x" * 81 not in line and "(5,000 characters)" in line
