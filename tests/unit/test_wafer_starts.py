"""Shortages priced as lost output: ``wafer_starts_per_t`` x ``value_per_wafer_start_usd`` where the penalty is blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.run import solve_case
from tests.chain_cases import PURIFIER, SLATES, write_case

SHORT_MINES = "mine,country,capacity_t,cost_usd_per_t\nM_CE,AUS,60,10\nM_Y,AUS,1000,10\n"


def test_a_tonne_short_costs_the_wafer_starts_it_serves(tmp_path: Path) -> None:
    # 60 t ceria at 17 + 40 t short x (1,000 wafer starts x 2 USD) + 50 t yttria at 32 = 1,020 + 80,000 + 1,600.
    fabs = ("fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
            "F,JPN,CeO2,100,1000,2\nF,JPN,Y2O3,50,,\n")
    run = solve_case(load_case(write_case(tmp_path / "c", SLATES, mines=SHORT_MINES, fabs=fabs)), baseline=False)
    assert run.result.objective_usd == pytest.approx(82620)
    wafers = run.tables["wafer_starts"]
    assert wafers[["fab", "product", "disruption", "unmet_t", "wafer_starts_at_risk"]].values.tolist() == [
        ["F", "CeO2", "", pytest.approx(40), pytest.approx(40000)]]


def test_an_own_penalty_wins_over_the_wafer_price(tmp_path: Path) -> None:
    fabs = ("fab,country,product,demand_t,unmet_penalty_usd_per_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
            "F,JPN,CeO2,100,100,1000,2\nF,JPN,Y2O3,50,,,\n")
    run = solve_case(load_case(write_case(tmp_path / "c", SLATES, mines=SHORT_MINES, fabs=fabs)), baseline=False)
    assert run.result.objective_usd == pytest.approx(1020 + 40 * 100 + 1600)
    assert run.tables["wafer_starts"]["wafer_starts_at_risk"].tolist() == [pytest.approx(40000)]


def test_wafer_starts_at_risk_while_a_disruption_lasts(tmp_path: Path) -> None:
    # The purifier's country bans purifying a quarter of each year: 100 t/yr short for 0.25 yr = 25 t, 25,000 starts.
    fabs = "fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\nF,JPN,CeO2,100,1000,1\n"
    disruptions = "disruption,supplier,stage,probability_per_yr,duration_months\nban,JPN,purify,1,3\n"
    run = solve_case(load_case(write_case(tmp_path / "c", PURIFIER, fabs=fabs, disruptions=disruptions)),
                     baseline=False)
    assert run.result.objective_usd == pytest.approx(0.75 * 3800 + 0.25 * 100 * 1000)
    wafers = run.tables["wafer_starts"]
    assert wafers[["disruption", "unmet_t", "wafer_starts_at_risk"]].values.tolist() == [
        ["ban", pytest.approx(25), pytest.approx(25000)]]


def test_without_wafer_columns_there_is_no_wafer_table(tmp_path: Path) -> None:
    run = solve_case(load_case(write_case(tmp_path / "c", SLATES)), baseline=False)
    assert "wafer_starts" not in run.tables
