"""The build decides each rule once per pair instead of once per delivery: the answers are the per-delivery rules'."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyomo.core as pyo

from optimizer.io.data import ModelData, SupplyDisruption, _frozen
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.model.disruptions import stops
from optimizer.model.policy import cap_rows
from tests.random_networks import random_case

ROOT = Path(__file__).resolve().parents[2]


def _with_removals(data: ModelData) -> ModelData:
    """A random case with three disruptions: a supplier ban, a removed refinery, a removed lane."""
    refinery = sorted(data.refineries)[0]
    mine_country = data.mines[sorted(data.mines)[0]].country
    ref_country = data.refineries[sorted(data.refineries)[-1]].country
    disruptions = {
        "ban": SupplyDisruption(data.make_cap("CHN", "any", 0.0), 0.1, 3.0),
        "plant": SupplyDisruption(data.make_cap("USA", "refine", 0.0, importer="JPN"), 0.05, 6.0,
                                  removed_nodes=frozenset({refinery})),
        "lane": SupplyDisruption(data.make_cap("AUS", "mine", 0.0), None, 2.0,
                                 removed_lanes=frozenset({(mine_country, ref_country)})),
    }
    return replace(data, disruptions=_frozen(disruptions))


def test_each_copy_keeps_exactly_the_deliveries_its_disruption_neither_stops_nor_cuts_off() -> None:
    cases = [load_case(ROOT / "inputs" / "pax_silica_2025")]
    cases += [_with_removals(random_case(seed, china_cap=0.5)) for seed in range(8)]
    for data in cases:
        m = build_model(data)
        country = {k: v.country for k, v in data.mines.items()} | {k: v.country for k, v in data.refineries.items()}
        assert m.operating_copies
        for b in m.operating_copies:
            s = b.operations.state
            d = data.disruptions[s]
            expected = [k for k in m.DELIVERIES if d.happens_in(k[4])
                        and k[0] not in d.removed_nodes and k[1] not in d.removed_nodes
                        and (country[k[0]], data.fab_country[k[1]]) not in d.removed_lanes
                        and not stops(data, s, k)]
            assert list(b.DELIVERIES) == expected


def _deliveries_only(rows: dict) -> dict:
    """Cap rows without their purified deliveries: what rows asked of a plain list of deliveries hold."""
    return {t: replace(r, purified_scope=(), purified_touched=()) for t, r in rows.items()}


def test_cap_rows_asked_again_of_a_model_are_the_rows_worked_out_afresh() -> None:
    data = load_case(ROOT / "inputs" / "pax_silica_2025")
    m = build_model(data)
    caps = [*data.caps.values(), data.make_cap("CHN", "mine", 0.5), data.make_cap("CHN", "refine", 0.2, "Y2O3", "pax_silica")]
    for cap in caps:
        fresh = cap_rows(data, cap, list(m.DELIVERIES))  # a plain list: nothing kept, no purified deliveries
        first = cap_rows(data, cap, m.DELIVERIES)
        assert _deliveries_only(first) == fresh
        assert cap_rows(data, cap, m.DELIVERIES) == first  # the second time from what the model kept
        assert any(row.touched for row in fresh.values())
        # The default dataset's Chinese ceria reaches Japan's and Korea's fabs through purifiers (purifiers.csv).
        assert "CeO2" not in cap.products or any(row.purified_touched for row in first.values())
    # The demand in scope is a number of the case asked about, not of the case the rows were first worked out for.
    doubled = replace(data, demand_t=_frozen({k: 2 * v for k, v in data.demand_t.items()}))
    for cap in caps:
        for t, row in cap_rows(doubled, cap, m.DELIVERIES).items():
            first = cap_rows(data, cap, m.DELIVERIES)[t]
            assert (row.scope, row.touched) == (first.scope, first.touched)
            assert row.demand_t == 2 * first.demand_t


def test_cap_rows_follow_a_delivery_added_to_the_model_after_the_build() -> None:
    data = load_case(ROOT / "inputs" / "pax_silica_2025")
    m = build_model(data)
    cap = data.caps["china_any"]
    before = cap_rows(data, cap, m.DELIVERIES)
    # Refined in China from ore of a new origin: in scope and touched (the refinery's country).
    extra = next(k for k in m.DELIVERIES if data.refineries[k[0]].country == "CHN" and k in before[k[4]].scope)
    added = (extra[0], extra[1], extra[2], "NEW", extra[4])
    m.DELIVERIES.add(added)
    rows = cap_rows(data, cap, m.DELIVERIES)
    assert added in rows[extra[4]].touched
    assert _deliveries_only(rows) == cap_rows(data, cap, list(m.DELIVERIES))


def test_cap_rows_of_another_set_of_deliveries_on_the_model_are_its_own() -> None:
    data = load_case(ROOT / "inputs" / "pax_silica_2025")
    m = build_model(data)
    cap = data.caps["china_any"]
    cap_rows(data, cap, m.DELIVERIES)
    m.SOME_DELIVERIES = pyo.Set(dimen=5, initialize=list(m.DELIVERIES)[::-1])  # as many, in another order
    rows = cap_rows(data, cap, m.SOME_DELIVERIES)
    assert _deliveries_only(rows) == cap_rows(data, cap, list(m.SOME_DELIVERIES))
    assert rows != cap_rows(data, cap, m.DELIVERIES)
