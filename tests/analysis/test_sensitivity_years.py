"""Sensitivity ranges that are not multipliers of amounts: start years moved by whole years (``start_shift``,
``mine_start_shift``) and the value of a wafer start (``wafer_value``), each checked by hand, and bad ranges of either
kind reported by range and key before anything is solved (exit 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.analysis.sensitivity import (
    Range,
    check_ranges,
    ranges_from_toml,
    ranges_from_uncertainty,
    run_sensitivity,
)
from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io.read import read_tables
from optimizer.scenarios.uncertainty import distributions, draw_sample
from tests.chain_cases import MINE_BUILD, SLATES, write_case
from tests.unit.test_start_shifts import FROM_2025, FROM_2027, MINES, PERIODS

SHORT_MINES = "mine,country,capacity_t,cost_usd_per_t\nM_CE,AUS,60,10\nM_Y,AUS,1000,10\n"
WAFER_FABS = ("fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
              "F,JPN,CeO2,100,1000,2\nF,JPN,Y2O3,50,,\n")


def _pathway(root: Path) -> Path:
    return write_case(root, MINE_BUILD, mines=MINES.format(lead="0", start="2025"), periods=PERIODS, caps=None)


def test_a_mine_late_by_each_end_of_its_range(tmp_path: Path) -> None:
    # The AUS mine announced for 2025: on time it runs from 2025; a year late it misses the 2025 period (see
    # tests/unit/test_start_shifts.py): 10,000 and 13,400.
    tables, _ = read_tables(_pathway(tmp_path / "case"))
    tornado = run_sensitivity(tables, [Range("M_A late", ("mine_start_shift:M_A",), 0, 1, unit="years late")])
    ((r, low, high),) = tornado.rows
    assert tornado.base.objective_usd == pytest.approx(FROM_2025)
    assert (low.objective_usd, high.objective_usd) == (pytest.approx(FROM_2025), pytest.approx(FROM_2027))
    assert [r.shown(n) for n in (r.low, r.high, -1, 3)] == ["on time", "1 year late", "1 year early", "3 years late"]


def test_the_value_of_a_wafer_start_prices_the_shortage(tmp_path: Path) -> None:
    # 60 t of ceria for a demand of 100: 40 t short, each 1,000 wafer starts at US$2 (x 0.5 and x 2 at the ends):
    # 60 x 17 + 50 x 32 + 40 x 1,000 x 2 x m.
    tables, _ = read_tables(write_case(tmp_path / "case", SLATES, mines=SHORT_MINES, fabs=WAFER_FABS))
    tornado = run_sensitivity(tables, [Range("wafer value", ("wafer_value",), 0.5, 2.0)])
    ((_, low, high),) = tornado.rows
    assert tornado.base.objective_usd == pytest.approx(2620 + 80_000)
    assert (low.objective_usd, high.objective_usd) == (pytest.approx(2620 + 40_000), pytest.approx(2620 + 160_000))


def test_a_wafer_value_on_fabs_without_one_is_an_error_before_any_solve(tmp_path: Path) -> None:
    tables, _ = read_tables(write_case(tmp_path / "case", SLATES))
    with pytest.raises(InputError) as err:
        check_ranges(tables, [Range("wafer value", ("wafer_value",), 0.5, 2.0)])
    assert "sensitivity 'wafer value' = 0.5, prices.wafer_value, key '*': changes nothing: no row of fabs it picks " \
           "gives value_per_wafer_start_usd" in str(err.value)


def test_bad_shift_ranges_exit_2_naming_the_range_before_solving(tmp_path: Path) -> None:
    case = _pathway(tmp_path / "case")
    ranges = tmp_path / "r.toml"
    ranges.write_text('[[range]]\nname = "late"\nparameters = ["mine_start_shift:M_A"]\nlow = 0\nhigh = 1.5\n')
    with pytest.raises(InputError) as err:
        ranges_from_toml(ranges)
    assert "range 1" in str(err.value) and "whole number of years" in str(err.value)
    ranges.write_text('[[range]]\nname = "late"\nparameters = ["mine_start_shift:nolans"]\nlow = 0\nhigh = 2\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(case), "--ranges", str(ranges), "--out", str(out), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "sensitivity 'late' = 0, start_shift.mines, key 'nolans': matches no mine" in result.output
    assert not out.exists()


def test_shifts_from_the_uncertainty_sheet_are_whole_years(tmp_path: Path) -> None:
    case = _pathway(tmp_path / "case")
    pd.DataFrame([["mine_start_shift:M_A", "uniform", -1.0, 2.6], ["start_shift", "normal", 1.0, 1.0]],
                 columns=["parameter", "distribution", "arg1", "arg2"]).to_csv(case / "uncertainty.csv", index=False)
    tables, problems = read_tables(case)
    assert not problems
    got = {r.name: (r.low, r.high) for r in ranges_from_uncertainty(tables)}
    assert got == {"mine_start_shift:M_A": (-1.0, 3.0), "start_shift": (0.0, 2.0)}  # 1 -/+ 1.28 rounded
    rows, _ = distributions(tables)
    draws = [draw_sample(rows, 7, i) for i in range(20)]
    assert all(float(v).is_integer() and str(v) != "-0.0" for d in draws for v in d.values())
    assert {d["mine_start_shift:M_A"] for d in draws} <= set(np.arange(-1.0, 4.0))


def test_values_are_shown_as_a_reader_writes_them() -> None:
    capex = Range("capex", ("capex",), 0.4, 2.0, base=50_000, unit="US$ per t/yr")
    assert (capex.shown(capex.low), capex.shown(capex.high)) == ("20,000 US$ per t/yr", "100,000 US$ per t/yr")
    assert Range("w", ("demand",), 0.325, 1.675, base=4.0, unit="g").shown(0.325) == "1.3 g"
