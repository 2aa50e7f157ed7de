"""``disruptions.csv`` has one row per disruption, period and product: the demand in its scope and what goes unmet."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.run import solve_case
from optimizer.solver.two_stage import per_disruption
from tests.chain_cases import SLATES, write_case


def test_each_product_in_scope_has_its_demand_and_unmet_tonnes(tmp_path: Path) -> None:
    # R_B (the only source of yttria) burns down for 3 months a year: 50 t/yr x 0.25 yr = 12.5 t of yttria unmet;
    # the ceria (100 t/yr, 25 t over the disruption) comes through.
    disruptions = "disruption,probability_per_yr,duration_months,removes\nfire,1,3,R_B\n"
    params = "name,value\ndiscount_rate,0\ndefault_disruption_penalty_usd_per_t,1000\n"
    run = solve_case(load_case(write_case(tmp_path / "c", SLATES, disruptions=disruptions, parameters=params)))
    table = run.tables["disruptions"]
    assert table[["disruption", "product", "demand_t", "unmet_t", "unmet_without_plan_t"]].values.tolist() == [
        ["fire", "CeO2", pytest.approx(25), pytest.approx(0), pytest.approx(0)],
        ["fire", "Y2O3", pytest.approx(12.5), pytest.approx(12.5), pytest.approx(12.5)]]
    # The disruption's own figures are the same on each row; summed over products the table is the old one.
    assert table["extra_cost_usd_per_occurrence"].nunique() == 1
    (row,) = per_disruption(table).to_dict("records")
    assert row["unmet_t"] == pytest.approx(12.5) and row["demand_t"] == pytest.approx(37.5)
