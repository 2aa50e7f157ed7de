"""The report of a `paxsilica alternatives` folder: each group's near-optimal range beside the optimum."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.report import data as rd
from optimizer.report.alternatives import alternatives_figure, alternatives_rows
from optimizer.report.html import sections
from tests.analysis.alternatives_case import write_hand_case


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("alt")
    out = tmp / "alt"
    result = CliRunner().invoke(main, ["alternatives", str(write_hand_case(tmp / "case")), "--slack", "0.005",
                                       "--out", str(out), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_each_group_is_a_bar_from_its_least_to_its_most_with_the_optimum_beside_it(folder: Path) -> None:
    run = rd.load_run(folder)
    rows = alternatives_rows(run)
    assert rows["label"].tolist() == ["JPN refinery", "KOR refinery"]
    assert rows["always"].tolist() == [True, False]
    fig = alternatives_figure(rows, run.summary["slack"])
    bar, optimum = fig.data
    assert list(bar.base) == pytest.approx([86.5, 0.0]) and list(bar.x) == pytest.approx([14.85, 13.5])
    assert list(optimum.x) == pytest.approx([100.0, 0.0])
    assert "within 0.5% of the optimum's cost" in fig.layout.title.text


def test_the_report_of_the_folder_has_the_section_and_the_command_writes_it(folder: Path) -> None:
    assert [s.key for s in sections(rd.load_run(folder))] == ["alternatives"]
    result = CliRunner().invoke(main, ["report", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "What every near-optimal plan builds" in (folder / "report.html").read_text()
