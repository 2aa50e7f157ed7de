"""The report's numbers: each equals the CSV file it came from, and the Sankey's flows are the ones written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.report import ReportError, build_report, charts, load_run
from optimizer.report import data as rd
from optimizer.report.html import render, sections
from tests.report.conftest import COSTS, case, write_run

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def links_of(sd: rd.SankeyData) -> set[tuple[str, str, float, bool]]:
    return {(sd.nodes[s], sd.nodes[t], x, c) for s, t, x, c in
            sd.links[["source", "target", "tonnes", "touched"]].itertuples(index=False)}


def test_sankey_traces_every_tonne_from_mine_country_through_refinery_country_to_fab_country(run_dir: Path) -> None:
    sd = rd.sankey_data(load_run(run_dir, case()))
    assert sd.nodes == ["AUS (mine)", "CHN (mine)", "MYS (refinery)", "CHN (refinery)", "USA (fabs)", "JPN (fabs)"]
    assert links_of(sd) == {
        ("AUS (mine)", "MYS (refinery)", 90.0, False), ("AUS (mine)", "CHN (refinery)", 20.0, True),
        ("CHN (mine)", "CHN (refinery)", 30.0, True),
        ("MYS (refinery)", "USA (fabs)", 50.0, False), ("MYS (refinery)", "JPN (fabs)", 40.0, False),
        ("CHN (refinery)", "USA (fabs)", 50.0, True),
    }
    assert sd.total_t == 140.0 and sd.period == 0 and sd.products == ["Nd2O3", "Y2O3"]


def test_sankey_for_one_product_and_another_period(run_dir: Path) -> None:
    run = load_run(run_dir, case())
    y = rd.sankey_data(run, product="Y2O3")
    assert links_of(y) == {("AUS (mine)", "CHN (refinery)", 20.0, True), ("CHN (refinery)", "USA (fabs)", 20.0, True)}
    later = rd.sankey_data(run, period=1)
    assert links_of(later) == {("AUS (mine)", "USA (refinery)", 45.0, False),
                               ("USA (refinery)", "JPN (fabs)", 45.0, False)}


def test_a_link_partly_touched_by_china_is_split_in_two(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "r", sweep=False, stress=False, risk=False)
    supply = pd.read_csv(folder / "supply.csv")
    supply.loc[len(supply)] = ["us_fab", "Nd2O3", 0, "CHN", "MYS", 5.0]
    supply.to_csv(folder / "supply.csv", index=False)
    sd = rd.sankey_data(load_run(folder, case()))
    assert ("MYS (refinery)", "USA (fabs)", 50.0, False) in links_of(sd)
    assert ("MYS (refinery)", "USA (fabs)", 5.0, True) in links_of(sd)


def test_unknown_period_or_product_names_what_the_run_has(run_dir: Path) -> None:
    run = load_run(run_dir, case())
    with pytest.raises(ReportError, match=r"--period 7: not in .*supply.csv \(periods: 0, 1\)"):
        rd.sankey_data(run, period=7)
    with pytest.raises(ReportError, match=r"--product Dy2O3: not in .*\(products: Nd2O3, Y2O3\)"):
        rd.sankey_data(run, product="Dy2O3")


def test_fab_countries_come_from_the_results_folder_not_from_the_input(tmp_path: Path) -> None:
    # The input named in the summary does not exist: the folder alone says where the fabs are.
    folder = write_run(tmp_path / "r", sweep=False, stress=False, risk=False, source="gone/case.xlsx")
    run = load_run(folder)
    assert rd.sankey_data(run).nodes[-2:] == ["USA (fabs)", "JPN (fabs)"]
    assert run.notes == []


def test_a_folder_that_does_not_record_fab_countries_shows_fabs_by_id_and_says_so(tmp_path: Path) -> None:
    run = load_run(write_run(tmp_path / "r", source=str(EXAMPLE), geography=False))
    assert rd.sankey_data(run).nodes[-2:] == ["us_fab (fabs)", "jp_fab (fabs)"]
    assert run.notes == ["summary.json does not say where the fabs are (written by an older paxsilica): fabs are "
                         "shown by id."]
    assert "fabs are shown by id" in render(run)


def test_cost_chart_shows_the_numbers_of_costs_csv(run_dir: Path) -> None:
    run = load_run(run_dir, case())
    table = rd.costs_by_component(run)
    for component, period, usd in COSTS:
        assert table.loc[component, period] == usd
    fig = charts.costs_figure(table)
    shown = {(bar.name, x): y for bar in fig.data for x, y in zip(bar.x, bar.y)}
    assert shown == {(str(p), c): usd for c, p, usd in COSTS}
    assert "Whole-chain cost $6.60k" in fig.layout.title.text  # 1000 + 2500 - 400 + 1200 + 2600 - 300


def test_build_chart_shows_only_what_was_built(run_dir: Path) -> None:
    table = rd.new_capacity(load_run(run_dir, case()))
    assert table.to_dict() == {1: {"JPN": 10.0, "USA": 45.0}}


def test_dependence_chart_shows_share_cap_and_dual_of_dependence_csv(run_dir: Path) -> None:
    dep = rd.dependence(load_run(run_dir, case()))
    csv = pd.read_csv(run_dir / "dependence.csv")
    assert dep["share"].tolist() == csv["share"].tolist() and dep["max_share"].tolist() == csv["max_share"].tolist()
    fig = charts.dependence_figure(dep)
    assert list(fig.data[0].y) == [100 * s for s in csv["share"]]
    assert list(fig.data[1].y) == [100 * s for s in csv["max_share"]]
    assert list(fig.data[0].customdata) == csv["dual_usd_per_yr_per_pct"].tolist()
    assert "$1.23k per year per point tighter" in fig.data[0].text[2] and "not binding" in fig.data[0].text[0]
    assert list(fig.data[0].x) == ["china_any 0", "china_any 1", "china_refine 0"]


def test_frontier_marks_breakpoints_with_the_capacity_that_changed(run_dir: Path) -> None:
    fr = rd.frontier(load_run(run_dir))
    assert fr["is_breakpoint"].tolist() == [False, False, True, False, True]
    assert fr["note"].tolist() == ["", "", "JPN 200 t/yr", "", "JPN 300 t/yr, USA 80 t/yr"]
    fig = charts.frontier_figure(fr)
    assert list(fig.data[0].x) == [100.0, 80.0, 60.0, 40.0, 20.0]
    assert list(fig.data[0].y) == pd.read_csv(run_dir / "frontier.csv")["total_cost_usd_per_yr"].tolist()
    assert [a.text for a in fig.layout.annotations] == ["JPN 200 t/yr", "JPN 300 t/yr, USA 80 t/yr"]


def test_infeasible_sweep_points_are_left_off_the_line_and_named_in_the_title(run_dir: Path) -> None:
    frontier = pd.read_csv(run_dir / "frontier.csv")
    frontier.loc[len(frontier)] = [6, 0.0, "infeasible", None, None, None, None, None, None, False]
    frontier.to_csv(run_dir / "frontier.csv", index=False)
    fig = charts.frontier_figure(rd.frontier(load_run(run_dir)))
    assert len(fig.data[0].x) == 5
    assert "no plan at cap 0.0%" in fig.layout.title.text


def test_chokepoints_are_ranked_worst_first(run_dir: Path) -> None:
    ranked = rd.stress_ranking(load_run(run_dir))
    assert ranked["case"].tolist() == ["no_aus", "no_chn", "no_mys", "no_lane"]  # the base plan is no chokepoint
    fig = charts.stress_figure(ranked)
    assert list(fig.data[0].y) == ["AUS", "CHN", "MYS", "AUS->MYS"]
    assert list(fig.data[0].x)[1:] == [500.0, 1500.0, 100.0]
    assert fig.data[0].text[0] == "no feasible plan" and fig.data[0].text[1] == "+$500, 12 t unmet"


def test_provenance_names_input_hash_solver_and_version(run_dir: Path) -> None:
    prov = rd.provenance(load_run(run_dir, case()))
    assert prov["input sha256"] == "ab" * 32
    assert prov["solver"] == "highs 9.9.9" and prov["paxsilica"] == "0.1.0"
    assert prov["run date"].endswith("UTC")


def test_sections_follow_the_files_present(tmp_path: Path) -> None:
    full = [s.key for s in sections(load_run(write_run(tmp_path / "a"), case()))]
    assert full == ["sankey", "frontier", "stress", "caps_cost", "costs", "builds", "dependence", "risk"]
    solve_only = [s.key for s in sections(load_run(write_run(tmp_path / "b", sweep=False, stress=False, risk=False),
                                                   case()))]
    assert solve_only == ["sankey", "caps_cost", "costs", "builds", "dependence"]


def test_sweep_folder_alone_gives_a_frontier_report(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    folder.mkdir()
    from tests.report.conftest import frontier_table

    frontier_table().to_csv(folder / "frontier.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"supplier": "CHN", "stage": "any"}))
    run = load_run(folder)
    assert [s.key for s in sections(run)] == ["frontier"]
    assert "cap on CHN share (any stage)" in sections(run)[0].figure.layout.xaxis.title.text


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "no such folder"),
    (lambda d: d.mkdir(), "no results here"),
    (lambda d: (d.mkdir(), (d / "costs.csv").write_text("component,usd\ncapex,1\n")),
     "costs.csv: missing column(s) period"),
    (lambda d: (d.mkdir(), (d / "costs.csv").write_text("component,period,dollars\ncapex,0,1\n")),
     "costs.csv: missing column(s) usd_pv or usd_per_yr"),
    (lambda d: (d.mkdir(), (d / "summary.json").write_text("{not json")), "summary.json: not valid JSON"),
])
def test_unusable_run_folders_are_named_with_what_is_wrong(tmp_path: Path, make, message: str) -> None:
    folder = tmp_path / "run"
    make(folder)
    with pytest.raises(ReportError, match=None) as err:
        load_run(folder)
    assert message in str(err.value) and str(folder) in str(err.value)


def test_html_is_self_contained(run_dir: Path) -> None:
    page = render(load_run(run_dir, case()))
    assert "<script src=" not in page and "<link" not in page
    assert page.count('class="plotly-graph-div"') == 8
    assert "Plotly.newPlot" in page and len(page) > 3_000_000  # plotly.js itself is inline


def test_bad_period_leaves_the_previous_report_untouched(run_dir: Path) -> None:
    out = run_dir / "report.html"
    build_report(run_dir, out, data=case())
    before = out.read_bytes()
    with pytest.raises(ReportError):
        build_report(run_dir, out, period=9, data=case())
    assert out.read_bytes() == before
    # No temporary files left; the manifest records what paxsilica wrote there.
    assert sorted(p.name for p in run_dir.iterdir() if p.name.startswith(".")) == [".paxsilica-manifest.json"]


def test_risk_chart_shows_the_hhi_of_the_chosen_period(run_dir: Path) -> None:
    run = load_run(run_dir, case())
    first = charts.risk_figure(rd.risk(run))
    assert {(bar.name, x): y for bar in first.data for x, y in zip(bar.x, bar.y)} == {
        ("mine", "Nd2O3"): 6500.0, ("mine", "Y2O3"): 10000.0, ("refine", "Nd2O3"): 5000.0, ("refine", "Y2O3"): 10000.0}
    later = charts.risk_figure(rd.risk(run, period=1))
    assert [list(bar.y) for bar in later.data] == [[10000.0], [10000.0]]
    assert list(later.data[1].text) == ["USA 100.0%"]


def test_a_folder_written_before_the_money_columns_said_their_unit_gives_the_same_report(tmp_path: Path) -> None:
    new, old = write_run(tmp_path / "new"), write_run(tmp_path / "old", labelled=False)
    assert "usd" in pd.read_csv(old / "costs.csv").columns and "usd_per_yr" in pd.read_csv(new / "costs.csv").columns
    for folder in (new, old):  # an infeasible point: its blank costs are no numbers, whatever the columns' names
        frontier = pd.read_csv(folder / "frontier.csv")
        frontier.loc[len(frontier)] = [6, 0.0, "infeasible", None, None, None, None, None, None, False]
        frontier.to_csv(folder / "frontier.csv", index=False)
    a, b = load_run(new, case()), load_run(old, case())
    pd.testing.assert_frame_equal(rd.costs_by_component(a), rd.costs_by_component(b))
    pd.testing.assert_frame_equal(rd.frontier(a), rd.frontier(b))
    pd.testing.assert_frame_equal(rd.stress_ranking(a), rd.stress_ranking(b))
    assert rd.frontier(b)["feasible"].tolist() == [True] * 5 + [False]
