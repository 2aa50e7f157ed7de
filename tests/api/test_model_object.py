"""``m = px.build(case)``, a constraint of the user's on ``m.pyomo``, ``px.solve(m)``: the plan obeys it."""

from __future__ import annotations

import json
from pathlib import Path

import pyomo.environ as pyo
import pytest
from click.testing import CliRunner

import paxsilica as px
from optimizer.cli import main
from tests.cli.test_pathway_cli import expected_objective, write_case

CRF = 0.1 * 1.1**20 / (1.1**20 - 1)


@pytest.fixture(scope="module")
def pathway(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issue 12's hand case: China's plant serves 2025; a US plant decided in 2025 runs from 2030, when China is
    capped at 0."""
    return write_case(tmp_path_factory.mktemp("case") / "pathway")


def test_a_user_constraint_on_the_built_model_binds_in_the_plan(pathway: Path) -> None:
    m = px.build(px.load(pathway))
    assert isinstance(m.pyomo, pyo.ConcreteModel) and m.periods == [2025, 2030]
    # The user wants 150 t/yr built in the US, 50 more than the fabs need.
    m.pyomo.build_more = pyo.Constraint(expr=m.pyomo.Build_TPA["us_ref", 2025] >= 150)
    run = px.solve(m)
    assert run.status == "optimal"
    built = run.tables["builds"].query("refinery == 'us_ref' and built")
    assert built["new_tpa"].tolist() == pytest.approx([150.0])  # the constraint binds
    extra = sum(CRF * 50 * 100 / 1.1 ** (y - 2025) for y in range(2030, 2035))  # the 50 t/yr more, paid 2030-2034
    assert run.objective_usd == pytest.approx(expected_objective() + extra, rel=1e-9)
    # The model shows the plan (not the plan without caps solved after it), and the baseline obeys the user too.
    assert pyo.value(m.pyomo.Build_TPA["us_ref", 2025]) == pytest.approx(150.0)
    assert run.summary["uncapped"]["builds"] == [
        {"refinery": "us_ref", "country": "USA", "period": 2025, "new_tpa": 150.0, "decided": 2025, "online": 2030}]


def test_without_the_user_constraint_the_built_model_solves_as_solve_does(pathway: Path) -> None:
    built = px.solve(px.build(pathway))
    direct = px.solve(pathway)
    assert built.objective_usd == pytest.approx(expected_objective(), rel=1e-9) == direct.objective_usd
    assert built.tables["builds"].equals(direct.tables["builds"])


def test_caps_belong_to_build_not_to_solving_a_model(pathway: Path) -> None:
    capped = px.build(pathway, caps={"CHN:any": 0.5})
    assert [c.max_share for c in capped.data.caps.values()] and "Model(" in repr(capped)
    with pytest.raises(ValueError, match=r"px.build\(case, caps="):
        px.solve(capped, caps={"CHN:any": 0.2})


def test_run_write_writes_every_file_the_cli_writes(pathway: Path, tmp_path: Path) -> None:
    cli = tmp_path / "cli"
    result = CliRunner().invoke(main, ["solve", str(pathway), "--out", str(cli), "-q"])
    assert result.exit_code == 0, result.output
    api = px.solve(px.load(pathway)).write(tmp_path / "api")
    files = sorted(p.name for p in cli.iterdir())
    assert "pathway.csv" in files
    assert sorted(p.name for p in api.iterdir()) == files
    for name in files:
        if name.endswith(".csv") or name == "results.xlsx":
            assert (api / name).read_bytes() == (cli / name).read_bytes(), name
    docs = [json.loads((d / "summary.json").read_text()) for d in (api, cli)]
    for doc in docs:
        doc.pop("wall_times_s")
    assert docs[0] == docs[1]


def test_import_paxsilica_gives_the_whole_api() -> None:
    import optimizer
    from optimizer import api, api_commands, api_model

    for name in ("load", "solve", "build", "sweep", "stress", "sensitivity", "batch", "validate", "Case", "Run",
                 "Result", "Model"):
        assert getattr(px, name) is getattr(optimizer, name), name  # `import optimizer as px` works too
    assert px.report is api_commands.report and callable(px.report)
    assert px.solve is api.solve and px.build is api_model.build
    assert px.__version__ == optimizer.__version__
    from optimizer.errors import InputError

    assert px.InputError is InputError
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        px.nothing  # noqa: B018
