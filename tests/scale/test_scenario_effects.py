"""Each shipped scenario (models/*.toml) does what its description says, on the pathway it is applied to.

A cap override without a period applies to every period of that cap (``caps = { china_any = 0.3 }``); one that names
a period (``"china_any@2030" = 0.3``) changes that period only.  The tests read the scenario's effect on the case the
model is built from, so they hold whatever the dataset's numbers are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.read import read_tables
from optimizer.resources import default_input, models_dir
from optimizer.scenarios.scenario import build_case, load_scenario, load_scenario_case

ROOT = Path(__file__).resolve().parents[2]


def _scenario(name: str):  # type: ignore[no-untyped-def]
    scenario = load_scenario(models_dir() / f"{name}.toml")
    return load_scenario_case(Path(scenario.input or default_input()), scenario).data


def _base():  # type: ignore[no-untyped-def]
    return load_scenario_case(Path(default_input())).data


def _default_case(doc: dict):  # type: ignore[no-untyped-def]
    tables, _ = read_tables(Path(default_input()))
    return build_case(tables, (("s.toml", doc),)).data


def test_the_default_dataset_is_a_pathway_with_a_china_cap_per_period() -> None:
    base = _base()
    assert base.multi_period and len(base.periods) > 1
    assert any(base.caps["china_any"].share_in(t) < 1.0 for t in base.periods)


def test_a_cap_share_without_a_period_holds_in_every_period() -> None:
    data = _default_case({"caps": {"china_any": 0.4}})
    assert {t: data.caps["china_any"].share_in(t) for t in data.periods} == {t: 0.4 for t in data.periods}


def test_a_cap_share_with_a_period_changes_that_period_only() -> None:
    base = _base()
    last = base.periods[-1]
    data = _default_case({"caps": {f"china_any@{last}": 0.45}})
    for t in data.periods:
        expected = 0.45 if t == last else base.caps["china_any"].share_in(t)
        assert data.caps["china_any"].share_in(t) == expected


def test_a_caps_row_without_a_period_holds_in_every_period() -> None:
    data = _default_case({"caps": [{"cap": "china_any", "max_share": 0.6}]})
    assert {data.caps["china_any"].share_in(t) for t in data.periods} == {0.6}


def test_a_caps_row_with_a_period_changes_that_period_only() -> None:
    base = _base()
    first = base.periods[0]
    data = _default_case({"caps": [{"cap": "china_any", "period": first, "max_share": 0.9}]})
    assert data.caps["china_any"].share_in(first) == 0.9
    assert [data.caps["china_any"].share_in(t) for t in data.periods[1:]] == \
        [base.caps["china_any"].share_in(t) for t in base.periods[1:]]


@pytest.mark.parametrize("name", ["yttrium_cap", "china_ban_6m"])
def test_scenarios_that_lift_the_china_cap_lift_it_in_every_period(name: str) -> None:
    data = _scenario(name)
    assert data.multi_period
    assert [data.caps["china_any"].share_in(t) for t in data.periods] == [1.0] * len(data.periods)


def test_yttrium_cap_caps_y2o3_alone_at_20_percent_from_2030() -> None:
    data = _scenario("yttrium_cap")
    cap = data.caps["china_y2o3"]
    assert (cap.product, cap.importer) == ("Y2O3", "pax_silica")
    assert {t: cap.share_in(t) for t in data.periods} == {t: 0.2 if t >= 2030 else 1.0 for t in data.periods}


def test_china_ban_6m_is_a_ban_the_plan_must_survive() -> None:
    ban = _scenario("china_ban_6m").disruptions["china_ban_6m"]
    assert (ban.scope.supplier, ban.scope.stage, ban.scope.importer) == ("CHN", "any", "pax_silica")
    assert ban.must_survive and ban.duration_months == 6


def test_existing_capacity_only_builds_nothing() -> None:
    assert not [r for r in _scenario("existing_capacity_only").refineries.values() if r.can_build]


def test_coalition_builds_only_leaves_la_rochelle_as_it_is() -> None:
    assert not _scenario("coalition_builds_only").refineries["solvay_la_rochelle"].can_build


def test_allied_expansions_let_plants_outside_the_coalition_expand() -> None:
    refineries = _scenario("allied_expansions").refineries
    assert all(refineries[r].can_build for r in ("solvay_la_rochelle", "lynas_malaysia", "neo_silmet"))


@pytest.mark.parametrize("name", ["export_controls_2025", "export_controls_2025_blocked"])
def test_export_controls_price_or_block_chinese_y2o3_to_coalition_fabs(name: str) -> None:
    data = _scenario(name)
    heavy = [f for f in data.fab_country if f.endswith("_fabs_heavy") and data.country_bloc.get(
        data.fab_country[f]) == "pax_silica"]
    assert heavy
    for fab in heavy:
        arc = data.fab_arcs.get(("china_separation", fab))
        if name.endswith("blocked"):
            assert arc is None
        else:
            assert arc is not None and arc.cost_usd_per_t >= 263_000


@pytest.mark.parametrize("name,joined", [("signatories_only", set()), ("signatories_2026", {"QAT", "GRC", "IND"}),
                                         ("later_members", {"QAT", "GRC", "IND"})])
def test_coalition_scenarios_move_the_netherlands_out_and_cap_only_coalition_fabs(name: str, joined: set) -> None:
    data = _scenario(name)
    assert data.country_bloc["NLD"] != "pax_silica"
    assert all(data.country_bloc[c] == "pax_silica" for c in joined)
    cap = data.caps["china_any"]
    assert cap.importer == "pax_silica"
    assert not [f for f in cap.fabs if data.fab_country[f] == "NLD"]


def test_steady_state_2025_has_no_calendar() -> None:
    assert not _scenario("steady_state_2025").multi_period


def test_hindcast_2025_is_2025_as_it_was_nothing_built_no_stockpile_no_cap_and_the_licensing() -> None:
    """Its full effect (the fabs short of Y2O3) is held by tests/regression/test_hindcast_2025.py."""
    data = _scenario("hindcast_2025")
    assert not data.multi_period
    assert all(not ref.can_build for ref in data.refineries.values())
    assert all(cap.share_in(t) == 1.0 for cap in data.caps.values() for t in data.periods)
    assert not getattr(data, "stockpiles", None)
    licensed = {p for d in data.disruptions.values() for p in d.scope.products}
    assert {"Y2O3", "Sc2O3"} <= licensed


def test_every_shipped_scenario_has_an_effect_test() -> None:
    tested = {"yttrium_cap", "china_ban_6m", "existing_capacity_only", "coalition_builds_only", "allied_expansions",
              "export_controls_2025", "export_controls_2025_blocked", "signatories_only", "signatories_2026",
              "later_members", "steady_state_2025", "hindcast_2025"}
    assert {p.stem for p in models_dir().glob("*.toml")} == tested


def test_yttrium_cap_solved_on_the_pathway_leaves_the_all_product_cap_slack_in_every_period() -> None:
    """Issue 20: the 2030 and 2035 rows of the China cap still bound under yttrium_cap; lifted, none binds."""
    from optimizer.solver.run import solve_case

    run = solve_case(_scenario("yttrium_cap"), baseline=False, marginals=False)
    assert run.ok
    rows = [c for c in run.caps if c.cap == "china_any"]
    assert {c.period for c in rows} == set(run.data.periods)
    assert all(c.max_share == 1.0 and c.dual_usd_per_yr_per_pct == 0.0 for c in rows)
    y2o3 = [c for c in run.caps if c.cap == "china_y2o3" and c.period >= 2030]
    assert y2o3 and all(c.max_share == 0.2 and c.share <= 0.2 + 1e-6 for c in y2o3)
