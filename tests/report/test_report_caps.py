"""What the caps cost and cause, in the report: a waterfall from the uncapped plan, builds the caps caused, the frontier
measured from the uncapped plan, Sankey nodes in tonnes, provenance of sweep and stress folders, and a results folder
that is enough on its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.report import caps, charts, load_run
from optimizer.report import data as rd
from optimizer.report.html import render, sections
from tests.report.conftest import frontier_table, write_run

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def test_waterfall_runs_from_zero_to_the_caps_cost_by_component(run_dir: Path) -> None:
    """Scaled to the caps' cost (US$600), not to the whole chain's totals (US$6,000 and US$6,600)."""
    steps = caps.caps_cost(load_run(run_dir))
    assert list(zip(steps["step"], steps["usd"], steps["measure"])) == [
        ("capex", 2200.0, "relative"), ("coproduct_sales", -400.0, "relative"), ("mining", -1200.0, "relative"),
        ("caps cost", 600.0, "total")]
    fig = charts.caps_cost_figure(steps, "USD per year")
    assert list(fig.data[0].measure) == ["relative", "relative", "relative", "total"]
    assert "$600 more than the plan without caps" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "USD per year"


def test_builds_by_plant_say_which_ones_the_caps_caused(run_dir: Path) -> None:
    plants = caps.builds_by_plant(load_run(run_dir))
    assert plants[["refinery", "new_tpa", "uncapped_tpa", "caused_by_caps"]].to_dict("records") == [
        {"refinery": "us_sep", "new_tpa": 45.0, "uncapped_tpa": 0.0, "caused_by_caps": True},
        {"refinery": "jp_sep", "new_tpa": 10.0, "uncapped_tpa": 8.0, "caused_by_caps": False}]
    fig = charts.builds_figure(plants)
    assert {bar.name: list(bar.y) for bar in fig.data} == {"caused by the caps": ["us_sep (USA)"],
                                                            "built without caps too": ["jp_sep (JPN)"]}


def test_frontier_is_drawn_as_the_cost_increase_over_the_uncapped_plan(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    folder.mkdir()
    frontier_table().to_csv(folder / "frontier.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"supplier": "CHN", "stage": "any",
                                                     "uncapped": {"objective_usd": 900.0}}))
    fig = sections(load_run(folder))[0].figure
    costs = pd.read_csv(folder / "frontier.csv")["total_cost_usd_per_yr"]
    assert list(fig.data[0].y) == (costs - 900.0).tolist()
    assert "increase over the uncapped plan" in fig.layout.yaxis.title.text


def test_sankey_nodes_are_labelled_with_the_tonnes_through_them(run_dir: Path) -> None:
    sd = rd.sankey_data(load_run(run_dir))
    assert sd.labels == ["AUS (mine): 110 t", "CHN (mine): 30 t", "MYS (refinery): 90 t", "CHN (refinery): 50 t",
                         "USA (fabs): 100 t", "JPN (fabs): 40 t"]
    assert list(charts.sankey_figure(sd).data[0].node.label) == sd.labels


def test_provenance_of_sweep_and_stress_folders_says_what_was_run(tmp_path: Path) -> None:
    sweep = write_run(tmp_path / "sweep", stress=False)
    doc = json.loads((sweep / "summary.json").read_text())
    doc.update({"cap": "china_any", "supplier": "CHN", "stage": "any", "points_requested": 5, "points_solved": 5,
                "solver": {"name": "highs", "version": "1", "options": {"time_limit": 60}}})
    (sweep / "summary.json").write_text(json.dumps(doc))
    prov = rd.provenance(load_run(sweep))
    assert prov["command"] == "sweep" and prov["swept cap"] == "china_any (CHN:any)"
    assert prov["points"] == "5 of 5 solved" and prov["solver options"] == "time_limit=60"
    stress = write_run(tmp_path / "stress", sweep=False)
    doc = json.loads((stress / "summary.json").read_text())
    doc.update({"investments": "fixed at the base plan", "caps_in_disrupted_cases": "kept", "cases": 4})
    (stress / "summary.json").write_text(json.dumps(doc))
    prov = rd.provenance(load_run(stress))
    assert prov["command"] == "stress" and prov["cases"] == "4, investments fixed at the base plan, caps kept"
    assert "fixed at the base plan" in render(load_run(stress))


def test_a_solved_folder_reports_in_full_after_its_input_is_gone(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(case), "--out", str(out), "-q"]).exit_code == 0
    shutil.rmtree(case)
    result = runner.invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    run = load_run(out)
    assert run.notes == []
    fabs = [n for n in rd.sankey_data(run).nodes if n.endswith("(fabs)")]
    assert "KOR (fabs)" in fabs and not any("_" in n for n in fabs)  # countries, not fab ids
    keys = [s.key for s in sections(run)]
    assert keys[:2] == ["sankey", "caps_cost"] and "builds" in keys
    summary = json.loads((out / "summary.json").read_text())
    steps = caps.caps_cost(run)
    caps_cost = summary["objective_usd"] - summary["uncapped"]["objective_usd"]
    assert steps["usd"].iloc[-1] == pytest.approx(caps_cost, rel=1e-6)
    assert summary["headline"]["caps_cost"]["usd_per_yr"] == pytest.approx(caps_cost, rel=1e-6)  # one steady year
    assert steps["usd"].iloc[:-1].sum() == pytest.approx(steps["usd"].iloc[-1], rel=1e-6)
