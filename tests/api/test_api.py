"""The Python API gives the CLI's answers: same tables, same files, same errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import optimizer as px
from optimizer.cli import main
from optimizer.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
CSVS = ["flows", "builds", "supply", "dependence", "costs", "duals", "risk"]


@pytest.fixture(scope="module")
def capped() -> px.Run:
    return px.solve(px.load(EXAMPLE), caps={"CHN:any": 0.3})


def test_solve_with_a_cap_writes_the_same_files_as_the_cli(capped: px.Run, tmp_path: Path) -> None:
    cli = tmp_path / "cli"
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--cap", "CHN:any=0.3", "--out", str(cli), "-q"])
    assert result.exit_code == 0, result.output
    api = capped.write(tmp_path / "api")
    for name in CSVS:
        assert (api / f"{name}.csv").read_bytes() == (cli / f"{name}.csv").read_bytes(), name
    assert (api / "results.xlsx").read_bytes() == (cli / "results.xlsx").read_bytes()
    doc_api, doc_cli = (json.loads((d / "summary.json").read_text()) for d in (api, cli))
    for doc in (doc_api, doc_cli):
        doc.pop("wall_times_s")
    assert doc_api == doc_cli


def test_a_run_exposes_status_objective_and_tables_as_dataframes(capped: px.Run) -> None:
    assert capped.status == "optimal" and capped.ok
    assert capped.objective_usd == pytest.approx(sum(capped.summary["cost_breakdown_usd"].values()), rel=1e-6)
    builds = capped.tables["builds"]
    assert isinstance(builds, pd.DataFrame) and list(builds.columns[:5]) == [
        "refinery", "country", "period", "new_tpa", "built"]
    china = next(c for c in capped.summary["caps"] if c["supplier"] == "CHN")
    assert china["max_share"] == 0.3 and china["share"] <= 0.3 + 1e-9
    # Tightening the cap cannot make the plan cheaper than the uncapped one.
    assert capped.objective_usd >= capped.summary["uncapped"]["objective_usd"] - 1e-6


def test_a_scenario_is_applied_as_by_solve_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "tight.toml"
    scenario.write_text("[caps]\nchina_any = 0.3\n")
    run = px.solve(px.load(EXAMPLE), scenario=str(scenario))
    assert run.summary["scenario"] == "tight"
    assert next(c for c in run.summary["caps"] if c["cap"] == "china_any")["max_share"] == 0.3
    assert run.summary["scenario_file"]["path"] == str(scenario)


def test_an_infeasible_case_has_no_tables_a_diagnosis_and_nothing_to_write(tmp_path: Path) -> None:
    run = px.solve(px.load(EXAMPLE), caps={"CHN:any": 0.0, "AUS:any": 0.0})
    assert run.status == "infeasible" and not run.ok and run.objective_usd is None and run.tables == {}
    assert run.diagnosis()
    with pytest.raises(ValueError, match="nothing to write"):
        run.write(tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_bad_input_raises_input_error_naming_the_place(tmp_path: Path) -> None:
    case = tmp_path / "case"
    case.mkdir()
    for f in EXAMPLE.glob("*.csv"):
        (case / f.name).write_text(f.read_text())
    fabs = (case / "fabs.csv").read_text().splitlines()
    head, first = fabs[0].split(","), fabs[1].split(",")
    first[head.index("demand_t")] = "-5"
    (case / "fabs.csv").write_text("\n".join([fabs[0], ",".join(first), *fabs[2:]]) + "\n")
    with pytest.raises(InputError) as err:
        px.load(case)
    assert any("fabs.csv row 2, column demand_t" in str(p) for p in err.value.problems)
    with pytest.raises(ValueError, match="SUPPLIER:STAGE=SHARE"):
        px.solve(px.load(EXAMPLE), caps={"CHN:any:x": 0.5})


def test_sweep_and_stress_match_their_commands(tmp_path: Path) -> None:
    case = px.load(EXAMPLE)
    sweep = px.sweep(case, cap="CHN:any", start=1.0, stop=0.2, steps=5)
    runner = CliRunner()
    out = tmp_path / "sweep"
    assert runner.invoke(main, ["sweep", str(EXAMPLE), "--cap", "CHN:any", "--to", "0.2", "--steps", "5",
                                "--out", str(out), "-q"]).exit_code == 0
    pd.testing.assert_frame_equal(sweep.tables["frontier"], pd.read_csv(out / "frontier.csv"), check_dtype=False)
    stress = px.stress(case, n_1="country")
    out = tmp_path / "stress"
    assert runner.invoke(main, ["stress", str(EXAMPLE), "--n-1", "country", "--out", str(out), "-q"]).exit_code == 0
    written = stress.write(tmp_path / "stress_api")
    assert (written / "stress.csv").read_bytes() == (out / "stress.csv").read_bytes()
    with pytest.raises(ValueError, match="either remove"):
        px.stress(case)


def test_the_default_case_is_the_embedded_dataset() -> None:
    case = px.load()
    assert case.path.name == "pax_silica_2025" and case.scenario == "base"
    assert "mines" in repr(case)
