"""A shortage priced at the wafer starts it stops (US$1e9-1e10 a tonne) beside costs of a few USD a tonne: the small
costs must still decide the plan, and the checks must still catch costs in the wrong units."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.checks import MAX_PENALTY_USD_PER_T
from optimizer.solver.run import solve_case
from tests.chain_cases import COMMON, write_case

# An Australian mine (60 t, 10 USD/t) feeds two Australian refineries (opex 5) whose arcs to the Japanese fab cost
# 1 and 2 USD/t; a Chinese chain (mine 10, refinery 5, arc 3) makes the rest.  The fab needs 100 t of ceria; a tonne
# short stops 1e7 wafer starts.  Normal operations: 60 t via R_A at 17 + 40 t via China at 19 = 1,780.  China bans
# refining for a whole year with probability 1%: 40 t short, which costs 40 x penalty less the 760 not bought.
SCALE = {
    **COMMON,
    "mines": "mine,country,capacity_t,cost_usd_per_t\nM_A,AUS,60,10\nM_C,CHN,1000,10\n",
    "composition": "mine,product,share\nM_A,CeO2,1\nM_C,CeO2,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery\nR_A,AUS,1000,5,1\nR_B,AUS,1000,5,1\n"
                  "R_C,CHN,1000,5,1\n",
    "arcs": "from,to,cost_usd_per_t,blocked\nR_A,F,1,\nR_B,F,2,\nR_C,F,3,\nM_C,R_A,,true\nM_C,R_B,,true\n"
            "M_A,R_C,,true\n",
    "disruptions": "disruption,supplier,stage,probability_per_yr,duration_months\nban,CHN,refine,0.01,12\n",
}


def fabs(value_per_wafer_start: float) -> str:
    return ("fab,country,product,demand_t,wafer_starts_per_t,value_per_wafer_start_usd\n"
            f"F,JPN,CeO2,100,1e7,{value_per_wafer_start:g}\n")


def priced(value_per_wafer_start: float, where: str) -> dict[str, str]:
    """The case with its shortage priced by the fabs sheet (normal operations and disruptions), or by the parameter
    ``disruption_value_per_wafer_start_usd`` (disruptions only: normal operations must meet demand)."""
    if where == "fabs":
        return {**SCALE, "fabs": fabs(value_per_wafer_start)}
    return {**SCALE, "fabs": "fab,country,product,demand_t,wafer_starts_per_t\nF,JPN,CeO2,100,1e7\n",
            "parameters": f"name,value\ndiscount_rate,0\ndisruption_value_per_wafer_start_usd,{value_per_wafer_start:g}\n"}


@pytest.mark.parametrize("where", ["fabs", "parameter"])
@pytest.mark.parametrize("penalty", [1e10, MAX_PENALTY_USD_PER_T])
def test_a_one_dollar_freight_difference_is_decided_beside_a_shortage_of_billions(tmp_path: Path, penalty: float,
                                                                                  where: str) -> None:
    run = solve_case(load_case(write_case(tmp_path / "c", priced(penalty / 1e7, where))), baseline=False)
    assert run.result.objective_usd == pytest.approx(1780 + 0.01 * (40 * penalty - 760), rel=1e-15, abs=0.01)
    flows = run.tables["flows"]
    to_fab = flows[flows["stage"] == "refinery_to_fab"]
    assert sorted(to_fab[["from", "tonnes"]].values.tolist()) == [["R_A", pytest.approx(60)],
                                                                 ["R_C", pytest.approx(40)]]
    ban = run.tables["disruptions"].iloc[0]
    assert ban["unmet_t"] == pytest.approx(40)
    assert ban["unmet_wafer_starts"] == pytest.approx(4e8)
    assert ban["extra_cost_usd_per_occurrence"] == pytest.approx(40 * penalty - 760, rel=1e-15, abs=0.01)
    assert run.warnings == []  # a shortage priced by its wafer starts is not a unit mistake


@pytest.mark.parametrize("where", ["fabs", "parameter"])
def test_a_shortage_dearer_than_a_year_of_the_worlds_chips_is_flagged(tmp_path: Path, where: str) -> None:
    # 1e7 wafer starts a tonne at US$2M each (the value typed in USD thousands): 2e13 USD a tonne.
    run = solve_case(load_case(write_case(tmp_path / "c", priced(2e6, where))), baseline=False)
    column = "value_per_wafer_start_usd" if where == "fabs" else "disruption_value_per_wafer_start_usd"
    assert any(f"F/CeO2 wafer_starts_per_t 1e+07 x {column} 2e+06 = 2e+13" in w for w in run.warnings), run.warnings


def test_the_parameter_prices_disruptions_only(tmp_path: Path) -> None:
    # Only 60 t outside China and China's refining cut off for good: normal operations cannot meet demand.
    tables = {**priced(1000, "parameter"), "arcs": SCALE["arcs"].replace("R_C,F,3,", "R_C,F,,true")}
    run = solve_case(load_case(write_case(tmp_path / "c", tables)), baseline=False)
    assert run.result.outcome == "infeasible"


def test_a_cost_of_the_chain_in_the_wrong_units_is_still_flagged(tmp_path: Path) -> None:
    mines = "mine,country,capacity_t,cost_usd_per_t\nM_A,AUS,60,1e10\nM_C,CHN,1000,10\n"
    run = solve_case(load_case(write_case(tmp_path / "c", SCALE, fabs=fabs(1000), mines=mines)), baseline=False)
    assert any("mine M_A cost_usd_per_t 1e+10" in w for w in run.warnings), run.warnings
