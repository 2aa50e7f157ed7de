"""Cap shares changed in a compiled program: sweeps, the uncapped baseline, and two-sided marginals.

A cap's row is ``touched <= max_share * demand`` in scope, so changing a share changes one right-hand side per
period: the program is re-solved warm, never rebuilt.

Marginals.  The dual of a cap is one slope of the cost as a function of its share.  Where that function has a kink
(a lumpy build switching on, a capacity filling up) tightening and loosening by one point cost different amounts,
and a single number misleads.  :func:`measure_cap_marginals` re-solves each cap row one percentage point tighter and
one looser and reports both differences (USD per year of the period, per point).
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.io.data import ModelData
from optimizer.model.objective import period_weight
from optimizer.model.policy import scope_demand_t
from optimizer.solver.highs import HighsProgram, Outcome, SolveOptions, SolveResult
from optimizer.solver.results import CapRealised

POINT = 0.01  # one percentage point of share
MAX_MEASURED_ROWS = 20  # cap rows whose two-sided marginals are measured (each costs two re-solves)
SLACK_TOL_T = 1e-6


def set_cap_share(program: HighsProgram, data: ModelData, cap: str, share: float | None,
                  period: int | None = None) -> None:
    """Set cap ``cap``'s max_share in ``period`` (``None``: every period) of a compiled program, in place
    (``share`` ``None``: lift the cap)."""
    m = program.model
    for k, t in m.CAP_PERIODS:
        if k == cap and (period is None or t == period):
            upper = None if share is None else share * scope_demand_t(data, data.caps[cap], t)
            program.set_row_bounds(m.Dependence_Cap[k, t], None, upper)


def solve_uncapped(program: HighsProgram, data: ModelData, options: SolveOptions | None = None) -> SolveResult:
    """Lift every cap of a compiled program and re-solve it (the model's values become the uncapped plan's)."""
    for k in data.caps:
        set_cap_share(program, data, k, None)
    return program.solve(options)


def _objective_at(program: HighsProgram, data: ModelData, k: str, t: int, share: float,
                  options: SolveOptions | None) -> float | None:
    con = program.model.Dependence_Cap[k, t]
    program.set_row_bounds(con, None, share * scope_demand_t(data, data.caps[k], t))
    result = program.solve(options, objective_only=True)
    return result.objective_usd if result.outcome is Outcome.OPTIMAL else None


def measure_cap_marginals(program: HighsProgram, data: ModelData, caps: list[CapRealised], objective_usd: float,
                          options: SolveOptions | None = None) -> list[CapRealised]:
    """``caps`` with ``usd_per_yr_per_pct_tighter`` and ``usd_per_yr_per_pct_looser`` measured by re-solving.

    Each cap row in turn is moved one point tighter and one point looser, the others as given; the differences are
    per year of the row's period.  A point tighter is not measured below a share of 0; a difference is ``None``
    where the moved case has no proven optimum.  A row with more than a point of slack costs nothing one point
    tighter (the plan stays feasible in a smaller feasible set, so it stays optimal; in an LP or a MILP) and, in an
    LP, nothing one point looser either: those are not re-solved.  In a MILP a looser row can still let another
    combination of builds win, so that side is re-solved.  Call it right after the solve that gave
    ``objective_usd``; the program's rows are put back and the model's variables keep that solve's values.
    """
    compiled = set(program.model.CAP_PERIODS)
    out = []
    measured = 0
    for c in caps:
        if (c.cap, c.period) not in compiled or measured >= MAX_MEASURED_ROWS:
            out.append(c)
            continue
        weight = period_weight(data, c.period)
        slack = c.max_share * c.demand_t - c.touched_t
        slack_point = slack > POINT * c.demand_t + SLACK_TOL_T
        if not program.is_mip and slack_point:
            out.append(replace(c, usd_per_yr_per_pct_tighter=0.0, usd_per_yr_per_pct_looser=0.0))
            continue
        measured += 1
        tighter = looser = None
        if slack_point:
            tighter = 0.0
        elif c.max_share >= POINT:
            at = _objective_at(program, data, c.cap, c.period, c.max_share - POINT, options)
            tighter = None if at is None else (at - objective_usd) / weight
        at = _objective_at(program, data, c.cap, c.period, c.max_share + POINT, options)
        looser = None if at is None else (objective_usd - at) / weight
        program.set_row_bounds(program.model.Dependence_Cap[c.cap, c.period], None, c.max_share * c.demand_t)
        out.append(replace(c, usd_per_yr_per_pct_tighter=tighter, usd_per_yr_per_pct_looser=looser))
    return out
