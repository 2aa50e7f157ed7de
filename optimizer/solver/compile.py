"""Compile a linear Pyomo model to HiGHS's arrays with numpy, from its expressions' argument lists.

The model's constraints and cost terms are ``LinearExpression`` s of variables and ``coef * variable`` terms
(:func:`optimizer.model.network.linear`), so the standard form is already written down in them:
:class:`optimizer.solver.terms.Bodies` reads every body's arguments at once into (variable id, coefficient, row)
arrays, and this module does everything else with numpy (columns, duplicate entries, fixed variables, the CSC
matrix, costs and bounds, read from the variables in bulk), instead of walking every term through Pyomo's generic
``LinearRepnVisitor`` and building the matrix with scipy.

The Pyomo model stays the model of record, and the result is the one Pyomo's ``LinearStandardFormCompiler`` gives
(a test compares both on the example, the default dataset, random networks and models written to reach every
path):

- columns are the variables that appear with a non-zero coefficient and are not fixed, grouped by variable
  component in the order the components first appear (objective first, then the constraints in declaration order),
  each component's variables in index order;
- one row per active constraint with at least one variable (an equality has equal bounds, a range both);
  constants of a body and fixed variables move to the bounds;
- entries of the same variable in one row are summed, in the order they appear, and zeros dropped.

Pyomo internals read (Pyomo 6.8 to 6.10, as pyproject.toml allows): a component's ``_data`` dict, and a variable's
``_lb``, ``_ub``, ``_domain`` and ``_fixed`` slots (what ``VarData.bounds`` and ``VarData.fixed`` read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.var import VarData

from optimizer.solver.terms import Bodies, ids_of, linear_terms, object_array

__all__ = ["StandardForm", "compile_model", "linear_terms"]


@dataclass
class StandardForm:
    """A model as HiGHS takes it: ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper``, min c x.

    ``columns[j]`` is the variable of column j; ``rows[i]`` is (constraint, sign): 0 for an equality, 1 for an
    upper bound only, -1 for a lower bound only, 2 for both.  ``row_constant[i]`` is the constant of the row's body
    (fixed variables included), already moved to the bounds.  ``left_out`` are the model's variables that are not
    columns (in no row and not in the objective, fixed, or with coefficients that cancel).
    """

    columns: list[VarData]
    rows: list[tuple[ConstraintData, int]]
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_constant: np.ndarray
    offset: float
    integer_cols: np.ndarray
    fallbacks: int = 0
    sense: int = 1  # 1 minimise, -1 maximise (``col_cost`` and ``offset`` are as the objective states them)
    stats: dict[str, float] = field(default_factory=dict)
    left_out: list[VarData] = field(default_factory=list)


def _sum_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of each run ``values[starts[k]:starts[k + 1]]``, added left to right.

    The order matters to the last bit: Pyomo's compiler adds a variable's coefficients in the order they appear,
    and numpy's ``add.reduceat`` does not, which would change HiGHS's path on degenerate problems.
    """
    lengths = np.diff(np.r_[starts, len(values)])
    out = values[starts].copy()
    for step in range(1, int(lengths.max()) if len(lengths) else 0):
        longer = np.flatnonzero(lengths > step)
        out[longer] += values[starts[longer] + step]
    return out


def _component_data(comp: Any) -> list[VarData]:
    """``list(comp.values())``, read from the component's dict when that is in index order (it is when the
    component was built from its index set, as every component of this model is; Pyomo's ``_data``, a dict from
    index to data, is read only after that check)."""
    data = getattr(comp, "_data", None)
    if data.__class__ is dict and len(data) == len(comp) and list(data) == list(comp.keys()):
        return list(data.values())
    return list(comp.values())


