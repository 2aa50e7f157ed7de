"""The shipped sensitivity ranges of the default dataset (models/sensitivity/pax_silica_2025.toml) apply to it: each
range at each end is a valid input (checked without solving, as CI time matters), the pipeline's start shifts move
every project they name, and the value of a wafer start is a range once the fabs carry one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from optimizer.analysis.sensitivity import _layers, _products, check_ranges, ranges_from_toml
from optimizer.io.data import ModelData
from optimizer.io.read import read_tables
from optimizer.resources import models_dir
from optimizer.scenarios.scenario import build_case
from optimizer.scenarios.uncertainty import is_start_shift

DEFAULT = Path(__file__).resolve().parents[2] / "inputs" / "pax_silica_2025"
RANGES = models_dir() / "sensitivity" / "pax_silica_2025.toml"


@pytest.fixture(scope="module")
def tables():  # type: ignore[no-untyped-def]
    tables, problems = read_tables(DEFAULT)
    assert not problems
    return tables


def test_every_range_applies_to_the_default_dataset_at_both_ends(tables) -> None:  # type: ignore[no-untyped-def]
    check_ranges(tables, ranges_from_toml(RANGES))


def _start(data: ModelData, site: str) -> int:
    """The first year a site's new capacity can run if decided in the first period."""
    e = data.mines[site].expansion if site in data.mines else data.refineries[site].expansion
    start = math.ceil(data.periods[0] + e.lead_time_yr)
    return start if e.earliest_online_year is None else max(start, e.earliest_online_year)


def test_the_pipeline_range_moves_every_project_it_names(tables) -> None:  # type: ignore[no-untyped-def]
    base = build_case(tables).data
    shifted = [r for r in ranges_from_toml(RANGES) if all(is_start_shift(p) for p in r.parameters)]
    assert shifted, "the ranges have no start shifts"
    for r in shifted:
        sites = [p.partition(":")[2] for p in r.parameters]
        for value in (r.low, r.high):
            data = build_case(tables, _layers(r, value, _products(tables))).data
            assert {s: _start(data, s) - _start(base, s) for s in sites} == dict.fromkeys(sites, int(value)), r.name


def test_the_value_of_a_wafer_start_is_a_range_once_the_fabs_carry_one(tables) -> None:  # type: ignore[no-untyped-def]
    valued = tables.get("fabs")["value_per_wafer_start_usd"].notna().any()
    ranged = any("wafer_value" in p for r in ranges_from_toml(RANGES) for p in r.parameters)
    assert ranged == valued, ("the default fabs give value_per_wafer_start_usd: enable the wafer_value range of "
                              f"{RANGES.name}" if valued else "a wafer_value range on fabs without a value")
