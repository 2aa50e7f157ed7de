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
    (S.kUnboundedOrInfeasible, False, Outcome.INFEASIBLE),
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



def test_the_default_dataset_is_scaled_so_highs_does_not_warn(capfd: pytest.CaptureFixture[str]) -> None:
    # Costs of millions of USD and tonnages of hundreds of thousands: HiGHS warned of a badly scaled problem with
    # excessively large costs before the internal scaling (results stay in USD and t).
    from pathlib import Path

    from optimizer.io.load import load_case
    from optimizer.model import build_model
    from optimizer.solver.highs import SolveOptions

    data = load_case(Path(__file__).resolve().parents[2] / "inputs" / "pax_silica_2025")
    program = HighsProgram(build_model(data))
    capfd.readouterr()
    result = program.solve(SolveOptions(log=True))
    log = capfd.readouterr().out
    assert "Coefficient ranges" in log  # the log was captured
    assert "badly scaled" not in log and "excessively" not in log
    assert result.outcome is Outcome.OPTIMAL
    assert program.scaling["user_objective_scale"] < 0 and program.scaling["user_bound_scale"] < 0
    # The absolute gap is read in USD: 1 USD, not the 2^24 USD it would mean in the scaled objective.
    assert result.solver["options"]["mip_abs_gap"] == 1.0
    assert result.mip_gap is not None and result.mip_gap * abs(result.objective_usd or 0) <= 600