def _columns(model: pyo.ConcreteModel, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The variables of the entries whose variable ids are ``ids``, in Pyomo's column order (by variable component in
    order of first use, each component's in index order), the position of each entry's variable in them, and the
    model's other variables."""
    components = model.component_objects(pyo.Var, descend_into=True)
    parts = [object_array(data, len(data)) for data in map(_component_data, components)]
    variables = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    component = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    var_ids = ids_of(variables)
    by_id = np.argsort(var_ids, kind="stable")
    loc = np.minimum(np.searchsorted(var_ids[by_id], ids), max(len(variables) - 1, 0))
    if len(ids) and not (var_ids[by_id[loc]] == ids).all():
        raise ValueError("the model's expressions use variables that are not components of the model")
    var = by_id[loc]  # the entry's variable, as its place in `variables`
    del var_ids, by_id, loc
    of_entry = component[var]
    first_use = {int(np.argmax(of_entry == k)): k for k in np.flatnonzero(np.bincount(of_entry, minlength=len(parts)))}
    rank = np.zeros(len(parts), dtype=np.int64)
    rank[[first_use[k] for k in sorted(first_use)]] = np.arange(len(first_use))
    used = np.zeros(len(variables), dtype=bool)
    used[var] = True
    chosen = np.flatnonzero(used)
    chosen = chosen[np.argsort(rank[component[chosen]], kind="stable")]
    position = np.full(len(variables), -1, dtype=np.int64)
    position[chosen] = np.arange(len(chosen))
    return variables[chosen], position[var], variables[~used]


def _own_bounds(bounds: np.ndarray, inf: float) -> np.ndarray | None:
    """Variables' own bounds (an object array of ``_lb`` or ``_ub``; ``None`` = ``inf``) as numbers, or None when
    one is not a plain number (a Param or an expression) or is NaN: then Pyomo reads them, with its own message for
    a bad one."""
    values = np.full(len(bounds), inf)
    given = ids_of(bounds) != id(None)  # most variables have no bound of their own
    if given.any():
        numbers = bounds[given].tolist()
        if not set(map(type, numbers)) <= {int, float}:
            return None
        values[given] = numbers
        if np.isnan(values).any():
            return None
    return values


def _column_bounds(columns: list[VarData], inf: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds and integrality of the columns: ``v.bounds`` and ``v.is_integer()``, read in bulk from
    the slots ``VarData.bounds`` reads (``_lb``, ``_ub``, ``_domain``; a domain is asked once), and per variable
    through Pyomo only where a bound is not a plain number."""
    n = len(columns)
    domains = object_array(map(attrgetter("_domain"), columns), n)
    domain_ids = ids_of(domains)
    lower, upper, integer = np.empty(n), np.empty(n), np.empty(n, dtype=bool)
    todo = np.ones(n, dtype=bool)
    while todo.any():  # once per domain (a handful)
        j = int(np.argmax(todo))
        those = domain_ids == domain_ids[j]
        todo &= ~those
        lo, up = domains[j].bounds()
        lower[those] = -inf if lo is None else lo
        upper[those] = inf if up is None else up
        integer[those] = columns[j].is_integer()
    own_lb = _own_bounds(object_array(map(attrgetter("_lb"), columns), n), -inf)
    own_ub = _own_bounds(object_array(map(attrgetter("_ub"), columns), n), inf)
    if own_lb is None or own_ub is None or (own_lb == inf).any() or (own_ub == -inf).any():
        pairs = [v.bounds for v in columns]  # Pyomo's values, or its message for an invalid bound
        lower = np.array([-inf if lo is None else lo for lo, _ in pairs], dtype=float)
        upper = np.array([inf if up is None else up for _, up in pairs], dtype=float)
    else:
        lower, upper = np.maximum(lower, own_lb), np.minimum(upper, own_ub)
    return lower, upper, integer


def _objective(model: pyo.ConcreteModel) -> Any:
    objectives = list(model.component_data_objects(pyo.Objective, active=True, descend_into=True))
    if len(objectives) != 1:
        raise ValueError(f"expected one active objective, found {len(objectives)}")
    return objectives[0]


def compile_model(model: pyo.ConcreteModel, inf: float = np.inf) -> StandardForm:
    """The standard form of a linear ``model`` (see the module docstring); ``inf`` stands for a missing bound."""
    objective = _objective(model)
    sense = 1 if objective.sense == pyo.minimize else -1
    bodies = Bodies()
    bodies.add(objective.expr)
    cons: list[ConstraintData] = []
    lowers: list[float | None] = []
    uppers: list[float | None] = []
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        if lb is None and ub is None:
            continue  # a free row cannot be written (as Pyomo's compiler does)
        bodies.add(body)
        cons.append(con)
        lowers.append(lb)
        uppers.append(ub)
    ids, coefs, row_of, constants, fallbacks = bodies.read()
    del bodies
    n_con = len(cons)
    counts = np.bincount(row_of, minlength=n_con + 1)[1:]  # entries of each constraint's body
    row_of -= 1  # -1: the objective

    ordered, col, unused = _columns(model, ids)
    del ids

    # Fixed variables are constants: move their terms to the objective offset and the rows' constants.
    fixed = np.fromiter(map(attrgetter("_fixed"), ordered.tolist()), dtype=bool, count=len(ordered))  # .fixed's slot
    offset, row_constant = constants[0], np.asarray(constants[1:], dtype=float)
    if fixed.any():
        value = np.zeros(len(ordered))
        value[fixed] = [v.value or 0.0 for v in ordered[fixed]]
        moved = fixed[col]
        contrib = coefs[moved] * value[col[moved]]
        rows_moved = row_of[moved]
        offset += float(contrib[rows_moved < 0].sum())
        np.add.at(row_constant, rows_moved[rows_moved >= 0], contrib[rows_moved >= 0])
        keep = ~moved
        col, coefs, row_of = col[keep], coefs[keep], row_of[keep]

    # Sum duplicate entries, drop zeros; then keep the columns that still have an entry (renumbered in order).  The
    # entries are in row order (the objective first), so a stable sort by column sorts them by column, then row.
    order = np.argsort(col, kind="stable")
    key = col[order] * (n_con + 1) + (row_of[order] + 1)
    coefs = coefs[order]
    del order, col, row_of
    if len(key):
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        coefs = _sum_runs(coefs, starts)
        key = key[starts]
    nonzero = coefs != 0.0
    key, coefs = key[nonzero], coefs[nonzero]
    col, row_of = key // (n_con + 1), key % (n_con + 1) - 1
    del key
    used = np.zeros(len(ordered), dtype=bool)
    used[col] = True
    used &= ~fixed
    columns = ordered[used].tolist()
    col = (np.cumsum(used) - 1)[col]
    n = len(columns)

    is_obj = row_of < 0
    cost = np.bincount(col[is_obj], weights=coefs[is_obj], minlength=n).astype(float)
    in_rows = ~is_obj
    a_col, a_row, a_val = col[in_rows], row_of[in_rows], coefs[in_rows]  # sorted by column, then row
    lower = np.array([-inf if x is None else x for x in lowers], dtype=float) - row_constant
    upper = np.array([inf if x is None else x for x in uppers], dtype=float) - row_constant
    # As Pyomo's compiler: a row whose body names a variable is kept, even when its terms cancel or its variables
    # are fixed (then it is empty); a row without any is left out when it holds, and kept, empty, when it does not,
    # so that HiGHS reports the model infeasible.
    holds = (lower <= 1e-9) & (upper >= -1e-9)
    kept_rows = np.flatnonzero((counts > 0) | ~holds)
    new_row = np.full(n_con, -1, dtype=np.int64)
    new_row[kept_rows] = np.arange(len(kept_rows))
    a_row = new_row[a_row]
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a_col, minlength=n), out=start[1:])

    rows = []
    for i in kept_rows.tolist():
        lo, up = lowers[i], uppers[i]
        rows.append((cons[i], 0 if lo is not None and lo == up else (1 if lo is None else (-1 if up is None else 2))))

    col_lower, col_upper, integer = _column_bounds(columns, inf)
    return StandardForm(
        columns=columns, rows=rows, a_start=start.astype(np.int32), a_index=a_row.astype(np.int32),
        a_value=a_val.astype(float), col_cost=cost, col_lower=col_lower,
        col_upper=col_upper, row_lower=lower[kept_rows], row_upper=upper[kept_rows],
        row_constant=row_constant[kept_rows], offset=float(offset),
        integer_cols=np.flatnonzero(integer).astype(np.int32),
        fallbacks=fallbacks, sense=sense, left_out=unused.tolist() + ordered[~used].tolist(),
    )
