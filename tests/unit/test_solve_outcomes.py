"""Every HiGHS status maps to one outcome, and solver options reach HiGHS and the summary."""

from __future__ import annotations

import highspy
import pytest

from optimizer.solver.highs import HighsProgram, Outcome, SolveOptions
from optimizer.solver.run import solve_case, summary
from tests.unit.test_hand_optima import lumpy_case

S = highspy.HighsModelStatus


@pytest.mark.parametrize("status, has_solution, outcome", [
    (S.kOptimal, True, Outcome.OPTIMAL),
    (S.kInfeasible, False, Outcome.INFEASIBLE),
    (S.kUnbounded, False, Outcome.UNBOUNDED),
    (S.kUnboundedOrInfeasible, False, Outcome.UNBOUNDED),
    (S.kTimeLimit, True, Outcome.FEASIBLE),
    (S.kTimeLimit, False, Outcome.NO_SOLUTION),
    (S.kIterationLimit, False, Outcome.NO_SOLUTION),
    (S.kSolveError, False, Outcome.NO_SOLUTION),
    (S.kInterrupt, True, Outcome.FEASIBLE),
])
def test_status_maps_to_outcome(status: highspy.HighsModelStatus, has_solution: bool, outcome: Outcome) -> None:
    assert HighsProgram._outcome(status, has_solution) is outcome
    assert outcome.usable == (outcome in (Outcome.OPTIMAL, Outcome.FEASIBLE))


def test_time_limit_and_gap_reach_highs_and_the_summary() -> None:
    run = solve_case(lumpy_case(200), SolveOptions(time_limit=30, mip_gap=0.01), baseline=False)
    assert run.ok
    options = summary(run)["solver"]["options"]
    assert options["time_limit"] == 30 and options["mip_rel_gap"] == 0.01

