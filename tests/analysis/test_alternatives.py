"""Near-optimal alternatives on cases worked out by hand: each group's least and most new capacity within a slack."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from optimizer.analysis.alternatives import (
    alternatives_summary,
    alternatives_table,
    builds_table,
    group_lines,
    run_alternatives,
)
from optimizer.analysis.alternatives_groups import build_options, groups
from optimizer.errors import InputError
from optimizer.model import build_model
from tests.analysis.alternatives_case import OPTIMUM_USD, RANGES, hand_case
from tests.analysis.cases import chain


def ranges(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {r.group: (r.least_tpa, r.most_tpa) for r in table.itertuples()}


def flat(found: dict[str, tuple[float, float]]) -> dict[tuple[str, str], float]:
    """``{group: (least, most)}`` as ``{(group, "least"): least, ...}``, which pytest.approx compares."""
    return {(g, s): x for g, pair in found.items() for s, x in zip(("least", "most"), pair)}


@pytest.mark.parametrize("slack", sorted(RANGES))
def test_each_country_ranges_over_the_hand_computed_interval(slack: float) -> None:
    alt = run_alternatives(hand_case(), slack)
    table = alternatives_table(alt)
    assert alt.optimum.cost_usd == pytest.approx(OPTIMUM_USD)
    assert alt.bound_usd == pytest.approx(OPTIMUM_USD * (1 + slack))
    got = ranges(table)
    assert set(got) == set(RANGES[slack])
    for country, (least, most) in RANGES[slack].items():
        assert got[country] == pytest.approx((least, most), abs=1e-6), country
    assert dict(zip(table["group"], table["optimum_tpa"])) == pytest.approx({"JPN": 100.0, "KOR": 0.0})


def test_a_group_with_a_least_above_zero_is_built_in_every_near_optimal_plan() -> None:
    tight = alternatives_table(run_alternatives(hand_case(), 0.005))
    assert dict(zip(tight["group"], tight["built_in_every_plan"])) == {"JPN": True, "KOR": False}
    loose = run_alternatives(hand_case(), 0.05)
    assert not alternatives_table(loose)["built_in_every_plan"].any()
    lines = group_lines(run_alternatives(hand_case(), 0.005))
    assert lines == ["JPN refinery: 86.5 to 101.35 t/yr (optimum 100): built in every near-optimal plan",
                     "KOR refinery: 0 to 13.5 t/yr (optimum 0): a free choice: some near-optimal plans build "
                     "nothing there"]


def test_each_extreme_plan_costs_what_its_builds_cost_and_stays_within_the_bound() -> None:
    alt = run_alternatives(hand_case(), 0.05)
    table = alternatives_table(alt).set_index("group")
    # All 100 t via KOR (2,800) and 3.5 t/yr unused at 10: exactly the bound.
    assert table.loc["KOR", "most_cost_usd_per_yr"] == pytest.approx(2835.0)
    assert table.loc["JPN", "most_cost_usd_per_yr"] == pytest.approx(2835.0)  # 13.5 t/yr unused in JPN
    for sense in ("least", "most"):
        assert (table[f"{sense}_cost_usd_per_yr"] <= alt.bound_usd + 1e-6).all()
        assert (table[f"{sense}_cost_usd_per_yr"] >= OPTIMUM_USD - 1e-6).all()
    assert (table["least_status"] == "optimal").all() and (table["most_status"] == "optimal").all()


def test_the_builds_table_lists_each_plan_s_builds() -> None:
    builds = builds_table(run_alternatives(hand_case(), 0.05))
    optimum = builds[builds["plan"] == "optimum"]
    assert list(zip(optimum["site"], optimum["new_tpa"])) == [("rJ", pytest.approx(100.0))]
    kor_most = builds[(builds["group"] == "KOR") & (builds["plan"] == "most")]
    assert dict(zip(kor_most["site"], kor_most["new_tpa"])) == pytest.approx({"rK": 103.5})


def test_grouping_by_site_and_by_stage() -> None:
    by_site = ranges(alternatives_table(run_alternatives(hand_case(), 0.005, by="site")))
    assert flat(by_site) == pytest.approx(flat({"rJ": (86.5, 101.35), "rK": (0.0, 13.5)}))
    # All of the new capacity together: at least the 100 t the fab needs, at most 100 + 13.5 unused in JPN.
    by_stage = ranges(alternatives_table(run_alternatives(hand_case(), 0.05, by="stage")))
    assert flat(by_stage) == pytest.approx(flat({"refinery": (100.0, 113.5)}))


def test_the_caps_hold_in_every_near_optimal_plan() -> None:
    # China's share capped at 50%: the USA must refine 100 x 0.5 - 20 = 30 t (Malaysia takes 20); without the cap it
    # would build nothing.  With no slack, every optimal plan builds exactly that.
    alt = run_alternatives(chain(0.5), 0.0)
    row = alternatives_table(alt).set_index("group").loc["USA"]
    assert (row["least_tpa"], row["most_tpa"]) == pytest.approx((30.0, 30.0))
    assert row["built_in_every_plan"]
    assert row["least_china_share"] == pytest.approx(0.5)


def test_a_milp_case_solves_each_extreme_as_a_milp() -> None:
    # KOR all-or-nothing from 50 t/yr: moving 50 t there costs 50 more, outside a 0.5% slack (13.5), inside 5%.
    data = hand_case()
    refs = dict(data.refineries)
    refs["rK"] = replace(refs["rK"], build="lumpy", min_build_tpa=50.0)
    lumpy = replace(data, refineries=type(data.refineries)(refs))
    tight = run_alternatives(lumpy, 0.005)
    assert tight.is_mip
    assert flat(ranges(alternatives_table(tight))) == pytest.approx(flat({"JPN": (100.0, 101.35), "KOR": (0.0, 0.0)}))
    assert group_lines(tight)[1].endswith("built in no near-optimal plan")
    loose = ranges(alternatives_table(run_alternatives(lumpy, 0.05)))
    assert flat(loose) == pytest.approx(flat({"JPN": (0.0, 113.5), "KOR": (0.0, 103.5)}))


def test_workers_give_the_same_tables() -> None:
    one = run_alternatives(hand_case(), 0.005)
    two = run_alternatives(hand_case(), 0.005, workers=2)
    pd.testing.assert_frame_equal(alternatives_table(one), alternatives_table(two))
    pd.testing.assert_frame_equal(builds_table(one), builds_table(two))


def test_the_summary_records_the_bound_the_verdicts_and_the_times() -> None:
    doc = alternatives_summary(run_alternatives(hand_case(), 0.005))
    assert doc["objective_usd"] == pytest.approx(2700.0) and doc["cost_bound_usd"] == pytest.approx(2713.5)
    assert doc["built_in_every_plan"] == ["JPN refinery"] and doc["extremes_without_plan"] == []
    assert doc["groups"] == 2 and doc["wall_times_s"]["extremes"] >= 0


def test_groups_list_every_build_option_once() -> None:
    data = hand_case()
    options = build_options(build_model(data), data)
    assert [(o.kind, o.site, o.country, o.period) for o in options] == [("refinery", "rJ", "JPN", 0),
                                                                       ("refinery", "rK", "KOR", 0)]
    assert [(g.name, g.kind, len(g.options)) for g in groups(options)] == [("JPN", "refinery", 1),
                                                                          ("KOR", "refinery", 1)]


@pytest.mark.parametrize(("kwargs", "where", "words"), [
    ({"slack": -0.1}, "--slack", "must be a finite number >= 0"),
    ({"by": "region"}, "--by", "expected one of country, site, stage"),
    ({"period": 2030}, "--period", "not a period of the case (periods: none: no periods sheet)"),
])
def test_a_request_that_cannot_be_answered_is_refused_naming_the_option(kwargs: dict, where: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        run_alternatives(hand_case(), **kwargs)
    assert err.value.problems[0].where == where and words in err.value.problems[0].message


def test_on_a_pathway_each_period_s_decisions_are_a_group_and_period_keeps_one() -> None:
    two = hand_case({2025: 5.0, 2030: 5.0})
    alt = run_alternatives(two, 0.05)
    assert [(g.name, g.period) for g in alt.groups] == [("JPN", 2025), ("KOR", 2025), ("JPN", 2030), ("KOR", 2030)]
    table = alternatives_table(alt)
    assert (table["least_tpa"] <= table["optimum_tpa"] + 1e-6).all()
    assert (table["optimum_tpa"] <= table["most_tpa"] + 1e-6).all()
    only = run_alternatives(two, 0.05, period=2030)
    assert [(g.name, g.period) for g in only.groups] == [("JPN", 2030), ("KOR", 2030)]
    assert flat(ranges(alternatives_table(only))) == pytest.approx(flat(ranges(table[table["period"] == 2030])))



def test_extremes_use_primal_simplex_for_an_lp_and_no_presolve_for_a_milp_unless_the_user_says() -> None:
    from optimizer.analysis.near_optimal import GAP_T, extreme_options
    from optimizer.solver.highs import SolveOptions

    lp = extreme_options(SolveOptions()).highs_options()
    assert lp["simplex_strategy"] == 4 and "presolve" not in lp and lp["mip_abs_gap"] == GAP_T
    milp = extreme_options(SolveOptions(), is_mip=True).highs_options()
    assert milp["presolve"] == "off" and "simplex_strategy" not in milp
    own = extreme_options(SolveOptions(solver_options={"presolve": "on", "simplex_strategy": 1}), is_mip=True)
    assert own.highs_options()["presolve"] == "on"
    assert extreme_options(SolveOptions(solver_options={"simplex_strategy": 1})).highs_options()[
        "simplex_strategy"] == 1


def test_a_pathway_s_tables_are_written_as_csv_and_workbook(tmp_path: Path) -> None:
    from optimizer.io.write import write_results

    alt = run_alternatives(hand_case({2025: 5.0, 2030: 5.0}), 0.05)
    tables = {"alternatives": alternatives_table(alt), "alternatives_builds": builds_table(alt)}
    write_results(tmp_path / "out", tables, alternatives_summary(alt))
    builds = (tmp_path / "out" / "alternatives_builds.csv").read_text().splitlines()
    assert builds[1].startswith(",,,optimum,refinery,rJ,JPN,2025,")
    assert any(line.startswith("JPN,refinery,2030,least,") for line in builds)
    assert (tmp_path / "out" / "results.xlsx").stat().st_size > 0
