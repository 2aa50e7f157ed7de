"""Shortages priced as lost output: ``wafer_starts_per_t`` x ``value_per_wafer_start_usd`` where the penalty is blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.errors import InputError
from optimizer.io.load import load_case
from optimizer.report.lead import two_stage_lines
from optimizer.solver.headline import disruption_rows
from optimizer.solver.measures import caps_cost, wafer_starts
from optimizer.solver.reuse import ReusableProgram
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


# Two nodes of one country's fabs start the same wafers: the light node needs 4 g of ceria (250,000 wafer starts a
# tonne), the heavy node 0.8 g of yttria (1.25M a tonne); 100 t CeO2 and 20 t Y2O3 each serve the same 25M wafer
# starts.  An RF-filter node in the same country starts other wafers: 0.1 t at 5M a tonne, 0.5M more.
POOLED_FABS = ("fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd,wafer_pool\n"
               "J_L,JPN,CeO2,100,250000,,jpn\nJ_H,JPN,Y2O3,20,1250000,,jpn\nJ_RF,JPN,CeO2,0.1,5000000,,\n")


def test_a_pool_of_fab_nodes_counts_its_wafers_once(tmp_path: Path) -> None:
    data = load_case(write_case(tmp_path / "c", SLATES, fabs=POOLED_FABS, refinery_products=None))
    assert data.wafer_pool == {"J_L": "jpn", "J_H": "jpn"}
    assert wafer_starts(data, data.demand_t) == {0: pytest.approx(25e6 + 0.5e6)}
    # Half the ceria short stops 12.5M wafer starts; yttria short too, 10 t (12.5M): still the same 12.5M wafers.
    assert wafer_starts(data, {("J_L", "CeO2", 0): 50.0, ("J_H", "Y2O3", 0): 10.0}) == {0: pytest.approx(12.5e6)}
    # Without the pool column each node is its own pool, and the same wafers would count twice.
    apart = load_case(write_case(tmp_path / "d", SLATES, fabs=POOLED_FABS.replace(",jpn\n", ",\n"),
                                 refinery_products=None))
    assert wafer_starts(apart, apart.demand_t) == {0: pytest.approx(50e6 + 0.5e6)}


def test_the_caps_cost_per_wafer_start_counts_pooled_wafers_once(tmp_path: Path) -> None:
    data = load_case(write_case(tmp_path / "c", SLATES, fabs=POOLED_FABS, refinery_products=None,
                                caps="cap,supplier,stage,max_share\nchina,CHN,any,1\n"))
    cost = caps_cost(data, 1_000_000.0 + 25_500.0, 1_000_000.0)
    assert cost is not None and cost.usd_per_wafer_start == pytest.approx(25_500 / 25.5e6)


def test_a_disruption_short_of_two_products_of_one_fab_stops_its_wafers_once(tmp_path: Path) -> None:
    # China refines all; a ban of half a year leaves 50 t CeO2 (x 1,000) and 25 t Y2O3 (x 2,000) short: both stop the
    # same 50,000 wafer starts, which disruptions.csv gives on each product's row and the headline once.
    tables = {**SLATES, "refinery_products": None,
              "mines": "mine,country,capacity_t,cost_usd_per_t\nM_C,CHN,1000,10\n",
              "composition": "mine,product,share\nM_C,CeO2,0.5\nM_C,Y2O3,0.5\n",
              "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery\nR_C,CHN,1000,5,1\n",
              "fabs": "fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
                      "F,JPN,CeO2,100,1000,1\nF,JPN,Y2O3,50,2000,1\n",
              "disruptions": "disruption,supplier,stage,probability_per_yr,duration_months\nban,CHN,refine,0.5,6\n"}
    run = solve_case(load_case(write_case(tmp_path / "c", tables)), baseline=False)
    rows = run.tables["disruptions"]
    assert rows["unmet_wafer_starts"].tolist() == [pytest.approx(50000), pytest.approx(50000)]
    (ban,) = disruption_rows(run)
    assert ban["short_t"] == pytest.approx(75)
    assert ban["short_wafer_starts"] == pytest.approx(50000)


def test_a_fab_in_two_wafer_pools_is_an_input_error(tmp_path: Path) -> None:
    fabs = ("fab,country,product,demand_t,wafer_starts_per_t,wafer_pool\n"
            "F,JPN,CeO2,100,250000,jpn\nF,JPN,Y2O3,50,1250000,kor\n")
    with pytest.raises(InputError) as err:
        load_case(write_case(tmp_path / "c", SLATES, fabs=fabs))
    assert "fabs.csv row 3, column wafer_pool: fab 'F' is in wafer pool 'jpn' on row 2; a fab has one pool, got 'kor'" \
        in str(err.value)


def test_a_case_with_another_value_of_a_wafer_start_gets_a_program_of_its_own(tmp_path: Path) -> None:
    # The penalties live in the model's operating states: a program re-solved with another value would keep the old.
    fabs = "fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\nF,JPN,CeO2,100,1000,{}\n"
    disruptions = "disruption,supplier,stage,probability_per_yr,duration_months\nban,JPN,purify,1,3\n"
    one, two = (load_case(write_case(tmp_path / str(v), PURIFIER, fabs=fabs.format(v), disruptions=disruptions))
                for v in (1, 2))
    assert ReusableProgram(one).accepts(two) is False
    assert solve_case(two, baseline=False).result.objective_usd == pytest.approx(0.75 * 3800 + 0.25 * 100 * 2000)


def test_the_terminal_gives_the_wafer_starts_a_disruption_leaves_short() -> None:
    row = {"disruption": "ban", "period": 0, "must_survive": False, "probability_per_yr": 0.5, "duration_months": 6,
           "extra_cost_usd_per_occurrence": None, "short_t": 75.0, "short_wafer_starts": 50000.0,
           "short_without_plan_t": None}
    lines = two_stage_lines({"disruptions": [row, {**row, "short_t": 0.0, "short_wafer_starts": 0.0}]}, False)
    assert lines[1:] == ["disruption ban (0.5/yr, 6 months): short 75.0 t (50,000 wafer starts)",
                         "disruption ban (0.5/yr, 6 months): short 0.0 t"]
