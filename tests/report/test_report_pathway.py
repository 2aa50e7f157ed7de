"""The report of a pathway: the build timeline (decision, construction, operation) and China's share by period
against the cap trajectory and the fastest fall, read from the results folder alone."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main
from optimizer.report import data as rd
from optimizer.report.html import sections
from optimizer.report.pathway import shares_by_period, timeline
from tests.cli.test_pathway_cli import write_case


def test_pathway_report_has_the_timeline_and_the_shares_by_period(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(write_case(tmp_path / "case")), "--out", str(out), "--report",
                                       "-q"])
    assert result.exit_code == 0, result.output
    run = rd.load_run(out)
    plan = timeline(run)
    # Decided 2025, online 2030 (5 years of lead time), runs to the horizon's last year, 2034.
    assert plan[["refinery", "decided", "online", "runs_until"]].values.tolist() == [["us_ref", 2025, 2030, 2034]]
    shares = shares_by_period(run).set_index("period")
    assert shares["share"].to_dict() == {2025: 1.0, 2030: 0.0}
    assert shares["max_share"].to_dict() == {2025: 1.0, 2030: 0.0}
    assert shares["floor"].to_dict() == {2025: 1.0, 2030: 0.0}
    keys = [s.key for s in sections(run)]
    assert keys.index("shares") < keys.index("timeline")
    gantt = next(s.figure for s in sections(run) if s.key == "timeline")
    construction, operation, decision = gantt.data
    assert (list(construction.base), list(construction.x)) == ([2025], [5])
    assert (list(operation.base), list(operation.x)) == ([2030], [5])
    html = (out / "report.html").read_text()
    assert 'id="section-timeline"' in html and 'id="section-shares"' in html


def test_steady_state_report_has_no_pathway_charts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    case = write_case(tmp_path / "case", periods="period,years_represented\n",
                      caps="cap,supplier,stage,max_share\nchina,CHN,any,0.5\n")
    (case / "periods.csv").unlink()
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    keys = [s.key for s in sections(rd.load_run(out))]
    assert "timeline" not in keys and "shares" not in keys
