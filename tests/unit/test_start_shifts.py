"""A scenario's ``[start_shift]``: projects starting whole years late or early, by hand on a two-period pathway."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from optimizer.errors import InputError
from optimizer.io.read import read_tables
from optimizer.scenarios.scenario import build_case
from optimizer.solver.run import solve_case
from tests.chain_cases import MINE_BUILD, write_case

# Periods 2025 (two years) and 2027 (three years), discount rate 0.  A JPN fab needs 100 t CeO2 a year through a JPN
# refinery (opex 5, lanes 1): from the CHN mine at 30 a tonne, delivered 30 + 1 + 5 + 1 = 37; from the AUS mine,
# buildable (50 per t/yr over 10 years: 5 a year) at 8, delivered 15 + 5 = 20.  No cap: the AUS mine carries the fab
# whenever it runs, so its start year decides the optimum.
MINES = ("mine,country,capacity_t,cost_usd_per_t,max_new_t,capex_usd_per_tpa,build,lifetime_yr,lead_time_yr,"
         "earliest_online_year\nM_C,CHN,1000,30,,,,,,\nM_A,AUS,0,8,1000,50,continuous,10,{lead},{start}\n")
PERIODS = "period,years_represented\n2025,2\n2027,3\n"
FROM_2025 = 2 * 100 * 20 + 3 * 100 * 20  # the AUS mine in both periods: 10,000
FROM_2027 = 2 * 100 * 37 + 3 * 100 * 20  # China's ore in 2025-2026, the AUS mine from 2027: 13,400


def _case(root: Path, lead: str = "0", start: str = "2025") -> Path:
    return write_case(root, MINE_BUILD, mines=MINES.format(lead=lead, start=start), periods=PERIODS, caps=None)


def _solve(case: Path, shift: dict[str, Any] | None = None) -> tuple[float, list[list[Any]]]:
    tables, problems = read_tables(case)
    assert not problems
    data = build_case(tables, (("late.toml", {"start_shift": shift}),) if shift else ()).data
    run = solve_case(data, baseline=False)
    assert run.result.objective_usd is not None
    built = run.tables["builds"].query("built")
    return run.result.objective_usd, built[["refinery", "online"]].values.tolist()


def test_a_mine_a_year_late_misses_the_first_period(tmp_path: Path) -> None:
    case = _case(tmp_path / "case")
    assert _solve(case) == (pytest.approx(FROM_2025), [["M_A", 2025]])
    # Announced for 2025, a year late is 2026: it runs from the first period starting at or after it, 2027, and the
    # fab buys China's ore for two years: 2 x 100 x (37 - 20) = 3,400 more.
    assert _solve(case, {"M_A": 1}) == (pytest.approx(FROM_2027), [["M_A", 2027]])
    assert _solve(case, {"mines": {"AUS": 1}}) == (pytest.approx(FROM_2027), [["M_A", 2027]])  # by country
    assert _solve(case, {"M_A": 2, "*": -1}) == (pytest.approx(FROM_2027), [["M_A", 2027]])  # selectors add up


def test_a_start_set_by_the_lead_time_comes_early_with_a_shorter_one(tmp_path: Path) -> None:
    # No announced start, two years from a decision in 2025: online 2027.  Two years early is 2025 (the lead time
    # shortened to 0); one year early is 2026, which still runs from 2027.
    case = _case(tmp_path / "case", lead="2", start="")
    assert _solve(case) == (pytest.approx(FROM_2027), [["M_A", 2027]])
    assert _solve(case, {"M_A": -1}) == (pytest.approx(FROM_2027), [["M_A", 2027]])
    assert _solve(case, {"M_A": -2}) == (pytest.approx(FROM_2025), [["M_A", 2025]])


def test_a_shift_past_the_horizon_leaves_the_mine_unbuilt(tmp_path: Path) -> None:
    # 2025 + 3 = 2028: no period starts at or after it, so the mine is no option and China supplies every year.
    assert _solve(_case(tmp_path / "case"), {"M_A": 3}) == (pytest.approx(5 * 100 * 37), [])


def test_dated_product_lines_move_with_their_refinery(tmp_path: Path) -> None:
    case = _case(tmp_path / "case")
    (case / "refinery_products.csv").write_text("refinery,product,online_year\nR_J,CeO2,2025\n")
    tables, _ = read_tables(case)
    data = build_case(tables, (("late.toml", {"start_shift": {"R_J": 2}}),)).data
    assert data.refinery_products["R_J", "CeO2"].online_year == 2027
    assert data.mines["M_A"].expansion.earliest_online_year == 2025  # the mine is not picked


@pytest.mark.parametrize(("shift", "message"), [
    ({"M_C": 1}, "start_shift, key 'M_C': mine 'M_C' has no start to move"),
    ({"nowhere": 1}, "start_shift, key 'nowhere': matches no mine, refinery, purifier or upgrade"),
    ({"mines": {"R_J": 1}}, "start_shift.mines, key 'R_J': matches no mine"),
    ({"M_A": 1.5}, "start_shift, key 'M_A': a start moves by a whole number of years, got 1.5"),
    ({"M_A": "soon"}, "start_shift, key 'M_A': expected a whole number of years, got 'soon'"),
    ({"M_A": 1000}, "start_shift, key 'M_A': must be between -100 and 100 years"),
])
def test_bad_shifts_are_named_by_scenario_and_key(tmp_path: Path, shift: dict[str, Any], message: str) -> None:
    tables, _ = read_tables(_case(tmp_path / "case"))
    with pytest.raises(InputError) as err:
        build_case(tables, (("late.toml", {"start_shift": shift}),))
    assert f"late.toml, {message}" in str(err.value)


def test_a_steady_state_input_has_no_start_to_move(tmp_path: Path) -> None:
    tables, _ = read_tables(write_case(tmp_path / "case", MINE_BUILD))
    with pytest.raises(InputError) as err:
        build_case(tables, (("late.toml", {"start_shift": {"M_A": 1}}),))
    assert "late.toml, start_shift: needs a periods sheet" in str(err.value)
