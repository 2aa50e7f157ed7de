"""``px.validate``, ``px.sensitivity``, ``px.batch`` and ``px.report`` give what their commands give."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import paxsilica as px
from optimizer.cli import main
from tests.cli.test_pathway_cli import write_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def test_validate_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    assert px.validate(EXAMPLE) == []
    case = write_case(tmp_path / "case", fabs="fab,country,product,demand_t\nus_fab,USA,X,-5\nus_fab2,XXX,X,1\n")
    problems = px.validate(case)
    places = {(p.sheet, p.row, p.column) for p in problems}
    assert ("fabs", 2, "demand_t") in places and ("fabs", 3, "country") in places
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2
    assert all(str(p) in result.output for p in problems)


def test_sensitivity_gives_the_commands_tornado(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case")
    ranges = tmp_path / "ranges.toml"
    ranges.write_text('[[range]]\nname = "capex"\nparameters = ["capex"]\nlow = 0.5\nhigh = 2.0\nsource = "A"\n')
    api = px.sensitivity(case, ranges=ranges)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(case), "--ranges", str(ranges), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    shown = {"low": str, "high": str}  # the ends as shown (a value with its unit, e.g. "1.3 g"): text
    pd.testing.assert_frame_equal(api.tables["tornado"], pd.read_csv(out / "tornado.csv", dtype=shown), check_dtype=False)
    assert api.summary["ranges"] == 1 and api.summary["base_cap_cost_usd"] > 0
    scenario = tmp_path / "tight.toml"
    scenario.write_text("[caps]\nchina_any = 0.3\n")
    with pytest.raises(ValueError, match="cannot apply the scenario 'tight'"):
        px.sensitivity(px.load(EXAMPLE, scenario=str(scenario)))


def test_batch_writes_each_scenario_and_returns_its_table(tmp_path: Path) -> None:
    batch = tmp_path / "b.toml"
    batch.write_text(f'input = "{EXAMPLE}"\n[scenarios.base]\n[scenarios.tight]\ncaps = {{ china_any = 0.3 }}\n')
    result = px.batch(batch, out=tmp_path / "out")
    table = result.tables["batch"]
    assert table["scenario"].tolist() == ["base", "tight"] and set(table["status"]) == {"optimal"}
    assert (tmp_path / "out" / "tight" / "summary.json").is_file() and result.summary["failed"] == 0
    again = px.batch(batch, out=tmp_path / "out")  # resumes: nothing solved twice
    assert again.summary["reused"] == 2 and again.tables["batch"].equals(table)


def test_report_writes_the_html_of_a_written_run(tmp_path: Path) -> None:
    folder = px.solve(EXAMPLE).write(tmp_path / "run")
    written = px.report(folder)
    assert written == [folder / "report.html"] and "plotly" in written[0].read_text()[:200_000].lower()
