"""Re-solve one compiled program for cases that differ only in numbers: prices, demand, capacities, cap shares.

Building the Pyomo model and compiling it to HiGHS's arrays is most of the work of a small solve.  Cases with the
same *structure* (the same sets, arcs, cap scopes and the same coefficients other than those listed below) share it:
:class:`ReusableProgram` loads each case's numbers into the live model and HiGHS object and re-solves, warm started
from a given basis (LP) or incumbent (MILP).

What a re-solve may change (everything else is part of :func:`structure_signature`):

- every cost and price: the cost terms are rebuilt from the data and the objective recompiled (prices, opex, capex,
  lifetimes and period weights (on a pathway, where they decide which periods capacity runs in, they are
  structure), discount rate, transport, tariffs (not the penalties of unmet demand: the operating states hold them);
- every right-hand side and variable bound that the model declares to follow from the data
  (:mod:`optimizer.model.bounds`): mine and refinery capacities, demand, market and arc limits, cap shares
  (``max_share * demand`` in scope), ``max_t`` of ore arcs.  The families are not listed here: they are read from
  the model's declarations, and a model with an undeclared family is refused (a stale right-hand side would
  otherwise be reused without a word).

The Pyomo model is kept in step (cost terms, constraint bounds, parameters), so the result tables read from it
after a re-solve are those of the case loaded.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.repn.linear import LinearRepnVisitor

from optimizer.io.data import ModelData
from optimizer.model import build_model, rebuild_costs
from optimizer.model.bounds import undeclared
from optimizer.model.linking import link_signature
from optimizer.model.objective import add_objective
from optimizer.solver.highs import INF, HighsProgram, Outcome, SolveOptions
from optimizer.solver.marginals import measure_cap_marginals
from optimizer.solver.results import dependence_table
from optimizer.solver.run import CaseRun, extract_run


def structure_signature(data: ModelData) -> str:
    """A hash of everything a re-solve cannot change: two cases with the same signature share one program."""
    # On a pathway the lifetime and an announced start decide which periods new capacity runs in: structure.
    refs = {r: (v.country, v.recovery, v.build, v.max_new_tpa, v.min_build_tpa, v.lead_time_yr, v.can_build,
                (v.lifetime_yr, v.earliest_online_year) if data.multi_period else None)
            for r, v in data.refineries.items()}
    parts = (
        data.products, data.periods, data.multi_period,
        sorted(data.years_represented.items()) if data.multi_period else None,
        sorted((k, v.country) for k, v in data.mines.items()), sorted(refs.items()),
        sorted(data.composition.items()), sorted(data.fab_country.items()), data.fab_products,
        sorted(data.demand_t),
        sorted((k, v.max_t is None) for k, v in data.mine_arcs.items()),
        sorted((k, v.max_t is None) for k, v in data.fab_arcs.items()),
        sorted((k, c.stage, sorted(c.supplier_countries), sorted(c.products), sorted(c.fabs))
               for k, c in data.caps.items()),
        sorted((k, v.max_t is None, v.product, sorted(v.sellers or ())) for k, v in data.markets.items()),
        sorted((r, v.fab_grade_max_t is None) for r, v in data.refineries.items()),
        # Two-stage plans: what each disruption stops, whether it must be survived, and its duration (a
        # coefficient of Stock_Cover); which stockpiles serve which fabs.
        sorted((k, d.scope.stage, sorted(d.scope.supplier_countries), sorted(d.scope.products), sorted(d.scope.fabs),
                d.must_survive, d.duration_months, d.period, sorted(d.removed_nodes), sorted(d.removed_lanes))
               for k, d in data.disruptions.items()),
        sorted((k, v.product, sorted(v.fabs), v.max_t is None) for k, v in data.stockpiles.items()),
        # Penalties are read from the model's operating states, built once (optimizer.model.network.Operations):
        # their values are structure, and so are the wafer starts a tonne serves (the coefficients of
        # optimizer.model.wafer_loss's links).
        sorted((k, data.disruption_penalty_usd_per_t(*k)) for k in data.fab_products) if data.disruptions else (),
        sorted(data.unmet_penalty_usd_per_t.items(), key=lambda kv: kv[0]), sorted(data.wafer_starts_per_t.items()),
        link_signature(data),  # the coefficients of the lumpy links (optimizer.model.linking)
        # Mines as investments: which can be built, how (the same structure as a refinery's build columns).
        sorted((k, v.expansion.build, v.expansion.max_new, v.expansion.min_build, v.expansion.lead_time_yr,
                (v.expansion.lifetime_yr, v.expansion.earliest_online_year) if data.multi_period else None)
               for k, v in data.mines.items() if v.expansion.can_build),
        # Purifiers: which exist, where, their recoveries (coefficients), arcs and builds.
        sorted((k, v.country, v.recovery, v.expansion.build, v.expansion.max_new, v.expansion.min_build,
                v.expansion.lead_time_yr, v.expansion.can_build,
                (v.expansion.lifetime_yr, v.expansion.earliest_online_year) if data.multi_period else None)
               for k, v in data.purifiers.items()),
        sorted(data.purify_arcs), sorted(data.purified_arcs),
        # Upgrades: which lines can be built, how.
        sorted((k, v.refinery, v.product, v.expansion.build, v.expansion.max_new, v.expansion.min_build,
                v.expansion.lead_time_yr, v.expansion.can_build,
                (v.expansion.lifetime_yr, v.expansion.earliest_online_year) if data.multi_period else None)
               for k, v in data.upgrades.items()),
        # Product slates: which lines exist, their recoveries (coefficients), which limits they have, when they run.
        sorted((k, v.recovery, v.max_t is None, v.fab_grade_max_t is None, v.online_year, v.by_upgrade)
               for k, v in data.refinery_products.items()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True)
class WarmStart:
    """Where a re-solve starts: an LP basis (column and row statuses) or a MILP incumbent (column values)."""

    col_status: tuple[int, ...] = ()
    row_status: tuple[int, ...] = ()
    col_value: tuple[float, ...] = ()


def _linear(expr: Any) -> tuple[dict[int, float], float]:
    repn = LinearRepnVisitor({}).walk_expression(expr)
    return dict(repn.linear), float(repn.constant)


class ReusableProgram:
    """One case's model and HiGHS program, re-solvable for any case with the same structure signature."""

    def __init__(self, data: ModelData) -> None:
        start = time.perf_counter()
        self.model = build_model(data)
        self.build_s = time.perf_counter() - start
        self.program = HighsProgram(self.model)
        self.signature = structure_signature(data)
        self.data = data
        self.cost_terms = list(self.model.cost_terms)
        missing = undeclared(self.model)
        if missing:
            raise RuntimeError("cannot re-solve: the model's families " + ", ".join(missing) + " do not declare how "
                               "their bounds follow from the data (optimizer.model.bounds)")

    def accepts(self, data: ModelData) -> bool:
        return structure_signature(data) == self.signature

    # --- loading a case's numbers -----------------------------------------------------------------------------

    def load(self, data: ModelData) -> None:
        """Make the model and the HiGHS object those of ``data`` (same structure), setting every number absolutely."""
        if not self.accepts(data):
            raise ValueError("the case's structure differs from the program's: build a new program")
        self._load_costs(data)
        self._load_bounds(data)
        self.data = data

    def _load_costs(self, data: ModelData) -> None:
        m, prog = self.model, self.program
        rebuild_costs(m, data)
        if list(m.cost_terms) != self.cost_terms:
            raise RuntimeError(f"cost terms rebuilt as {list(m.cost_terms)}, expected {self.cost_terms}")
        m.del_component(m.Total_Cost)
        add_objective(m, data)
        linear, constant = _linear(m.Total_Cost.expr)
        cost = np.zeros(len(prog.columns))
        for vid, coef in linear.items():
            cost[prog.col_index[vid]] = coef
        prog.highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        prog.highs.changeObjectiveOffset(constant)
        prog.offset = constant

    def _load_bounds(self, data: ModelData) -> None:
        """Set every declared right-hand side and variable bound from ``data``."""
        m, prog = self.model, self.program
        rows, lower, upper = [], [], []
        for component in m.component_objects(pyo.Constraint, active=True, descend_into=True):
            rule = m.rhs_rules[component.name]
            if rule is None:
                continue
            for index, con in component.items():
                value = rule(data, index if isinstance(index, tuple) else (index,))
                con.set_value((value if con.equality else None, con.body, value))
                for i in prog.row_index.get(id(con), []):
                    constant = float(prog.row_constant[i])  # the body's constant, kept by the compile
                    rows.append(i)
                    lower.append(value - constant if con.equality else -INF)
                    upper.append(INF if value is None else value - constant)
        if rows:
            prog.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), np.array(rows, dtype=np.int32), np.array(lower), np.array(upper))
        cols, col_lower, col_upper = [], [], []
        for component in m.component_objects(pyo.Var, descend_into=True):
            bounds_of = m.var_bound_rules[component.name]
            if bounds_of is None:
                continue
            for index, var in component.items():
                lb, ub = bounds_of(data, index if isinstance(index, tuple) else (index,))
                var.setlb(lb)
                var.setub(ub)
                j = prog.col_index.get(id(var))
                if j is not None:
                    cols.append(j)
                    col_lower.append(-INF if lb is None else lb)
                    col_upper.append(INF if ub is None else ub)
        if cols:
            idx = np.array(cols, dtype=np.int32)
            prog.highs.changeColsBounds(len(idx), idx, np.array(col_lower, dtype=float),
                                        np.array(col_upper, dtype=float))

    # --- solving --------------------------------------------------------------------------------------------

    def warm_start(self) -> WarmStart:
        """The point the last solve ended at, to start later re-solves from."""
        h = self.program.highs
        if self.program.is_mip:
            return WarmStart(col_value=tuple(float(v) for v in h.getSolution().col_value))
        basis = h.getBasis()
        return WarmStart(col_status=tuple(int(s) for s in basis.col_status),
                         row_status=tuple(int(s) for s in basis.row_status))

    def solve(self, data: ModelData, options: SolveOptions | None = None, warm: WarmStart | None = None) -> CaseRun:
        """Solve ``data`` on this program (loading its numbers first) and extract the result tables.

        HiGHS's own state is cleared first, so the result depends only on the case and ``warm``, not on what was
        solved before on this program.
        """
        start = time.perf_counter()
        if data is not self.data:
            self.load(data)
        h = self.program.highs
        h.clearSolver()
        if warm is not None:
            self._set_warm(warm)
        loaded = time.perf_counter()
        result = self.program.solve(options)
        result.times_s["load"] = loaded - start
        run = extract_run(self.model, data, result, start)
        if run.ok and data.caps and result.outcome is Outcome.OPTIMAL and result.objective_usd is not None:
            # As solve_case does, so that a re-solved case reports what a single solve would.
            run.caps = measure_cap_marginals(self.program, data, run.caps, result.objective_usd, options)
            run.tables["dependence"] = dependence_table(run.caps)
        return run

    def _set_warm(self, warm: WarmStart) -> None:
        if warm.col_value and len(warm.col_value) == len(self.program.columns):
            self.program.set_start(warm.col_value)
        else:
            self.program.set_basis(warm.col_status, warm.row_status)


