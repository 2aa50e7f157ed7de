"""Read the linear terms of Pyomo expressions: one expression at a time by walking it, or the bodies of a whole model
at once with numpy.

The model's constraints and cost terms are ``LinearExpression`` s of variables and ``coef * variable`` terms
(:func:`optimizer.model.network.linear`).  :class:`Bodies` puts the arguments of every body end to end and sorts
them by class in bulk: variables and monomials, nearly all of them, become (variable id, coefficient, row) entries
with numpy, without a Python step per term; constants and any other expression are walked where they stand
(:class:`_Terms`), so that the entries come out in the order a walk of each body would give them.

Expressions other than sums, products and negations with constant factors, variables and named expressions are
handed to Pyomo's ``LinearRepnVisitor``, so the result is right for any linear model; ``fallbacks`` counts them.
"""

from __future__ import annotations

from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pyomo.core as pyo
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
    """Flat lists of (variable, coefficient) read from expressions by walking them."""

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


# What an argument of a body is, by its class: the bulk of them are variables and ``coef * variable`` terms.
_MONO, _VAR, _NUMBER, _OTHER = 0, 1, 2, 3


def _kind(cls: type) -> int:
    if cls is MonomialTermExpression:
        return _MONO
    if cls in _NUMBERS:
        return _NUMBER
    return _VAR if issubclass(cls, VarData) else _OTHER


def object_array(items: Any, count: int) -> np.ndarray:
    """A 1-d object array of ``items`` (``np.array`` would look into items that are sequences, such as a scalar
    component)."""
    return np.fromiter(items, dtype=object, count=count)


def _ids_by_address(objects: np.ndarray) -> np.ndarray:
    # CPython's id() of an object is its address, and an object array holds the addresses of its elements: reading
    # the array's buffer as integers gives every id at once, instead of calling id() on each.
    return np.frombuffer(np.ascontiguousarray(objects), dtype=np.intp).astype(np.int64)


def _ids_by_call(objects: np.ndarray) -> np.ndarray:
    return np.fromiter(map(id, objects.tolist()), dtype=np.int64, count=len(objects))


def _addresses_are_ids() -> bool:
    probe = object_array([object(), 1.5, None], 3)
    return _ids_by_address(probe).tolist() == list(map(id, probe))


# ``[id(x) for x in objects]`` of an object array, as int64: read from the array where ids are addresses (CPython).
ids_of = _ids_by_address if _addresses_are_ids() else _ids_by_call


def _floats(values: list) -> np.ndarray:
    try:
        return np.fromiter(values, dtype=float, count=len(values))
    except (TypeError, ValueError):  # a Param or a constant expression as a coefficient
        return np.array([pyo.value(c) for c in values], dtype=float)


class Bodies:
    """The arguments of every row's body, end to end: row 0 is the objective, row i > 0 the i-th constraint kept.

    A body that is not a LinearExpression is its row's one argument (``whole``): it is read as the walk reads it.
    """

    def __init__(self) -> None:
        self.args: list[Any] = []
        self.counts: list[int] = []
        self.whole: list[int] = []

    def add(self, body: Any) -> None:
        if body.__class__ is LinearExpression:
            n, args = body._nargs, body._args_  # Pyomo may share a longer argument list between expressions
            self.args.extend(args if len(args) == n else args[:n])
            self.counts.append(n)
        else:
            self.whole.append(len(self.counts))
            self.args.append(body)
            self.counts.append(1)

    def read(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[float], int]:
        """(variable id, coefficient, row) of each entry, the constant of each row, and the fallbacks: the entries
        in the order the walk of each body in turn gives them.

        The arguments are classified by class in bulk; variables and monomials (nearly all) become entries with
        numpy, and the walk reads only the rest (constants and other expressions), where they stand.
        """
        args, n = self.args, len(self.args)
        class_ids = ids_of(object_array(map(type, args), n))
        kind = np.full(n, _OTHER, dtype=np.int8)
        for cls in (VarData, MonomialTermExpression):  # the bulk of them
            kind[class_ids == id(cls)] = _kind(cls)
        rest = np.flatnonzero(kind == _OTHER)
        if len(rest):
            rest_ids, first = np.unique(class_ids[rest], return_index=True)
            for class_id, p in zip(rest_ids.tolist(), rest[first].tolist()):
                kind[rest[class_ids[rest] == class_id]] = _kind(type(args[p]))
        del class_ids, rest
        start = np.zeros(len(self.counts) + 1, dtype=np.int64)
        np.cumsum(self.counts, out=start[1:])
        whole = start[self.whole]
        kind[whole[kind[whole] == _NUMBER]] = _OTHER  # a constant body: the walk gives its constant, as for a sum

        objects = object_array(args, n)
        ids = ids_of(objects)
        mono = np.flatnonzero(kind == _MONO)
        coef = np.ones(n)
        if len(mono):
            pairs = list(map(attrgetter("_args_"), objects[mono].tolist()))
            ids[mono] = ids_of(object_array(map(itemgetter(1), pairs), len(pairs)))
            coef[mono] = _floats(list(map(itemgetter(0), pairs)))
            del pairs
        del objects
        pos = np.flatnonzero(kind <= _VAR)
        ids, coef = ids[pos], coef[pos]

        constant = [0.0] * len(self.counts)
        side, side_pos = _Terms(), []
        rest = np.flatnonzero(kind >= _NUMBER)
        if len(rest):
            whole_rows = set(self.whole)
            rows = (np.searchsorted(start, rest, side="right") - 1).tolist()
            for p, r, k in zip(rest.tolist(), rows, kind[rest].tolist()):
                if k == _NUMBER:
                    value = args[p]
                else:
                    before = len(side.vars)
                    value = side.walk(args[p])
                    side_pos += [p] * (len(side.vars) - before)
                if r in whole_rows:
                    constant[r] = value
                else:
                    constant[r] += value
        if side.vars:  # the walk's entries go where their argument was
            pos = np.concatenate([pos, np.asarray(side_pos, dtype=np.int64)])
            order = np.argsort(pos, kind="stable")
            pos = pos[order]
            ids = np.concatenate([ids, ids_of(object_array(side.vars, len(side.vars)))])[order]
            coef = np.concatenate([coef, side.coef_array()])[order]
        row = np.searchsorted(start, pos, side="right") - 1
        return ids, coef, row, constant, side.fallbacks
