"""The compile and the warm re-solve accept every family of the chain sheets (their bounds are declared)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import optimizer
from optimizer.io.data import _frozen
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.model.bounds import undeclared
from optimizer.solver.reuse import ReusableProgram
from optimizer.solver.run import solve_case
from tests.chain_cases import MINE_BUILD, PURIFIER, SLATES, UPGRADE, write_case

CASES = {"slates": SLATES, "mine": MINE_BUILD, "purifier": PURIFIER, "upgrade": UPGRADE}
DISRUPTION = "disruption,supplier,stage,probability_per_yr,duration_months\nban,CHN,any,0.1,6\n"
PARAMS = "name,value\ndiscount_rate,0\ndefault_disruption_penalty_usd_per_t,1000\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_family_declares_its_bounds_and_a_warm_re_solve_matches_a_fresh_one(name: str, tmp_path: Path) -> None:
    data = load_case(write_case(tmp_path / name, CASES[name], disruptions=DISRUPTION, parameters=PARAMS))
    assert undeclared(build_model(data)) == []
    program = ReusableProgram(data)
    first = program.solve(data)
    assert first.ok
    dearer = replace(data, mines=_frozen({k: replace(v, cost_usd_per_t=v.cost_usd_per_t + 3)
                                          for k, v in data.mines.items()}),
                     demand_t=_frozen({k: 0.8 * v for k, v in data.demand_t.items()}))
    again = program.solve(dearer, warm=program.warm_start())
    fresh = solve_case(dearer, baseline=False)
    assert again.result.objective_usd == pytest.approx(fresh.result.objective_usd, rel=1e-9)


def test_the_python_api_loads_and_solves_the_chain_sheets(tmp_path: Path) -> None:
    case = optimizer.load(write_case(tmp_path / "p", PURIFIER))
    run = optimizer.solve(case)
    assert run.objective_usd == pytest.approx(3800)
    assert "purifier" in run.tables["supply"].columns
