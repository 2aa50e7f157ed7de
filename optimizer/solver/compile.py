"""Compile a linear Pyomo model to HiGHS's arrays by reading its expressions' argument lists, with numpy.

The model's constraints and cost terms are built as ``LinearExpression`` s from lists of variables and
``coef * variable`` terms (:func:`optimizer.model.network.linear`), so the standard form is already written down in
them: this module reads each expression's arguments once into flat lists (variables, coefficients, row numbers) and
does everything else (columns, duplicate entries, fixed variables, the CSC matrix, costs and bounds) with numpy,
instead of walking every term through Pyomo's generic ``LinearRepnVisitor`` and building the matrix with scipy.

The Pyomo model stays the model of record, and the result is the one Pyomo's ``LinearStandardFormCompiler`` gives
(a test compares both on the example, the default dataset and random networks):

- columns are the variables that appear with a non-zero coefficient and are not fixed, grouped by variable
  component in the order the components first appear (objective first, then the constraints in declaration order),
  each component's variables in index order;
- one row per active constraint with at least one variable (an equality has equal bounds, a range both);
  constants of a body and fixed variables move to the bounds;
- entries of the same variable in one row are summed, and zeros dropped.

Expressions other than sums, products and negations with constant factors, variables and named expressions (none
in this model today) are handed to Pyomo's visitor, so the result is right for any linear model; ``fallbacks``
counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import (
    DivisionExpression,
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.repn.linear import LinearRepnVisitor

_NUMBERS = (int, float)
_SUMS = (LinearExpression, SumExpression)


def _is_constant(expr: Any) -> bool:
    return expr.__class__ in _NUMBERS or not expr.is_potentially_variable()


class _Terms:
    """Flat lists of (variable, coefficient) read from expressions, with the row each belongs to."""

    __slots__ = ("vars", "coefs", "fallbacks")

    def __init__(self) -> None:
        self.vars: list[VarData] = []
        self.coefs: list[Any] = []
        self.fallbacks = 0

    def walk(self, expr: Any, scale: float = 1.0) -> float:
        """Append the linear terms of ``scale * expr``; return its constant."""
        cls = expr.__class__
        if cls is LinearExpression and scale == 1.0:
            return self._linear(expr._args_[: expr._nargs])
        if cls in _NUMBERS:
            return scale * expr
        if cls is MonomialTermExpression:
            coef, var = expr._args_
            self.vars.append(var)
            self.coefs.append(coef if scale == 1.0 else scale * pyo.value(coef))
            return 0.0
        if isinstance(expr, VarData):
            self.vars.append(expr)
            self.coefs.append(scale)
            return 0.0
        if isinstance(expr, _SUMS):
            return sum(self.walk(arg, scale) for arg in expr._args_[: expr._nargs])
        if cls is NegationExpression:
            return self.walk(expr._args_[0], -scale)
        if cls is ProductExpression:
            left, right = expr._args_
            if _is_constant(left):
                return self.walk(right, scale * pyo.value(left))
            if _is_constant(right):
                return self.walk(left, scale * pyo.value(right))
        elif cls is DivisionExpression:
            num, den = expr._args_
            if _is_constant(den):
                return self.walk(num, scale / pyo.value(den))
        elif not expr.is_potentially_variable():
            return scale * pyo.value(expr)
        elif expr.is_named_expression_type():
            return self.walk(expr.expr, scale)
        return self._fallback(expr, scale)

    def _linear(self, args: list) -> float:
        """The hot path: a LinearExpression of variables and monomials, as the model parts build them."""
        vs, cs = self.vars, self.coefs
        constant = 0.0
        mono = MonomialTermExpression
        for arg in args:
            cls = arg.__class__
            if cls is mono:
                coef, var = arg._args_
                vs.append(var)
                cs.append(coef)
            elif cls in _NUMBERS:
                constant += arg
            elif isinstance(arg, VarData):
                vs.append(arg)
                cs.append(1.0)
            else:
                constant += self.walk(arg)
        return constant

    def _fallback(self, expr: Any, scale: float) -> float:
        self.fallbacks += 1
        repn = LinearRepnVisitor({}).walk_expression(expr)
        if repn.nonlinear is not None:
            raise ValueError(f"expression is not linear: {expr}")
        for var_id, coef in repn.linear.items():
            self.vars.append(repn_var(var_id, expr))
            self.coefs.append(scale * coef)
        return scale * float(repn.constant)

    def coef_array(self) -> np.ndarray:
        try:
            return np.fromiter(self.coefs, dtype=float, count=len(self.coefs))
        except (TypeError, ValueError):  # a Param or a constant expression as a coefficient
            return np.array([pyo.value(c) for c in self.coefs], dtype=float)


def repn_var(var_id: int, expr: Any) -> VarData:
    """The variable of ``expr`` whose id is ``var_id`` (Pyomo's visitor keys its terms by id)."""
    from pyomo.core.expr.visitor import identify_variables

    for var in identify_variables(expr, include_fixed=True):
        if id(var) == var_id:
            return var
    raise KeyError(var_id)


def linear_terms(expr: Any) -> tuple[list[VarData], np.ndarray, float]:
    """(variables, coefficients, constant) of a linear expression; a variable may appear more than once."""
    terms = _Terms()
    constant = terms.walk(expr)
    return terms.vars, terms.coef_array(), float(constant)


def expression_value(expr: Any) -> float:
    """``pyo.value(expr)`` to the last bit, read with numpy for a LinearExpression of variables and monomials.

    Pyomo evaluates such a sum as ``coef * value`` per term, added left to right with ``sum()``: the same products,
    added by the same ``sum()``, give the same number whichever Python runs.  Anything else is evaluated by Pyomo.
    """
    if expr.__class__ is not LinearExpression or not expr.nargs():
        return float(pyo.value(expr))
    terms = _Terms()
    args = expr._args_[: expr._nargs]
    if terms._linear(args) != 0.0 or len(terms.vars) != len(args):
        return float(pyo.value(expr))  # a constant among the terms: keep Pyomo's order of additions
    values = [v.value for v in terms.vars]
    if any(x is None for x in values):
        return float(pyo.value(expr))  # Pyomo's error for an unset variable
    products = (terms.coef_array() * np.array(values, dtype=float)).tolist()
    rest = iter(products)
    return float(sum(rest, start=next(rest)))


@dataclass
class StandardForm:
    """A model as HiGHS takes it: ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper``, min c x.

    ``columns[j]`` is the variable of column j; ``rows[i]`` is (constraint, sign): 0 for an equality, 1 for an
    upper bound only, -1 for a lower bound only, 2 for both.  ``row_constant[i]`` is the constant of the row's body
    (fixed variables included), already moved to the bounds.
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


def _column_bounds(columns: list[VarData], inf: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds and integrality of the columns: ``v.bounds`` and ``v.is_integer()``, read from the
    variables' own bounds and domains in bulk (a domain is asked once), per variable only where a bound is not a
    plain number."""
    n = len(columns)
    own_lb = [v._lb for v in columns]
    own_ub = [v._ub for v in columns]
    domains = [v._domain for v in columns]
    info: dict[int, tuple[float, float]] = {}
    for d in domains:
        if id(d) not in info:
            lo, up = d.bounds()
            info[id(d)] = (-inf if lo is None else lo, inf if up is None else up)
    dom_index = {k: i for i, k in enumerate(info)}
    code = np.fromiter((dom_index[id(d)] for d in domains), dtype=np.int64, count=n)
    table = np.array(list(info.values()), dtype=float).reshape(-1, 2)
    lower, upper = table[code, 0], table[code, 1]
    numbers = (int, float)
    plain = all(b is None or b.__class__ in numbers for b in own_lb) and all(
        b is None or b.__class__ in numbers for b in own_ub)
    if plain:
        lb = np.array([-inf if b is None else b for b in own_lb], dtype=float)
        ub = np.array([inf if b is None else b for b in own_ub], dtype=float)
        if np.isnan(lb).any() or np.isnan(ub).any() or (lb == inf).any() or (ub == -inf).any():
            plain = False  # Pyomo's own message for an invalid bound, below
        else:
            lower, upper = np.maximum(lower, lb), np.minimum(upper, ub)
    if not plain:
        pairs = [v.bounds for v in columns]
        lower = np.array([-inf if lo is None else lo for lo, _ in pairs], dtype=float)
        upper = np.array([inf if up is None else up for _, up in pairs], dtype=float)
    first: dict[int, int] = {}
    for j, d in enumerate(domains):
        first.setdefault(id(d), j)
    integer_domain = np.fromiter((columns[j].is_integer() for j in first.values()), dtype=np.bool_, count=len(first))
    return lower, upper, integer_domain[code] if n else np.zeros(0, dtype=bool)


def _objective(model: pyo.ConcreteModel) -> Any:
    objectives = list(model.component_data_objects(pyo.Objective, active=True, descend_into=True))
    if len(objectives) != 1:
        raise ValueError(f"expected one active objective, found {len(objectives)}")
    return objectives[0]


def compile_model(model: pyo.ConcreteModel, inf: float = np.inf) -> StandardForm:
    """The standard form of a linear ``model`` (see the module docstring); ``inf`` stands for a missing bound."""
    terms = _Terms()
    objective = _objective(model)
    sense = 1 if objective.sense == pyo.minimize else -1
    offset = terms.walk(objective.expr)
    n_obj = len(terms.vars)

    cons: list[ConstraintData] = []
    counts: list[int] = []
    constants: list[float] = []
    lowers: list[float | None] = []
    uppers: list[float | None] = []
    walk, linear, vs = terms.walk, terms._linear, terms.vars
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        if lb is None and ub is None:
            continue  # a free row cannot be written (as Pyomo's compiler does)
        before = len(vs)
        constant = linear(body._args_[: body._nargs]) if body.__class__ is LinearExpression else walk(body)
        cons.append(con)
        counts.append(len(vs) - before)
        constants.append(constant)
        lowers.append(lb)
        uppers.append(ub)

    coefs = terms.coef_array()
    ids = np.fromiter(map(id, vs), dtype=np.int64, count=len(vs))
    uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    n_con = len(cons)
    row_of = np.repeat(np.arange(-1, n_con, dtype=np.int64), [n_obj, *counts])  # -1: the objective

    # Columns: by variable component in order of first appearance, each in its index order (Pyomo's order).
    owner = np.full(len(uniq), -1, dtype=np.int64)  # position of each unique variable in `ordered`
    ordered: list[VarData] = []
    components = []
    for comp in model.component_objects(pyo.Var, descend_into=True):
        data = list(comp.values())
        if not data:
            continue
        cids = np.fromiter(map(id, data), dtype=np.int64, count=len(data))
        loc = np.minimum(np.searchsorted(uniq, cids), len(uniq) - 1) if len(uniq) else np.zeros(0, dtype=np.int64)
        present = (uniq[loc] == cids) if len(uniq) else np.zeros(len(cids), dtype=bool)
        if present.any():
            components.append((int(first[loc[present]].min()), data, loc, present))
    for _, data, loc, present in sorted(components, key=lambda c: c[0]):
        idx = np.flatnonzero(present)
        owner[loc[idx]] = np.arange(len(ordered), len(ordered) + len(idx))
        ordered.extend(data[i] for i in idx)
    if (owner < 0).any():
        raise ValueError("the model's expressions use variables that are not components of the model")
    col = owner[inverse]

    # Fixed variables are constants: move their terms to the objective offset and the rows' constants.
    fixed = np.fromiter((v.fixed for v in ordered), dtype=bool, count=len(ordered))
    row_constant = np.asarray(constants, dtype=float)
    if fixed.any():
        value = np.array([(v.value or 0.0) if f else 0.0 for v, f in zip(ordered, fixed)], dtype=float)
        moved = fixed[col]
        contrib = coefs[moved] * value[col[moved]]
        rows_moved = row_of[moved]
        offset += float(contrib[rows_moved < 0].sum())
        np.add.at(row_constant, rows_moved[rows_moved >= 0], contrib[rows_moved >= 0])
        keep = ~moved
        col, coefs, row_of = col[keep], coefs[keep], row_of[keep]

    # Sum duplicate entries, drop zeros; then keep the columns that still have an entry (renumbered in order).
    n_all = len(ordered)
    key = col * (n_con + 1) + (row_of + 1)
    order = np.argsort(key, kind="stable")
    key, coefs = key[order], coefs[order]
    if len(key):
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        coefs = _sum_runs(coefs, starts)
        key = key[starts]
    nonzero = coefs != 0.0
    key, coefs = key[nonzero], coefs[nonzero]
    col, row_of = key // (n_con + 1), key % (n_con + 1) - 1
    used = np.zeros(n_all, dtype=bool)
    used[col] = True
    used &= ~fixed
    new_col = np.cumsum(used) - 1
    columns = [v for v, u in zip(ordered, used) if u]
    col = new_col[col]
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
    kept_rows = np.flatnonzero((np.asarray(counts, dtype=np.int64) > 0) | ~holds)
    new_row = np.full(n_con, -1, dtype=np.int64)
    new_row[kept_rows] = np.arange(len(kept_rows))
    a_row = new_row[a_row]
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a_col, minlength=n), out=start[1:])

    signs = []
    rows = []
    for i in kept_rows.tolist():
        lo, up = lowers[i], uppers[i]
        sign = 0 if lo is not None and lo == up else (1 if lo is None else (-1 if up is None else 2))
        rows.append((cons[i], sign))
        signs.append(sign)

    col_lower, col_upper, integer = _column_bounds(columns, inf)
    return StandardForm(
        columns=columns, rows=rows, a_start=start.astype(np.int32), a_index=a_row.astype(np.int32),
        a_value=a_val.astype(float), col_cost=cost, col_lower=col_lower,
        col_upper=col_upper, row_lower=lower[kept_rows], row_upper=upper[kept_rows],
        row_constant=row_constant[kept_rows], offset=float(offset),
        integer_cols=np.flatnonzero(integer).astype(np.int32),
        fallbacks=terms.fallbacks, sense=sense,
    )
