"""`paxsilica compare`: equal runs pass, a changed objective or build fails, an equally cheap flow split passes
unless flows are asked for, an unreadable folder exits 2."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.data import Arc, ModelData, _frozen
from optimizer.io.write import write_results
from optimizer.solver.run import solve_case, summary
from tests.analysis.cases import chain


def compare(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["compare", *args], catch_exceptions=False)


def solved(folder: Path, share: float | None) -> Path:
    run = solve_case(chain(share), baseline=False)
    return write_results(folder, run.tables, summary(run))


@pytest.fixture()
def runs(tmp_path: Path) -> tuple[Path, Path]:
    a = solved(tmp_path / "a", 0.5)
    b = tmp_path / "b"
    shutil.copytree(a, b)
    return a, b


def test_identical_runs_agree(runs: tuple[Path, Path]) -> None:
    result = compare(str(runs[0]), str(runs[1]), "--flows")
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_a_changed_objective_is_a_regression(runs: tuple[Path, Path]) -> None:
    a, b = runs
    doc = json.loads((b / "summary.json").read_text())
    doc["objective_usd"] *= 1.001
    (b / "summary.json").write_text(json.dumps(doc))
    result = compare(str(a), str(b))
    assert result.exit_code == 1
    assert "objective_usd: 4,400 -> 4,404.4 (+4.4, +0.1000%)" in result.output
    assert compare(str(a), str(b), "--rtol", "0.01").exit_code == 0


def test_a_changed_build_is_a_regression(tmp_path: Path) -> None:
    # Tighter, the cap builds 50 t in the USA instead of 30: the plan (and the cost) differ.
    a, b = solved(tmp_path / "a", 0.5), solved(tmp_path / "b", 0.3)
    result = compare(str(a), str(b))
    assert result.exit_code == 1
    assert "build rU (period 0) new_tpa: 30 -> 50 (+20, +66.6667%)" in result.output
    assert "cap share china (period 0): 0.5 -> 0.3" in result.output


def test_a_build_flag_flip_is_caught_even_with_equal_capacity(runs: tuple[Path, Path]) -> None:
    a, b = runs
    builds = pd.read_csv(b / "builds.csv")
    builds["built"] = ~builds["built"]
    builds.to_csv(b / "builds.csv", index=False)
    result = compare(str(a), str(b))
    assert result.exit_code == 1 and "build rU (period 0) built: True -> False" in result.output


def twin_refineries() -> ModelData:
    """The chain at 50% with two identical Malaysian refineries of 100 t/yr: any split of the 50 allied tonnes
    between them is optimal."""
    data = chain(0.5)
    twin = replace(data.refineries["rM"], capacity_tpa=100.0)
    return replace(data, refineries=_frozen({**data.refineries, "rM": twin, "rM2": twin}),
                   mine_arcs=_frozen({**data.mine_arcs, ("mA", "rM2"): Arc(0.0)}),
                   fab_arcs=_frozen({**data.fab_arcs, ("rM2", "f"): Arc(0.0)}))


def test_an_equally_optimal_flow_split_passes_unless_flows_are_compared(tmp_path: Path) -> None:
    run = solve_case(twin_refineries(), baseline=False)
    a = write_results(tmp_path / "a", run.tables, summary(run))
    b = tmp_path / "b"
    shutil.copytree(a, b)
    # Move 10 t from the refinery the solver used to its twin, at both stages: same cost, same KPIs.
    flows = pd.read_csv(b / "flows.csv")
    used = "rM" if ((flows["to"] == "rM") & (flows["tonnes"] > 0)).any() else "rM2"
    other = "rM2" if used == "rM" else "rM"
    moved = flows[(flows["to"] == used) | (flows["from"] == used)].copy()
    flows.loc[moved.index, "tonnes"] -= 10
    moved["to"] = moved["to"].replace(used, other)
    moved["from"] = moved["from"].replace(used, other)
    moved["tonnes"] = 10.0
    pd.concat([flows, moved]).to_csv(b / "flows.csv", index=False)
    assert compare(str(a), str(b)).exit_code == 0
    result = compare(str(a), str(b), "--flows")
    assert result.exit_code == 1
    assert f"flow refinery_to_fab {used} f Y AUS 0: 50 -> 40 (-10, -20.0000%)" in result.output


def test_unreadable_folders_exit_2(runs: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = runs
    missing = compare(str(a), str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "not a folder" in missing.output
    (b / "summary.json").write_text("{not json")
    broken = compare(str(a), str(b))
    assert broken.exit_code == 2 and "summary.json: not valid JSON" in broken.output
    (b / "summary.json").write_text("{}")
    (b / "builds.csv").unlink()
    assert compare(str(a), str(b)).exit_code == 2


def test_a_folder_written_before_the_money_columns_said_their_unit_still_compares(runs: tuple[Path, Path]) -> None:
    a, b = runs
    old = {"costs": {"usd_per_yr": "usd", "usd_undiscounted_per_yr": "usd_undiscounted"},
           "flows": {"cost_usd_per_yr": "cost_usd"}}
    for name, renamed in old.items():
        pd.read_csv(b / f"{name}.csv").rename(columns=renamed).to_csv(b / f"{name}.csv", index=False)
    assert "usd" in pd.read_csv(b / "costs.csv").columns
    result = compare(str(a), str(b), "--flows")
    assert result.exit_code == 0, result.output
    pd.read_csv(b / "costs.csv").drop(columns="usd").to_csv(b / "costs.csv", index=False)
    result = compare(str(a), str(b))
    assert result.exit_code == 2
    assert "costs.csv: no column usd_pv or usd_per_yr" in result.output
