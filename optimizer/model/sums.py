"""Sparse 'sum over' lists and the linear expressions built from them, in as few passes as possible.

Every sum of the model runs over a list that exists (the arcs, yields and deliveries of the data), never over a
dense product of sets.  These helpers index such lists by a part of each key, walking the index list and the
variables built from it side by side (:func:`optimizer.model.bulk.aligned`), and build coefficient times variable
terms and their LinearExpressions directly, without Pyomo's operator overhead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


def group(keys, key_of):  # type: ignore[no-untyped-def]
    """Index a list of tuples by a function of each tuple (sparse 'sum over' lists, built once)."""
    groups: dict = defaultdict(list)
    for k in keys:
        groups[key_of(k)].append(k)
    return groups


def term(coef: float, var: object) -> object:
    """``coef * var`` as Pyomo's operators make it (the variable itself for 1), without the operator overhead."""
    return var if coef == 1 else MonomialTermExpression((coef, var))


def terms(coefs: Iterable[float], variables: Iterable[object]) -> list:
    """``[term(c, v) for c, v in zip(coefs, variables)]``, in one comprehension (the cost terms' hot loop)."""
    mono = MonomialTermExpression
    return [v if c == 1 else mono((c, v)) for c, v in zip(coefs, variables)]


def linear(args: list) -> LinearExpression:
    """The sum of ``args`` (variables and :func:`term` s) in one LinearExpression, built from a list at once.

    Summing with ``sum()`` rebuilds the expression once per term; this builds it once, and HiGHS's compile reads
    LinearExpressions on Pyomo's fast path.
    """
    return LinearExpression(args)


def group_values(keys: Sequence[tuple], values: Sequence[object], key_of) -> dict:  # type: ignore[no-untyped-def]
    """``{key_of(k): [values in order]}`` over ``zip(keys, values)``: a 'sum over' list of variables."""
    groups: dict = defaultdict(list)
    for k, v in zip(keys, values):
        groups[key_of(k)].append(v)
    return dict(groups)


def where(keys: Sequence[tuple], values: Sequence[object], keep) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """The keys for which ``keep(key)`` holds and their values, in order."""
    pairs = [(k, v) for k, v in zip(keys, values) if keep(k)]
    return [k for k, _ in pairs], [v for _, v in pairs]


def by_period(keys: Sequence[tuple], values: Sequence[object], at: int) -> dict[int, tuple[list, list]]:
    """``{period: (keys, values)}``, the period being item ``at`` of each key, each list in its order (the lists
    themselves when every key has the same period, as in a one-period case)."""
    found = set(map(itemgetter(at), keys))
    if len(found) == 1:
        return {found.pop(): (list(keys), list(values))}
    out: dict[int, tuple[list, list]] = {t: ([], []) for t in found}
    for k, v in zip(keys, values):
        entry = out[k[at]]
        entry[0].append(k)
        entry[1].append(v)
    return out


class Decided(dict):
    """A dict that decides a missing key by ``rule`` once, then answers at a dict's speed (a rule that depends on
    a pair such as (fab, product), asked for each of millions of deliveries)."""

    def __init__(self, rule: Callable[[tuple], bool]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, key: tuple) -> bool:
        value = self[key] = self.rule(key)
        return value
