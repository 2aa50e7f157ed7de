"""`paxsilica solve` through the CLI: files written, exit codes, atomic results, determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
RESULT_FILES = {"summary.json", "flows.csv", "builds.csv", "supply.csv", "dependence.csv", "costs.csv", "duals.csv"}


def solve(*args: str) -> object:
    return CliRunner().invoke(main, ["solve", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "base"
    result = solve(str(EXAMPLE), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_solve_writes_every_result_file_and_a_readable_summary(solved: Path) -> None:
    assert {p.name for p in solved.iterdir()} >= RESULT_FILES
    summary = json.loads((solved / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["input"]["sha256"] and len(summary["input"]["sha256"]) == 64
    assert summary["solver"]["name"] == "highs" and summary["solver"]["version"]
    assert summary["package"]["version"]
    costs = sum(summary["cost_breakdown_usd"].values())
    assert costs == pytest.approx(summary["objective_usd"], rel=1e-6)
    for cap in summary["caps"]:
        assert cap["share"] <= cap["max_share"] + 1e-6


def test_solve_prints_cost_builds_and_china_share_before_and_after(tmp_path: Path) -> None:
    result = solve(str(EXAMPLE), "--out", str(tmp_path / "r"))
    assert "total cost" in result.output
    assert "new refining capacity" in result.output
    assert "China's share of demand" in result.output and "without caps" in result.output


def test_same_input_gives_byte_identical_csv_files(solved: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert solve(str(EXAMPLE), "--out", str(again)).exit_code == 0
    for name in sorted(RESULT_FILES - {"summary.json"}):
        assert (again / name).read_bytes() == (solved / name).read_bytes(), name


def test_cap_override_tightens_the_china_share(tmp_path: Path) -> None:
    out = tmp_path / "capped"
    assert solve(str(EXAMPLE), "--out", str(out), "--cap", "CHN:any=0.3").exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["china_share"]["0"] <= 0.3 + 1e-6


@pytest.mark.parametrize("cap, message", [
    ("CHN:any", "expected SUPPLIER:STAGE=SHARE"),
    ("CHN:sometimes=0.2", "stage must be one of mine, refine, purify, any"),
    ("CHN:any=1.5", "share must be from 0 to 1"),
    ("CHN:any=lots", "share must be a number"),
])
def test_bad_cap_option_is_a_usage_error(cap: str, message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(tmp_path / "x"), "--cap", cap])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cap_on_unknown_supplier_names_the_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(tmp_path / "x"), "--cap", "XXX:any=0.2"])
    assert result.exit_code == 2
    assert "--cap" in result.output and "'XXX'" in result.output


def test_infeasible_solve_exits_1_and_leaves_earlier_results_untouched(solved: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept"
    shutil.copytree(solved, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # No supply at all may be touched by China at mining or refining stage: the example cannot meet demand.
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(out), "--cap", "CHN:any=0"])
    assert result.exit_code == 1, result.output
    assert "infeasible" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_failure_while_writing_leaves_no_half_result(solved: Path, tmp_path: Path, monkeypatch) -> None:
    import optimizer.io.write as write

    out = tmp_path / "kept"
    shutil.copytree(solved, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real = write._write_csv

    def fail_on_third(df, path):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(df, path)

    monkeypatch.setattr(write, "_write_csv", fail_on_third)
    # Ctrl-C while the third file is written: Click turns it into "Aborted!" and a non-zero exit.
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code != 0 and calls["n"] == 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["kept"]


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(EXAMPLE, broken)
    fabs = (broken / "fabs.csv").read_text().splitlines()
    header = fabs[0].split(",")
    row = fabs[1].split(",")
    row[header.index("demand_t")] = "-5"
    fabs[1] = ",".join(row)
    (broken / "fabs.csv").write_text("\n".join(fabs) + "\n")
    result = CliRunner().invoke(main, ["solve", str(broken), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "fabs.csv row 2, column demand_t" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_workbook_and_csv_directory_give_identical_results(solved: Path, tmp_path: Path) -> None:
    import pandas as pd

    workbook = tmp_path / "example.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        for csv in sorted(EXAMPLE.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(writer, sheet_name=csv.stem, index=False)
    out = tmp_path / "from_xlsx"
    assert solve(str(workbook), "--out", str(out)).exit_code == 0
    for name in sorted(RESULT_FILES - {"summary.json"}):
        assert (out / name).read_bytes() == (solved / name).read_bytes(), name
