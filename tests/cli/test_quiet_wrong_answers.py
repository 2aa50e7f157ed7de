"""Options that would give a wrong answer without a word are refused (exit 2, the option named)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.cli.common import EXIT_CODES

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
README = Path(__file__).resolve().parents[2] / "README.md"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_conflicting_caps_for_the_same_cap_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("solve", str(EXAMPLE), "--cap", "CHN:any=0.5", "--cap", "CHN:any=0.3", "--out", str(out), "-q")
    assert result.exit_code == 2, result.output
    assert "CHN:any is given twice, with 0.5 and 0.3" in result.output and not out.exists()
    same = run("solve", str(EXAMPLE), "--cap", "CHN:any=0.5", "--cap", "CHN:any=0.5", "--out", str(out), "-q",
               "--no-baseline")
    assert same.exit_code == 0, same.output  # the same cap twice says one thing


@pytest.mark.parametrize("option", ["mip_rel_gap=nan", "mip_abs_gap=-inf", "objective_bound=1e6",
                                    "objective_target=0"])
def test_solver_options_that_change_the_answer_are_refused(tmp_path: Path, option: str) -> None:
    result = run("solve", str(EXAMPLE), "--solver-option", option, "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2, result.output
    assert option.split("=")[0] in result.output and "Traceback" not in result.output


def test_objective_bound_in_a_scenario_file_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "bound.toml"
    scenario.write_text("[solver]\nobjective_bound = 1.0\n")
    result = run("solve", str(EXAMPLE), "--scenario", str(scenario), "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and "objective_bound" in result.output and "infeasible" in result.output


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "a"
    result = run("solve", str(EXAMPLE), "--out", str(out), "-q", "--no-baseline")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("key", "value"), [("objective_usd", "Infinity"), ("objective_usd", "NaN"),
                                            ("objective_usd", '"lots"'), ("unmet_t", "-Infinity")])
def test_compare_refuses_a_summary_number_that_is_not_finite(solved: Path, tmp_path: Path, key: str,
                                                             value: str) -> None:
    other = tmp_path / "b"
    shutil.copytree(solved, other)
    text = (other / "summary.json").read_text()
    text = re.sub(rf'"{key}": [^,\n]+', f'"{key}": {value}', text, count=1)
    (other / "summary.json").write_text(text)
    for a, b in ((solved, other), (other, solved)):
        result = run("compare", str(a), str(b))
        assert result.exit_code == 2, result.output
        assert key in result.output and "finite number" in result.output and "Traceback" not in result.output


def test_compare_refuses_a_build_that_is_not_a_number(solved: Path, tmp_path: Path) -> None:
    other = tmp_path / "b"
    shutil.copytree(solved, other)
    lines = (other / "builds.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("new_tpa")] = "lots"
    (other / "builds.csv").write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    result = run("compare", str(solved), str(other))
    assert result.exit_code == 2, result.output
    assert "builds.csv row 2, column new_tpa" in result.output and "Traceback" not in result.output


def test_sweep_period_on_an_input_without_periods_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("sweep", str(EXAMPLE), "--cap", "CHN:any", "--period", "2030", "--steps", "2", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "--period" in result.output and "no periods sheet" in result.output
    assert not out.exists()


def _help_texts(group: click.Group, prefix: str = "") -> dict[str, str]:
    texts = {}
    for name, command in group.commands.items():
        texts[prefix + name] = command.get_help(click.Context(command, info_name=name))
        if isinstance(command, click.Group):
            texts.update(_help_texts(command, prefix + name + " "))
    return texts


def test_every_exit_code_a_help_or_the_readme_names_is_one_the_code_uses() -> None:
    named: dict[str, set[int]] = {}
    for name, text in _help_texts(main).items():
        flat = " ".join(text.split())
        for sentence in re.findall(r"Exit(?:s| codes?)\b[^.]*", flat):
            named[name] = {int(n) for n in re.findall(r"\b(\d{1,3})\b", sentence)}
    assert named, "no command's help names its exit codes"
    for name, codes in named.items():
        assert codes <= set(EXIT_CODES), (name, codes)
    table = README.read_text().split("**Exit codes**", 1)[1].split("\n\n", 2)[1]
    readme_codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert readme_codes == set(EXIT_CODES), readme_codes
