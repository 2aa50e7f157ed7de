"""One-at-a-time sensitivity (``paxsilica sensitivity``) on inputs/example: a price's low and high bracket the base,
the cap's cost is the capped minus the uncapped optimum, rows are sorted by swing, ranges come from a TOML file or
from the uncertainty sheet's percentiles, and bad ranges are reported by file and entry (exit 2)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.analysis.sensitivity import (
    Z90,
    Range,
    ranges_from_toml,
    ranges_from_uncertainty,
    run_sensitivity,
    tornado_table,
)
from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io.load import load_case
from optimizer.io.read import read_tables
from optimizer.solver.run import solve_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inputs" / "example"
RANGES = """
[[range]]
name = "La2O3 price"
parameters = ["la2o3_price"]
low = 0.5
high = 1.5

[[range]]
name = "demand"
parameters = ["demand"]
low = 0.9
high = 1.1

[[range]]
name = "freight, unchanged"
parameters = ["transport"]
low = 1.0
high = 1.0
"""


@pytest.fixture(scope="module")
def tornado():  # type: ignore[no-untyped-def]
    tables, problems = read_tables(EXAMPLE)
    assert not problems
    ranges = [Range("freight, unchanged", ("transport",), 1.0, 1.0), Range("La2O3 price", ("la2o3_price",), 0.5, 1.5),
              Range("demand", ("demand",), 0.9, 1.1)]
    return run_sensitivity(tables, ranges)


def test_a_price_brackets_the_base(tornado) -> None:  # type: ignore[no-untyped-def]
    """Sales are a negative cost: a dearer La2O3 (which the example sells) lowers the total cost, a cheaper one raises it."""
    rows = {r.name: (lo, hi) for r, lo, hi in tornado.rows}
    low, high = rows["La2O3 price"]
    assert high.objective_usd < tornado.base.objective_usd < low.objective_usd
    same_low, same_high = rows["freight, unchanged"]
    assert same_low.objective_usd == pytest.approx(tornado.base.objective_usd, rel=1e-9)
    assert same_high.objective_usd == pytest.approx(tornado.base.objective_usd, rel=1e-9)


def test_cap_cost_is_capped_minus_uncapped_optimum(tornado) -> None:  # type: ignore[no-untyped-def]
    data = load_case(EXAMPLE)
    capped = solve_case(data, baseline=False).result.objective_usd
    free = solve_case(data.with_caps({}), baseline=False).result.objective_usd
    assert capped is not None and free is not None and capped > free  # the example's 50% cap binds
    assert tornado.base.cap_cost_usd == pytest.approx(capped - free, rel=1e-6)


def test_rows_are_sorted_by_swing(tornado) -> None:  # type: ignore[no-untyped-def]
    table = tornado_table(tornado)
    swings = list(table["swing_usd_per_yr"])
    assert swings == sorted(swings, reverse=True)
    assert table["range"].iloc[-1] == "freight, unchanged" and swings[-1] == pytest.approx(0.0, abs=1e-3)
    costs = table.loc[table["range"] == "demand", ["base_cap_cost_usd_per_yr", "low_cap_cost_usd_per_yr", "high_cap_cost_usd_per_yr"]]
    assert float(table.loc[table["range"] == "demand", "swing_usd_per_yr"].iloc[0]) == pytest.approx(
        float(costs.max(axis=1).iloc[0] - costs.min(axis=1).iloc[0]))


def test_ranges_from_the_uncertainty_sheet_are_percentiles(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    pd.DataFrame([["la2o3_price", "uniform", 0.8, 1.2, None], ["capex", "normal", 1.0, 0.1, None],
                  ["demand", "triangular", 0.7, 1.0, 1.4], ["transport", "lognormal", 0.0, 0.2, None]],
                 columns=["parameter", "distribution", "arg1", "arg2", "arg3"]).to_csv(case / "uncertainty.csv",
                                                                                      index=False)
    tables, problems = read_tables(case)
    assert not problems
    got = {r.name: (r.low, r.high) for r in ranges_from_uncertainty(tables)}
    assert got["la2o3_price"] == pytest.approx((0.8, 1.2))
    assert got["capex"] == pytest.approx((1.0 - 0.1 * Z90, 1.0 + 0.1 * Z90))
    assert got["demand"] == pytest.approx((0.7, 1.4))
    assert got["transport"] == pytest.approx((math.exp(-0.2 * Z90), math.exp(0.2 * Z90)))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(case), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(out / "tornado.csv")["range"]) == set(got)


def test_cli_writes_the_tornado_and_its_summary(tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.toml"
    ranges.write_text(RANGES, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(EXAMPLE), "--ranges", str(ranges), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "tornado.csv")
    assert list(table["range"])[-1] == "freight, unchanged" and len(table) == 3
    summary = json.loads((out / "summary.json").read_text())
    assert summary["cap_cost_min_usd"] <= summary["base_cap_cost_usd"] <= summary["cap_cost_max_usd"]
    assert "cost of the caps" in result.output


def test_bad_ranges_are_named_by_file_and_entry(tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.toml"
    ranges.write_text('[[range]]\nparameters = ["la2o3_price"]\nlow = 0.5\nhigh = 1.5\n\n'
                      '[[range]]\nparameters = ["no_such_thing"]\nlow = 1\nhigh = 2\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        ranges_from_toml(ranges)
    assert "range 2" in str(err.value) and "no_such_thing" in str(err.value)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(EXAMPLE), "--ranges", str(ranges), "--out", str(out)])
    assert result.exit_code == 2 and "range 2" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_an_input_without_ranges_is_told_what_to_give(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sensitivity", str(EXAMPLE), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--ranges" in result.output
