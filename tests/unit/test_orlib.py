"""OR-Library warehouse location as paxsilica cases (``benchmarks/orlib.py``).

cap71, cap101 and cap131 (real files, ``tests/data/orlib``) are solved through the CLI from their CSV case at
OR-Library's published optima; the model holds one strong link per (site, customer) and its LP bound is the strong
facility-location formulation's; capa, capb and capc (100 sites x 1,000 customers, minutes each) are solved when
``PAXSILICA_ORLIB`` names a folder holding them.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import optimizer.model as model_module
from benchmarks.orlib import UNCAPACITATED_OPTIMA, generate_cap, read_cap, to_model_data, write_case
from benchmarks.orlib_strong import solve_strong
from optimizer.cli import main
from optimizer.model import build_model
from optimizer.solver.highs import HighsProgram, SolveOptions

DATA = Path(__file__).resolve().parents[1] / "data" / "orlib"
RELAXATION = SolveOptions(solver_options={"solve_relaxation": True})


def solve_cli(file: Path, tmp_path: Path, *flags: str) -> dict:
    case = tmp_path / "case"
    write_case(to_model_data(read_cap(file), file.stem), case)
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out"), *flags])
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "out" / "summary.json").read_text())


@pytest.mark.parametrize("name", ["cap71", "cap101", "cap131"])
def test_the_cli_proves_the_published_optimum(name: str, tmp_path: Path) -> None:
    summary = solve_cli(DATA / f"{name}.txt", tmp_path)
    assert summary["status"] == "optimal" and summary["mip_gap"] <= 1e-7
    assert summary["objective_usd"] == pytest.approx(UNCAPACITATED_OPTIMA[name], rel=1e-9)


def test_every_site_and_customer_pair_has_its_strong_link() -> None:
    m = build_model(to_model_data(read_cap(DATA / "cap131.txt"), "cap131"))
    assert len(m.LUMPY_DELIVERY_LINKS) == 50 * 50 and len(m.LUMPY_ORE_LINKS) == 50


def test_the_lp_bound_is_the_strong_formulations(monkeypatch: pytest.MonkeyPatch) -> None:
    # A generated 20 x 100 instance (uncapacitated, fixed costs tripled) whose strong LP relaxation is fractional:
    # its bound is US$1,529 below the optimum.
    instance = generate_cap(20, 100, seed=2)
    instance = replace(instance, capacity=instance.capacity * 0 + instance.demand.sum(), fixed=instance.fixed * 3)
    data = to_model_data(instance)
    strong = solve_strong(instance, relaxation=True)["objective"]
    optimum = solve_strong(instance)["objective"]
    ours = HighsProgram(build_model(data)).solve(RELAXATION).objective_usd
    assert ours == pytest.approx(strong, rel=1e-9)
    assert strong < optimum - 1_000
    with monkeypatch.context() as patch:  # without the links, the LP pays a sliver of each fixed cost
        patch.setattr(model_module, "add_linking", lambda m, d: None)
        weak = HighsProgram(model_module.build_model(data)).solve(RELAXATION).objective_usd
    assert weak is not None and weak < 0.8 * strong
    assert HighsProgram(build_model(data)).solve().objective_usd == pytest.approx(optimum, rel=1e-9)


ORLIB = os.environ.get("PAXSILICA_ORLIB")


@pytest.mark.skipif(not ORLIB, reason="set PAXSILICA_ORLIB to a folder with capa.txt, capb.txt, capc.txt (minutes each)")
@pytest.mark.parametrize("name", ["capa", "capb", "capc"])
def test_capa_capb_capc_are_proven_at_their_published_optima(name: str, tmp_path: Path) -> None:
    summary = solve_cli(Path(str(ORLIB)) / f"{name}.txt", tmp_path, "--time-limit", "900")
    assert summary["status"] == "optimal" and summary["mip_gap"] <= 1e-7
    assert summary["objective_usd"] == pytest.approx(UNCAPACITATED_OPTIMA[name], rel=1e-9)
