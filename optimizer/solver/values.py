"""A solved model's values, read once per variable family into arrays, for every result table to share.

The result tables, the realised caps, China's share and the checks all read the same families (``Deliver_T`` above
all, one variable per provenance-tagged delivery: most of the model).  Reading a family costs a pass over its
variables; :class:`SolvedValues` makes that pass once per extract and keeps, besides the values in index order,
which of them are not zero: an optimal plan uses a small share of its deliveries (a basic solution has no more
non-zero values than the LP has rows), and the tables and sums run over those only.

Sums over the non-zero values alone are the same to the last bit as sums over all of them, in the same order:
``s + 0.0 == s`` for every ``s`` but ``-0.0``, and a running sum that starts at ``0`` never becomes ``-0.0`` by adding
non-zero numbers (``x + (-x)`` is ``+0.0``).  This holds for Python's compensated ``sum()`` (3.12 on) as well: adding
``0.0`` leaves its compensation term unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


@dataclass
class Family:
    """One variable family's indices and values in index order (an unset value reads 0, ``-0.0`` reads ``0.0``)."""

    keys: list
    values: np.ndarray
    _nonzero: dict | None = field(default=None, repr=False)

    @property
    def nonzero(self) -> dict:
        """index -> value of the variables whose value is not 0, in index order."""
        if self._nonzero is None:
            at = np.flatnonzero(self.values)
            keys = self.keys
            self._nonzero = dict(zip([keys[i] for i in at.tolist()], self.values[at].tolist()))
        return self._nonzero

    def above(self, tol: float) -> list[tuple[Any, float]]:
        """(index, value) of the variables above ``tol``, in index order."""
        return [(k, x) for k, x in self.nonzero.items() if x > tol]


def read_family(component: pyo.Var) -> Family:
    """The indices and values of a variable family, in index order.

    The values are read from the component's ``_data`` dict (index -> variable, what ``component[index]`` looks up):
    in the order of its own entries when that is the index order, as it is for a family built over its index set,
    which spares hashing every index (a tuple of five strings for a delivery) again.  ``_data`` (IndexedComponent)
    and ``_value`` (VarData) are Pyomo internals, the same in Pyomo 6.8 to 6.10 (pyproject.toml: pyomo>=6.8).
    """
    keys = list(component.keys())
    data = component._data
    in_order = len(data) == len(keys) and list(data) == keys  # the same tuples: compared by identity, cheap
    values = [v._value for v in (data.values() if in_order else map(data.__getitem__, keys))]
    if None in values:
        values = [0.0 if x is None else x for x in values]
    # + 0.0 turns -0.0 into 0.0, as ``value or 0.0`` did
    return Family(keys, np.array(values, dtype=float).reshape(len(keys)) + 0.0)


class SolvedValues:
    """The values of a solved model's variable families, each read on first use and then kept.

    Make one per solve: the values are those of the model when each family is first read.
    """

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.model = model
        self._families: dict[int, tuple[pyo.Var, Family]] = {}

    def __getitem__(self, component: pyo.Var) -> Family:
        kept = self._families.get(id(component))
        if kept is None or kept[0] is not component:
            kept = self._families[id(component)] = (component, read_family(component))
        return kept[1]


def linear_value(expr: Any) -> float:
    """``pyo.value(expr)`` to the last bit, computed as Pyomo computes it but without its expression walker.

    Pyomo evaluates a LinearExpression as ``sum(iter(terms), start=first term)``, a monomial as ``coef * value`` and
    a variable as its value: the same Python operations, in the same order, give the same number.  Anything else
    (a constant or a parameter among the terms, an unset variable) is left to Pyomo.
    """
    if expr.__class__ is not LinearExpression or not expr.nargs():
        return float(pyo.value(expr))
    mono = MonomialTermExpression
    args = expr.args
    try:
        # A bare term is a variable (a number or an expression has no ``_value``; a parameter's is its value).
        terms = [a._args_[0] * a._args_[1]._value if a.__class__ is mono else a._value for a in args]
        rest = iter(terms)
        total = sum(rest, start=next(rest))
    except (AttributeError, TypeError):  # an unset variable (None) or a term Pyomo must evaluate
        return float(pyo.value(expr))
    # A parameter as a coefficient makes its product, and so the sum, a Pyomo expression: Pyomo evaluates it.
    return float(total) if isinstance(total, (float, int)) else float(pyo.value(expr))
