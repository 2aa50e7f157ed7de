"""Choosing HiGHS's method and options: flags, the Python API, scenario and batch files, and what is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import optimizer as px
from optimizer.cli import main
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.solver import methods
from optimizer.solver.highs import HighsProgram, SolveOptions
from tests.random_networks import random_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_method_finds_the_same_optimum_and_summary_records_it(tmp_path: Path) -> None:
    objectives = {}
    for method in ("simplex", "ipm", "auto"):
        out = tmp_path / method
        result = run("solve", str(EXAMPLE), "--out", str(out), "-q", "--method", method,
                     "--solver-option", "presolve=off", "--solver-option", "ipm_optimality_tolerance=1e-9")
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        summary = json.loads((out / "summary.json").read_text())
        assert summary["solver"]["method"] == method
        assert summary["solver"]["solver_options"] == {"presolve": "off", "ipm_optimality_tolerance": 1e-9}
        assert summary["solver"]["options"]["presolve"] == "off"
        objectives[method] = summary["objective_usd"]
    assert objectives["ipm"] == pytest.approx(objectives["simplex"], rel=1e-9)
    assert objectives["auto"] == pytest.approx(objectives["simplex"], rel=1e-9)


@pytest.mark.parametrize(("option", "message"), [
    ("no_such_option=1", "unknown HiGHS option 'no_such_option'"),
    ("time_limit=soon", "'time_limit' must be a number"),
    ("presolve=sometimes", "'presolve' does not accept 'sometimes'"),
    ("solver=ipm", "use --method"),
    ("presolve", "expected KEY=VALUE"),
])
@pytest.mark.parametrize("command", ["solve", "sweep", "stress", "batch"])
def test_a_bad_solver_option_is_a_usage_error_naming_it(command: str, option: str, message: str,
                                                        tmp_path: Path) -> None:
    extra = {"sweep": ["--cap", "CHN:any"], "stress": ["--remove", "CHN"], "solve": [], "batch": []}[command]
    result = CliRunner().invoke(main, [command, str(EXAMPLE), *extra, "--out", str(tmp_path / "o"),
                                       "--solver-option", option])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_the_api_takes_a_method_and_options_and_refuses_unknown_ones() -> None:
    done = px.solve(EXAMPLE, method="ipm", solver_options={"presolve": "off"}, baseline=False)
    assert done.status == "optimal" and done.summary["solver"]["method_used"] == "ipm"
    with pytest.raises(ValueError, match="unknown HiGHS option"):
        px.solve(EXAMPLE, solver_options={"presolv": "off"})
    with pytest.raises(ValueError, match="method: 'barrier'"):
        px.solve(EXAMPLE, method="barrier")


def test_a_scenario_file_says_how_it_is_solved_and_flags_win(tmp_path: Path) -> None:
    scenario = tmp_path / "ipm_case.toml"
    scenario.write_text('[solver]\nmethod = "ipm"\npresolve = "off"\n')
    out = tmp_path / "out"
    assert run("solve", str(EXAMPLE), "--scenario", str(scenario), "--out", str(out), "-q").exit_code == 0
    solver = json.loads((out / "summary.json").read_text())["solver"]
    assert (solver["method"], solver["solver_options"]) == ("ipm", {"presolve": "off"})
    assert run("solve", str(EXAMPLE), "--scenario", str(scenario), "--out", str(out), "-q",
               "--method", "simplex").exit_code == 0
    assert json.loads((out / "summary.json").read_text())["solver"]["method"] == "simplex"
    scenario.write_text('[solver]\nmethod = "ipm"\npresolve = 3\n')
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--scenario", str(scenario), "-q"])
    assert result.exit_code == 2 and "ipm_case.toml, solver" in result.output


def test_a_batch_file_solves_every_scenario_with_its_solver_section(tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_text(f'input = "{EXAMPLE}"\n[solver]\nmethod = "ipm"\n[matrix]\ndemand_growth = [1.0, 1.1]\n')
    out = tmp_path / "out"
    result = run("batch", str(spec), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    folders = [p for p in out.iterdir() if (p / "summary.json").exists()]
    assert len(folders) == 2
    for folder in folders:
        assert json.loads((folder / "summary.json").read_text())["solver"]["method"] == "ipm"


def test_auto_uses_interior_point_above_the_threshold_then_simplex_from_its_basis(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = random_case(3, china_cap=0.3)
    reference = HighsProgram(build_model(data)).solve(SolveOptions(method="simplex"))
    monkeypatch.setattr(methods, "IPM_AUTO_COLUMNS", 1)
    program = HighsProgram(build_model(data))
    first = program.solve()
    assert first.solver["method_used"] == "ipm" and first.duals_source == "lp"
    assert first.objective_usd == pytest.approx(reference.objective_usd, rel=1e-9)
    again = program.solve()
    assert again.solver["method_used"] == "choose"  # a re-solve starts from the crossover basis
    assert again.objective_usd == pytest.approx(reference.objective_usd, rel=1e-9)


def test_auto_leaves_a_milp_and_a_small_lp_to_highs() -> None:
    assert methods.chosen_method("auto", is_mip=True, columns=10**6, resolve=False) == "choose"
    assert methods.chosen_method("auto", is_mip=False, columns=100, resolve=False) == "choose"
    assert methods.chosen_method("auto", is_mip=False, columns=10**6, resolve=False) == "ipm"
    assert methods.chosen_method("pdlp", is_mip=False, columns=100, resolve=True) == "pdlp"
    program = HighsProgram(build_model(load_case(EXAMPLE)))
    assert program.solve(SolveOptions(method="pdlp")).outcome.usable
