"""A name from the command line is never a path to write: --scenario, --name, capped default folders, template,
report --out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a copy of the example input and a victim folder beside it."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    shutil.copytree(EXAMPLE, folder / "in")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("precious")
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("scenario", ["../../../../victim", "", "a/b", "no such", "ABSOLUTE_VICTIM"])
def test_a_scenario_that_is_not_an_id_or_a_toml_file_is_refused(work: Path, scenario: str) -> None:
    victim = work.parent.parent / "victim"
    if scenario == "ABSOLUTE_VICTIM":  # never a real system file: a regression would destroy it
        scenario = str(victim / "notes.txt")
    result = run("solve", "in", "--scenario", scenario, "-q", "--no-baseline")
    assert result.exit_code == 2, result.output
    assert "--scenario" in result.output and "Traceback" not in result.output
    assert (victim / "notes.txt").read_text() == "precious" and sorted(p.name for p in victim.iterdir()) == [
        "notes.txt"]
    assert not (work / "outputs").exists()


def test_an_absolute_path_to_a_file_is_never_turned_into_a_results_folder(work: Path) -> None:
    target = work.parent.parent / "victim" / "notes.txt"
    result = run("solve", "in", "--scenario", str(target), "-q", "--no-baseline")
    assert result.exit_code == 2 and target.read_text() == "precious"


def test_a_toml_path_is_read_and_the_results_go_under_its_name(work: Path) -> None:
    scenario = work / "tight.toml"
    scenario.write_text("[caps]\nchina_any = 0.3\n")
    before = scenario.read_bytes()
    result = run("solve", "in", "--scenario", str(scenario), "-q", "--no-baseline")
    assert result.exit_code == 0, result.output
    assert scenario.read_bytes() == before and scenario.is_file()
    doc = json.loads((work / "outputs" / "in" / "tight" / "summary.json").read_text())
    assert doc["scenario"] == "tight" and doc["caps"][0]["max_share"] == 0.3


def test_name_labels_the_folder_and_must_be_an_id(work: Path) -> None:
    assert run("solve", "in", "--name", "run-1", "-q", "--no-baseline").exit_code == 0
    assert (work / "outputs" / "in" / "run-1" / "summary.json").is_file()
    result = run("solve", "in", "--name", "../x", "-q", "--no-baseline")
    assert result.exit_code == 2 and "--name" in result.output


def test_a_capped_run_gets_its_own_default_folder_and_says_where(work: Path) -> None:
    assert run("solve", "in", "-q", "--no-baseline").exit_code == 0
    base = (work / "outputs" / "in" / "base" / "summary.json").read_bytes()
    result = run("solve", "in", "--cap", "CHN:any=0.3", "--no-baseline")
    assert result.exit_code == 0, result.output
    capped = work / "outputs" / "in" / "base__CHN-any-0.3"
    assert (capped / "summary.json").is_file()
    assert f"results: {Path('outputs') / 'in' / 'base__CHN-any-0.3'}" in result.output
    assert (work / "outputs" / "in" / "base" / "summary.json").read_bytes() == base  # untouched


def test_template_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(b"my filled workbook")
    result = run("template", str(filled))
    assert result.exit_code == 2 and "--force" in result.output
    assert filled.read_bytes() == b"my filled workbook"
    assert run("template", str(filled), "--force").exit_code == 0
    assert filled.read_bytes()[:2] == b"PK"


def test_template_refuses_a_name_that_is_not_xlsx(tmp_path: Path) -> None:
    result = run("template", str(tmp_path / "t.csv"))
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / "t.csv").exists()


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("r") / "run"
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--out", str(out), "-q", "--no-baseline"])
    assert result.exit_code == 0, result.output
    return out


def test_report_out_must_be_html(solved: Path) -> None:
    result = run("report", str(solved), "--out", str(solved / "flows.csv"))
    assert result.exit_code == 2 and ".html" in result.output
    assert (solved / "flows.csv").read_text().startswith("stage,")


def test_report_never_replaces_a_file_the_tool_did_not_write(solved: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.html"
    mine.write_text("<p>my page</p>")
    result = run("report", str(solved), "--out", str(mine))
    assert result.exit_code == 2 and "not written by paxsilica" in result.output
    assert mine.read_text() == "<p>my page</p>"
    ours = tmp_path / "ours.html"
    assert run("report", str(solved), "--out", str(ours)).exit_code == 0
    assert run("report", str(solved), "--out", str(ours)).exit_code == 0  # its own file: replaced
