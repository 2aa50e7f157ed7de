"""One compiled program for near-optimal alternatives: the optimum, then each group's least and most new capacity
within a cost bound, re-solved warm with only the objective changed.

The optimum is solved first (cost ``C*``).  One row is then added to the HiGHS program, the *cost row*: the
objective's own coefficients, ``sum_j c_j x_j + offset <= C* + slack * |C*|`` (``(1 + slack) C*`` when the optimum
costs something; the absolute value keeps the bound above the optimum when co-product sales make it negative).
Every other row and bound of the model stays as it is (the caps included).  Each *extreme* (a group's least or
most new capacity) replaces the objective by that group's capacity (``+1`` or ``-1`` on its columns, nothing
elsewhere) and re-solves:

- an LP from the optimum's basis (the cost row basic), so that every extreme starts from the same point and its
  answer does not depend on which extremes were solved before it, or on which process solved it;
- a MILP (lumpy builds) as a MILP with the cost row added, from scratch (see :meth:`NearOptimalProgram.warm_start`).

The Pyomo model is not changed (it stays the model of the optimum); HiGHS's internal objective scale is set to none
for the extremes (their objective is in t/yr, about 1 per column), and a MILP extreme stops within ``GAP_T``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np
from pyomo.repn.linear import LinearRepnVisitor

from optimizer.analysis.alternatives_groups import BuildOption, Group, build_options, groups
from optimizer.io.data import ModelData
from optimizer.model import build_model
from optimizer.solver.highs import INF, HighsProgram, SolveOptions
from optimizer.solver.results import realised_shares
from optimizer.solver.reuse import WarmStart
from optimizer.solver.run import china_reference

GAP_T = 1e-6  # a MILP extreme stops when it is proven within this many t/yr of the true least or most
LEAST, MOST = "least", "most"


@dataclass(frozen=True)
class ExtremeOptions(SolveOptions):
    """The solve options of an extreme: the user's, with the MILP's absolute gap in t/yr (``GAP_T``) instead of
    the 1 USD of a cost objective, and for an LP (``primal``) the primal simplex method unless the user chose one.

    The optimum's basis stays primal feasible when the objective changes (the cost row is basic): the primal simplex
    method goes on from it, where HiGHS's default (dual) starts again (measured on the generated case at 27,000
    variables: 200 iterations and 0.3 s an extreme, against 7,000 and 8 s).
    """

    primal: bool = False

    def highs_options(self) -> dict[str, Any]:
        options = super().highs_options()
        options["mip_abs_gap"] = GAP_T
        given = dict(self.solver_options)
        if self.primal and "simplex_strategy" not in given:
            options["simplex_strategy"] = 4  # primal
        if not self.primal and "presolve" not in given:
            # HiGHS 1.16's presolve of the default dataset's MILP with the cost row ran past any time limit (killed
            # after 100 s); without it each extreme took about 3 s.
            options["presolve"] = "off"
        return options


def extreme_options(options: SolveOptions, is_mip: bool = False) -> ExtremeOptions:
    """``options`` as :class:`ExtremeOptions` (of an LP unless ``is_mip``)."""
    return ExtremeOptions(time_limit=options.time_limit, mip_gap=options.mip_gap, threads=options.threads,
                          log=options.log, method=options.method, solver_options=options.solver_options,
                          primal=not is_mip)


@dataclass
class Plan:
    """One solved plan: the optimum or an extreme.

    ``option_tpa[i]`` is the new capacity of build option i (:attr:`NearOptimalProgram.options`), t/yr;
    ``china_share`` is China's share of demand per period (:func:`optimizer.solver.results.realised_shares`).
    """

    status: str
    cost_usd: float | None = None
    option_tpa: tuple[float, ...] = ()
    china_share: dict[int, float] = field(default_factory=dict)
    solve_s: float = 0.0

    @property
    def usable(self) -> bool:
        return self.cost_usd is not None

    def group_tpa(self, group_options: list[int]) -> float | None:
        """The new capacity of a group (its options' indices), t/yr; None without a plan."""
        return sum(self.option_tpa[i] for i in group_options) if self.usable else None


def _linear(expr: Any) -> tuple[dict[int, float], float]:
    repn = LinearRepnVisitor({}).walk_expression(expr)
    return {int(k): float(v) for k, v in repn.linear.items()}, float(repn.constant)


class NearOptimalProgram:
    """A case's model compiled once, with its build options and groups, re-solvable for each extreme."""

    def __init__(self, data: ModelData, by: str = "country", period: int | None = None) -> None:
        start = time.perf_counter()
        self.data = data
        self.model = build_model(data)
        self.program = HighsProgram(self.model)
        self.options: list[BuildOption] = build_options(self.model, data)
        self.groups: list[Group] = groups(self.options, by, period)
        index = {id(o): i for i, o in enumerate(self.options)}
        self.members = [[index[id(o)] for o in g.options] for g in self.groups]
        h = self.program.highs
        n = h.getNumCol()
        _status, _n, cost, _lower, _upper, _nnz = h.getCols(n, np.arange(n, dtype=np.int32))
        self.cost = np.asarray(cost, dtype=float).copy()
        self.offset = float(self.program.offset)
        self._terms = [self._columns_of(o.expr) for o in self.options]
        self.cost_row = False
        self.build_s = time.perf_counter() - start

    def _columns_of(self, expr: Any) -> tuple[np.ndarray, np.ndarray, float]:
        """An expression's columns and coefficients (variables that are not columns are always 0)."""
        linear, constant = _linear(expr)
        col_index = self.program.col_index
        pairs = [(col_index[v], c) for v, c in linear.items() if v in col_index]
        cols = np.array([j for j, _ in pairs], dtype=np.int32)
        return cols, np.array([c for _, c in pairs], dtype=float), constant

    # --- the optimum ------------------------------------------------------------------------------------------

    def solve_optimum(self, options: SolveOptions) -> tuple[Plan, WarmStart | None]:
        """Solve the case itself; the plan and where the extremes start from (None without a plan)."""
        result = self.program.solve(options, objective_only=True)
        if not result.outcome.usable or result.objective_usd is None:
            return Plan(str(result.outcome)), None
        x = np.asarray(self.program.highs.getSolution().col_value, dtype=float)
        plan = self._plan(x, str(result.outcome), result.times_s.get("solve", 0.0), cost=result.objective_usd)
        return plan, self.warm_start(x)

    def warm_start(self, x: np.ndarray) -> WarmStart:
        """The optimum's basis, with a slot for the cost row, basic (an LP); nothing for a MILP.

        A MILP extreme is solved from scratch: HiGHS 1.16 started from the optimal plan (which meets the cost row)
        reported it optimal for an extreme without improving on it (the hand case's lumpy variant: JPN's most at
        100 t/yr, where 101.35 is reachable and found from scratch).
        """
        if self.program.is_mip:
            return WarmStart()
        basis = self.program.highs.getBasis()
        return WarmStart(col_status=tuple(int(s) for s in basis.col_status),
                         row_status=tuple(int(s) for s in basis.row_status) + (int(highspy.HighsBasisStatus.kBasic),))

    # --- the extremes -----------------------------------------------------------------------------------------

    def add_cost_row(self, bound_usd: float) -> None:
        """Hold the plan's cost at or below ``bound_usd`` (once), and keep HiGHS's objective unscaled from now."""
        if self.cost_row:
            raise RuntimeError("the cost row is already in the program")
        nz = np.flatnonzero(self.cost).astype(np.int32)
        self.program.highs.addRow(-INF, bound_usd - self.offset, len(nz), nz, self.cost[nz])
        self.program.scaling = {**self.program.scaling, "user_objective_scale": 0}
        # The extremes are re-solves from the optimum: the simplex method (HiGHS's choice) where "auto" is asked.
        self.program.solves = max(self.program.solves, 1)
        self.cost_row = True

    def solve_extreme(self, group: int, sense: str, warm: WarmStart, options: ExtremeOptions) -> Plan:
        """The plan with the least (``sense`` ``"least"``) or most new capacity of ``group`` within the cost row."""
        if not self.cost_row:
            raise RuntimeError("add the cost row first")
        h = self.program.highs
        objective = np.zeros(len(self.cost))
        sign = 1.0 if sense == LEAST else -1.0
        for i in self.members[group]:
            cols, coefs, _constant = self._terms[i]
            np.add.at(objective, cols, sign * coefs)
        h.changeColsCost(len(objective), np.arange(len(objective), dtype=np.int32), objective)
        h.changeObjectiveOffset(0.0)
        h.clearSolver()
        self.program.set_basis(warm.col_status, warm.row_status)
        result = self.program.solve(options, objective_only=True)
        if not result.outcome.usable:
            return Plan(str(result.outcome), solve_s=result.times_s.get("solve", 0.0))
        x = np.asarray(h.getSolution().col_value, dtype=float)
        return self._plan(x, str(result.outcome), result.times_s.get("solve", 0.0))

    # --- what a plan is -----------------------------------------------------------------------------------------

    def _plan(self, x: np.ndarray, status: str, solve_s: float, cost: float | None = None) -> Plan:
        """The plan of column values ``x``: its cost (the objective's, unless given), builds and China's share."""
        tpa = []
        for cols, coefs, constant in self._terms:
            value = float(np.dot(coefs, x[cols])) + constant if len(cols) else constant
            tpa.append(value if abs(value) > 1e-9 else 0.0)
        if cost is None:
            cost = float(np.dot(self.cost, x)) + self.offset
        return Plan(status, cost, tuple(tpa), self._china_share(x), solve_s)

    def _china_share(self, x: np.ndarray) -> dict[int, float]:
        """China's share of demand per period in plan ``x`` (the measure every command reports)."""
        ref = china_reference(self.data)
        if ref is None:
            return {}
        self.program.load_values(x.tolist())  # the one definition reads the model's variables
        return {t: touched / demand if demand > 1e-9 else 0.0
                for t, (touched, _delivered, demand) in realised_shares(self.model, self.data, ref).items()}


def cost_bound(optimum_usd: float, slack: float, slack_usd: float | None = None) -> float:
    """The most a near-optimal plan may cost: the optimum plus ``slack_usd`` where given, else plus ``slack`` times
    its magnitude."""
    return optimum_usd + (slack_usd if slack_usd is not None else slack * abs(optimum_usd))


@dataclass(frozen=True)
class ExtremesTask:
    """Extremes for one process to solve: the case, and what the main process found (picklable)."""

    data: ModelData
    by: str
    period: int | None
    bound_usd: float
    warm: WarmStart
    options: ExtremeOptions
    extremes: tuple[tuple[int, str], ...]


def solve_extremes(task: ExtremesTask, program: NearOptimalProgram | None = None) -> list[Plan]:
    """Solve ``task``'s extremes on ``program`` (with its cost row), or on a program of its own (a worker)."""
    if program is None:
        program = NearOptimalProgram(task.data, task.by, task.period)
        program.add_cost_row(task.bound_usd)
    return [program.solve_extreme(g, sense, task.warm, task.options) for g, sense in task.extremes]


def for_extremes(task: ExtremesTask, extremes: tuple[tuple[int, str], ...]) -> ExtremesTask:
    """The same task for other extremes."""
    return replace(task, extremes=extremes)


__all__ = ["LEAST", "MOST", "ExtremeOptions", "ExtremesTask", "NearOptimalProgram", "Plan", "cost_bound",
           "extreme_options", "solve_extremes"]
