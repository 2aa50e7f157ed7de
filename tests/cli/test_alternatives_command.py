"""`paxsilica alternatives` and `px.alternatives` on the hand case of issue 22: the ranges, the files, the verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import optimizer as px
from optimizer.cli import main
from tests.analysis.alternatives_case import RANGES, write_hand_case


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["alternatives", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hand_case(tmp_path_factory.mktemp("hand") / "case")


@pytest.mark.parametrize("slack", sorted(RANGES))
def test_the_command_writes_each_group_s_hand_computed_range(case: Path, tmp_path: Path, slack: float) -> None:
    out = tmp_path / "alt"
    result = run(str(case), "--slack", str(slack), "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "alternatives.csv")
    got = {r.group: (r.least_tpa, r.most_tpa) for r in table.itertuples()}
    expected = {(g, i): x for g, pair in RANGES[slack].items() for i, x in enumerate(pair)}
    assert {(g, i): x for g, pair in got.items() for i, x in enumerate(pair)} == pytest.approx(expected)
    assert {p.name for p in out.iterdir()} >= {"alternatives.csv", "alternatives_builds.csv", "results.xlsx",
                                                "summary.json"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective_usd"] == pytest.approx(2700.0)
    assert summary["cost_bound_usd"] == pytest.approx(2700.0 * (1 + slack))


def test_the_terminal_says_which_group_every_near_optimal_plan_builds(case: Path, tmp_path: Path) -> None:
    result = run(str(case), "--slack", "0.005", "--out", str(tmp_path / "alt"))
    lines = result.output.splitlines()
    assert "  optimum 2,700.00 USD (a year); near-optimal: at most 2,713.50 USD" in result.output
    assert "  JPN refinery: 86.5 to 101.35 t/yr (optimum 100): built in every near-optimal plan" in lines
    kor = [line for line in lines if line.startswith("  KOR refinery")]
    assert kor and "built in every" not in kor[0] and "0 to 13.5 t/yr" in kor[0]


def test_an_absolute_slack_in_usd_gives_the_ranges_of_the_same_bound(case: Path, tmp_path: Path) -> None:
    """--slack-usd 13.5 is the bound of --slack 0.005 on the 2,700 USD optimum: the same hand-computed ranges;
    and the API takes it too."""
    out = tmp_path / "alt"
    result = run(str(case), "--slack-usd", "13.5", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "plans within US$13.50 of the optimum's cost" in result.output
    table = pd.read_csv(out / "alternatives.csv").set_index("group")
    assert (table.loc["KOR", "least_tpa"], table.loc["KOR", "most_tpa"]) == pytest.approx(RANGES[0.005]["KOR"])
    assert (table.loc["JPN", "least_tpa"], table.loc["JPN", "most_tpa"]) == pytest.approx(RANGES[0.005]["JPN"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["slack_usd"] == 13.5 and summary["cost_bound_usd"] == pytest.approx(2713.5)
    api = px.alternatives(case, slack_usd=13.5).tables["alternatives"].set_index("group")
    assert api.loc["JPN", "least_tpa"] == pytest.approx(RANGES[0.005]["JPN"][0])


def test_workers_write_the_same_files(case: Path, tmp_path: Path) -> None:
    assert run(str(case), "--slack", "0.05", "--out", str(tmp_path / "one"), "-q").exit_code == 0
    assert run(str(case), "--slack", "0.05", "--out", str(tmp_path / "two"), "--workers", "2", "-q").exit_code == 0
    for name in ("alternatives.csv", "alternatives_builds.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


@pytest.mark.parametrize(("args", "words"), [
    (["--slack", "-1"], "--slack"),
    (["--slack-usd", "-5"], "--slack-usd"),
    (["--by", "region"], "--by"),
    (["--period", "2030"], "--period: 2030 is not a period of the case"),
])
def test_bad_requests_exit_2_naming_the_option(case: Path, tmp_path: Path, args: list[str], words: str) -> None:
    out = tmp_path / "never"
    result = run(str(case), *args, "--out", str(out))
    assert result.exit_code == 2 and words in result.output
    assert not out.exists()


def test_the_api_gives_the_command_s_ranges(case: Path) -> None:
    result = px.alternatives(str(case), slack=0.005)
    table = result.tables["alternatives"].set_index("group")
    assert (table.loc["JPN", "least_tpa"], table.loc["JPN", "most_tpa"]) == pytest.approx((86.5, 101.35))
    assert (table.loc["KOR", "least_tpa"], table.loc["KOR", "most_tpa"]) == pytest.approx((0.0, 13.5))
    assert list(table["built_in_every_plan"]) == [True, False]
    assert result.summary["built_in_every_plan"] == ["JPN refinery"]


def test_the_api_writes_what_the_command_writes(case: Path, tmp_path: Path) -> None:
    px.alternatives(str(case), slack=0.05).write(tmp_path / "api")
    assert run(str(case), "--slack", "0.05", "--out", str(tmp_path / "cli"), "-q").exit_code == 0
    for name in ("alternatives.csv", "alternatives_builds.csv"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_a_case_without_build_candidates_says_so(tmp_path: Path) -> None:
    from tests.analysis.cases import write_chain_csv

    case = write_chain_csv(tmp_path / "chain", us_max=0.0)
    result = run(str(case), "--out", str(tmp_path / "alt"))
    assert result.exit_code == 0, result.output
    assert "no new capacity can be decided: the case has no build candidates" in result.output
    assert pd.read_csv(tmp_path / "alt" / "alternatives.csv").empty


def test_a_case_without_a_plan_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    from tests.analysis.cases import write_chain_csv

    case = write_chain_csv(tmp_path / "chain", share=0.1)  # the allied routes carry at most 80 t of 100
    out = tmp_path / "alt"
    result = run(str(case), "--out", str(out))
    assert result.exit_code == 1
    assert "no plan (infeasible), so no alternatives" in result.output and not out.exists()
