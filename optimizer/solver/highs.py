"""Solve a Pyomo model with HiGHS: one entry point, one outcome type, exact duals.

The hand-over compiles the model to a sparse matrix (:mod:`optimizer.solver.compile`, which reads the model's
expression lists with numpy) and passes it to ``highspy`` in one call, keeping the map from matrix rows and columns
back to Pyomo constraints and variables so that values and duals land on the components they belong to.  Which
HiGHS method runs, and HiGHS options given by name, are :mod:`optimizer.solver.methods`.  Callers use :func:`solve_model` (or
:class:`HighsProgram` to re-solve one live HiGHS object after changing it) and never see the route.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.core.base.constraint import ConstraintData

from optimizer.solver.compile import StandardForm, compile_model
from optimizer.solver.methods import (
    check_highs_options,
    check_method,
    chosen_method,
    highs_version,
    method_options,
    quiet_highs,
)

INF = highspy.kHighsInf


class Outcome(StrEnum):
    """What a solve produced, from the user's point of view."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped early (time limit) with a usable incumbent
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no_solution"  # stopped early without an incumbent, or the solver failed

    @property
    def usable(self) -> bool:
        return self in (Outcome.OPTIMAL, Outcome.FEASIBLE)


# A plan's cost is dominated by what the whole chain sells and spends (billions) while the answers are differences
# of a few million: HiGHS's default relative MIP gap (1e-4) could move "what a cap costs" by several percent.  The
# default is a relative gap of 1e-7, with an absolute floor of 1 USD for costs near zero.
DEFAULT_MIP_REL_GAP = 1e-7
DEFAULT_MIP_ABS_GAP_USD = 1.0


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings a user can change (``None`` = the defaults above, or HiGHS's).

    ``method`` is one of :data:`optimizer.solver.methods.METHODS`; ``solver_options`` are further HiGHS options by
    name (checked against HiGHS's list when the options are made: ValueError with the reason), applied last.
    """

    time_limit: float | None = None
    mip_gap: float | None = None
    threads: int | None = 1  # one thread keeps results reproducible from run to run
    log: bool = False
    method: str = "auto"
    solver_options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        check_method(self.method)
        given = self.solver_options.items() if isinstance(self.solver_options, dict) else self.solver_options
        object.__setattr__(self, "solver_options", tuple(sorted(check_highs_options(dict(given)).items())))

    def highs_options(self) -> dict[str, Any]:
        """The options as the user reads them (the method aside): defaults, flags, then ``solver_options``."""
        options: dict[str, Any] = {"output_flag": self.log, "random_seed": 0,
                                   "mip_rel_gap": DEFAULT_MIP_REL_GAP, "mip_abs_gap": DEFAULT_MIP_ABS_GAP_USD}
        if self.time_limit is not None:
            options["time_limit"] = float(self.time_limit)
        if self.mip_gap is not None:
            options["mip_rel_gap"] = float(self.mip_gap)
        if self.threads is not None:
            options["threads"] = int(self.threads)
        options.update(self.solver_options)
        return options


@dataclass
class SolveResult:
    """The outcome of one solve; values are loaded into the model's variables when usable."""

    outcome: Outcome
    solver_status: str
    message: str
    objective_usd: float | None
    is_mip: bool
    duals: dict[ConstraintData, float] = field(default_factory=dict)
    # "lp"; "milp_fixed" (LP with the integer decisions fixed at the MILP optimum); "milp_fixed_incumbent" (fixed
    # at the best plan found before a limit stopped the MILP: not proven optimal); "" (none could be computed).
    duals_source: str = ""
    mip_gap: float | None = None
    solver: dict[str, Any] = field(default_factory=dict)
    times_s: dict[str, float] = field(default_factory=dict)


_MESSAGES = {
    Outcome.INFEASIBLE: "no plan satisfies every constraint: demand that must be met cannot be, within the "
    "capacities, arcs and dependence caps given. Run `paxsilica validate`, loosen a cap (e.g. --cap CHN:any=0.5) "
    "or give fabs an unmet_penalty_usd_per_t to see which demand is short.",
    Outcome.UNBOUNDED: "the cost can fall without limit, which the model should not allow (every flow is bounded "
    "by a mine's capacity): please report this case.",
    Outcome.NO_SOLUTION: "the solver stopped without a usable plan. Raise --time-limit or loosen --mip-gap.",
}


# Internal scaling targets: the largest cost coefficient near 2^7 (about 100) and the largest bound or right-hand
# side near 2^10 (about 1,000), as if the model were written in US$M and kt.  Results stay in USD and t.
_COST_TARGET_LOG2 = 7
_BOUND_TARGET_LOG2 = 10


# The smallest cost is kept above 2^-10 (about 1e-3) where that matters more than the largest's target: a two-stage
# plan weights the costs of a disruption's copy by its expected time in a year (1% and less), and HiGHS warns of
# excessively small costs when they are scaled below about 1e-4.
_SMALLEST_COST_LOG2 = -10


def _scale_exponent(values: np.ndarray, target_log2: int, smallest_log2: int | None = None) -> int:
    """The power of two (<= 0) that brings the largest finite magnitude of ``values`` down near 2^target, or less
    far when that would take the smallest below 2^smallest_log2."""
    finite = np.abs(values[np.isfinite(values)])
    finite = finite[finite > 0]
    if not len(finite):
        return 0
    exponent = target_log2 - int(np.ceil(np.log2(finite.max())))
    if smallest_log2 is not None:
        exponent = max(exponent, smallest_log2 - int(np.floor(np.log2(finite.min()))))
    return min(0, exponent)


def user_scaling(form: StandardForm) -> dict[str, int]:
    """HiGHS's ``user_objective_scale`` and ``user_bound_scale`` for the standard form ``form``.

    Rare-earth plans mix costs of millions of USD per plant with tonnages of hundreds of thousands: HiGHS warns
    that such a problem is badly scaled and has excessively large costs.  HiGHS applies these powers of two inside
    and reports the solution, duals and objective in the model's own units.
    """
    bounds = np.concatenate([form.col_upper, form.row_upper, form.row_lower])
    return {"user_objective_scale": _scale_exponent(form.col_cost, _COST_TARGET_LOG2, _SMALLEST_COST_LOG2),
            "user_bound_scale": _scale_exponent(bounds, _BOUND_TARGET_LOG2)}


class HighsProgram:
    """A Pyomo model compiled once into a live HiGHS object.

    Keep one to re-solve after changing bounds or coefficients in place (sweeps, stress tests): HiGHS then starts
    from its last basis.  ``columns[j]`` is the Pyomo variable of column j; ``rows[i]`` is (constraint, sign) with
    sign 0 for an equality, +1 for an upper and -1 for a lower bound.
    """

    def __init__(self, model: pyo.ConcreteModel) -> None:
        start = time.perf_counter()
        self.model = model
        form = compile_model(model, INF)
        self.columns = form.columns
        self.rows = form.rows
        self.row_constant = form.row_constant
        self._col_index: dict[int, int] | None = None
        self.row_index: dict[int, list[int]] = {}
        for i, (con, _sign) in enumerate(self.rows):
            self.row_index.setdefault(id(con), []).append(i)
        self.offset = form.offset
        self.integer_cols = form.integer_cols
        self._left_out = form.left_out
        self.highs = quiet_highs()
        self.scaling = user_scaling(form)
        self._pass_model(form)
        del form  # HiGHS holds its own copy of the arrays
        self.solves = 0
        self._started = False  # a solution was given as the next solve's start (see set_start)
        self.compile_s = time.perf_counter() - start

    @property
    def is_mip(self) -> bool:
        return len(self.integer_cols) > 0

    @property
    def col_index(self) -> dict[int, int]:
        """``{id(variable): column}``, made when first asked for (by a warm re-solve): a one-off solve never needs
        it, and at a million columns it would hold about 100 MB."""
        if self._col_index is None:
            self._col_index = {id(v): j for j, v in enumerate(self.columns)}
        return self._col_index

    def _pass_model(self, form: StandardForm) -> None:
        """Hand the arrays to HiGHS in one call, which copies them from numpy's buffers (a ``HighsLp`` would first
        copy each array element by element into its own vectors).

        This form of ``passModel`` always takes an integrality per column: an LP's are all continuous, which HiGHS
        solves as the LP it is (the same iterations and the same bits as a ``HighsLp`` without integrality, checked
        on the shipped inputs, generated chains and random networks).
        """
        integrality = np.zeros(len(form.columns), dtype=np.int32)  # kContinuous
        integrality[form.integer_cols] = int(highspy.HighsVarType.kInteger)
        sense = highspy.ObjSense.kMaximize if form.sense == -1 else highspy.ObjSense.kMinimize
        status = self.highs.passModel(
            len(form.columns), len(form.rows), len(form.a_value), int(highspy.MatrixFormat.kColwise), int(sense),
            form.offset, form.col_cost, form.col_lower, form.col_upper, form.row_lower, form.row_upper,
            form.a_start, form.a_index, form.a_value, integrality)
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS did not accept the compiled model")

    def solve(self, options: SolveOptions | None = None, objective_only: bool = False) -> SolveResult:
        """Run HiGHS, load the values into the Pyomo variables and collect duals (with ``objective_only``, neither:
        the model's variables keep their values, for a re-solve that asks only what the optimum costs)."""
        options = options or SolveOptions()
        h = self.highs
        method = chosen_method(options.method, self.is_mip, len(self.columns), resolve=self.solves > 0)
        for name, value in {**self._options(options), **method_options(method)}.items():
            h.setOptionValue(name, value)
        if self.is_mip and not self._started:
            # HiGHS starts a MILP from the plan it still holds when that plan is feasible (one point looser, or with
            # the caps lifted), and after such a start HiGHS 1.16 with user scaling can report an objective that is
            # not its plan's (US$1.3M off on the default dataset).  A MILP is solved from scratch unless a start
            # was given (set_start), whose objective is then read from the plan itself.
            h.clearSolver()
        start = time.perf_counter()
        h.run()
        self.solves += 1
        solve_s = time.perf_counter() - start
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        outcome = self._outcome(status, has_solution)
        started, self._started = self._started, False
        objective = float(info.objective_function_value) if outcome.usable else None
        if started and outcome.usable:
            objective = self._plan_cost()
        result = SolveResult(
            outcome=outcome,
            solver_status=h.modelStatusToString(status),
            message="" if outcome.usable else f"HiGHS: {h.modelStatusToString(status)}. {_MESSAGES[outcome]}",
            objective_usd=objective,
            is_mip=self.is_mip,
            mip_gap=float(info.mip_gap) if self.is_mip and outcome.usable else None,
            # Options as the user reads them: the absolute MIP gap in USD, before the internal scaling.
            solver={"name": "highs", "version": highs_version(), "method": options.method,
                    "method_used": method, "options": {**options.highs_options(), **self.scaling},
                    "solver_options": dict(options.solver_options),
                    "route": "model lists -> numpy standard form -> highspy.passModel"},
            times_s={"compile": self.compile_s, "solve": solve_s},
        )
        if not outcome.usable or objective_only:
            return result
        solution = h.getSolution()
        self.load_values(solution.col_value)
        start = time.perf_counter()
        if self.is_mip:
            del solution
            result.duals = self._fixed_lp_duals(options)
            proven = outcome is Outcome.OPTIMAL
            result.duals_source = ("milp_fixed" if proven else "milp_fixed_incumbent") if result.duals else ""
        else:
            result.duals, result.duals_source = self._duals(solution.row_dual), "lp"
        result.times_s["duals"] = time.perf_counter() - start
        return result

    def set_start(self, col_value: Sequence[float]) -> None:
        """Give HiGHS ``col_value`` (one value per column) as the next solve's starting solution (a MIP start)."""
        n = len(col_value)
        self.highs.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(col_value, dtype=float))
        self._started = True

    def set_basis(self, col_status: Sequence[int], row_status: Sequence[int]) -> bool:
        """Give HiGHS a basis (HiGHS's status codes per column and per row) to start the next LP solve from.

        Returns False, and sets nothing, when the statuses do not fit the program (another number of rows or columns).
        """
        h = self.highs
        if not col_status or len(col_status) != h.getNumCol() or len(row_status) != h.getNumRow():
            return False
        basis = highspy.HighsBasis()
        basis.col_status = [highspy.HighsBasisStatus(s) for s in col_status]
        basis.row_status = [highspy.HighsBasisStatus(s) for s in row_status]
        basis.valid = True
        h.setBasis(basis)
        return True

    def _plan_cost(self) -> float:
        """The objective of the solution HiGHS holds, from the costs it holds: sum of cost x value, plus the offset.

        After a solve started from a given solution, HiGHS 1.16 with user objective and bound scaling can report an
        ``objective_function_value`` that is not its plan's (measured on the default dataset: US$1.3M below what
        the plan's columns cost), so a started solve reports the plan's own cost.
        """
        n = self.highs.getNumCol()
        _status, _n, cost, _lower, _upper, _nnz = self.highs.getCols(n, np.arange(n, dtype=np.int32))
        x = np.asarray(self.highs.getSolution().col_value, dtype=float)
        return float(np.dot(np.asarray(cost, dtype=float), x) + self.offset)

    def _options(self, options: SolveOptions) -> dict[str, Any]:
        """The HiGHS options of a solve: the user's, and the internal scaling.

        HiGHS compares ``mip_abs_gap`` with the gap of the scaled objective (measured: with objective and bound
        scales 2^-15 and 2^-9 a gap of 1 stopped at US$12M), so the absolute gap in USD is scaled the same way.
        """
        chosen = {**options.highs_options(), **self.scaling, **dict(options.solver_options)}
        exponent = chosen["user_objective_scale"] + chosen["user_bound_scale"]
        chosen["mip_abs_gap"] = chosen["mip_abs_gap"] * 2.0 ** exponent
        return chosen

    @staticmethod
    def _outcome(status: highspy.HighsModelStatus, has_solution: bool) -> Outcome:
        s = highspy.HighsModelStatus
        if status == s.kOptimal:
            return Outcome.OPTIMAL
        if status == s.kInfeasible:
            return Outcome.INFEASIBLE
        if status == s.kUnboundedOrInfeasible:
            # Every flow is bounded by a mine's capacity and every cost term by the flows, so the cost cannot fall
            # without limit: "unbounded or infeasible" means infeasible here.
            return Outcome.INFEASIBLE
        if status == s.kUnbounded:
            return Outcome.UNBOUNDED
        if has_solution and status in (s.kTimeLimit, s.kIterationLimit, s.kSolutionLimit, s.kInterrupt,
                                       s.kObjectiveBound, s.kObjectiveTarget):
            return Outcome.FEASIBLE
        return Outcome.NO_SOLUTION

    def load_values(self, col_value: list[float]) -> None:
        """Set every column's variable to its value in ``col_value`` (HiGHS's list, whose floats the variables then
        keep: no second copy), integer columns rounded."""
        cols = self.integer_cols.tolist()
        for j, rounded in zip(cols, np.round(np.array([col_value[j] for j in cols], dtype=float)).tolist()):
            col_value[j] = rounded
        for var, value in zip(self.columns, col_value):
            var.set_value(value, skip_validation=True)
        # Variables the compiler left out (in no constraint and not in the objective) are at zero in any optimum.
        for var in self._left_out:
            if var.value is None:
                var.set_value(0.0, skip_validation=True)

    def _duals(self, row_dual: list[float]) -> dict[ConstraintData, float]:
        duals: dict[ConstraintData, float] = {}
        for (con, _sign), y in zip(self.rows, row_dual):
            duals[con] = duals.get(con, 0.0) + float(y)
        return duals

    def _fixed_lp_duals(self, options: SolveOptions) -> dict[ConstraintData, float]:
        """Duals of the LP with every integer decision fixed at its value in the plan found ({} if that LP is not
        solved to optimality)."""
        h = self.highs
        cols = self.integer_cols
        values = np.array([round(self.columns[j].value) for j in cols], dtype=float)
        _status, _n, _cost, lower, upper, _nnz = h.getCols(len(cols), cols)  # those columns only, not a copy of the LP
        saved = (np.asarray(lower, dtype=float).copy(), np.asarray(upper, dtype=float).copy())
        continuous = np.zeros(len(cols), dtype=np.uint8)
        h.changeColsIntegrality(len(cols), cols, continuous)
        h.changeColsBounds(len(cols), cols, values, values)
        h.run()
        fixed_ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        duals = self._duals(h.getSolution().row_dual) if fixed_ok else {}
        # Put the MILP back so that the object can be re-solved as it was given.
        h.changeColsBounds(len(cols), cols, saved[0], saved[1])
        h.changeColsIntegrality(len(cols), cols, np.ones(len(cols), dtype=np.uint8))
        return duals

    # In-place changes for re-solves: the live HiGHS object keeps its basis, so the next solve starts warm.

    def set_row_bounds(self, con: ConstraintData, lower: float | None, upper: float | None) -> None:
        """Change constraint ``con``'s bounds in the Pyomo model and in the HiGHS rows compiled from it, in place.

        ``lower``/``upper`` are the bounds on the constraint's body (``None``: unbounded; both ``None`` frees the row
        and deactivates the constraint); a body's constant, if any, is taken into account.  A constraint the compiler left out (no variables) is left out still.
        """
        if lower is None and upper is None:
            con.deactivate()  # Pyomo has no unbounded constraint; the HiGHS row is made free below
        else:
            con.set_value((lower, con.body, upper))
            con.activate()
        rows = self.row_index.get(id(con))
        if not rows:
            return
        for i in rows:
            constant = float(self.row_constant[i])
            lo = -INF if lower is None else lower - constant
            up = INF if upper is None else upper - constant
            self.highs.changeRowBounds(i, lo, up)


def solve_model(model: pyo.ConcreteModel, options: SolveOptions | None = None) -> SolveResult:
    """Solve ``model`` with HiGHS; the one entry point the rest of paxsilica uses."""
    return HighsProgram(model).solve(options)
