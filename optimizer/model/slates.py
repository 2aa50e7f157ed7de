"""Product slates: what each refinery can make (``refinery_products``), when each line runs and how much of it.

A refinery without rows recovers every product in its feed at its ``recovery``, every period it runs.  A refinery
with rows recovers only the products listed, each at the row's ``recovery`` (blank: the refinery's); the rest of
its feed's content is left in the residue.  The network leaves the unlisted products out of its yields, deliveries
and sales (:func:`optimizer.model.network.normal_operations`), and a line with an ``online_year`` out of the periods
before it (:func:`line_periods`).

Constraints (one per row with the limit given, and period; the same on every operating copy)
    ``Product_Limit[r, p, t]``:  sum_{f, c} Deliver_T[r, f, p, c, t] + sum_{k of p, c} Sell_T[r, k, c, t]
                                 <= max_t[r, p]
    ``Product_Fab_Grade_Limit[r, p, t]``:  sum_{f, c} Deliver_T[r, f, p, c, t]
                                           <= fab_grade_max_t[r, p]
    (the refinery's own ``Fab_Grade_Limit`` still bounds all of its products together).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.bounds import declare_rhs
from optimizer.model.sums import group_values, linear, where


def line_periods(data: ModelData, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, ...]]:
    """The periods each (refinery, product) line with an ``online_year`` runs in (lines without one are absent:
    they run in every period)."""
    lines = data.refinery_products
    return {rp: tuple(t for t in data.periods if data.line_runs(rp[0], rp[1], t))
            for rp in pairs if rp in lines and lines[rp].online_year is not None}


def add_product_limits(b: pyo.Block, data: ModelData, deliver: Sequence[object], sell: Sequence[object]) -> None:
    """Add ``Product_Limit`` and ``Product_Fab_Grade_Limit`` for the operating state on ``b`` (``deliver`` and
    ``sell`` are its variables in the order of its index lists)."""
    ops, lines = b.operations, data.refinery_products
    limited = {rp for rp, line in lines.items() if line.max_t is not None}
    leaving: dict[tuple, list] = {}
    if limited:
        leaving = group_values(*where(ops.deliveries, deliver, lambda k: (k[0], k[2]) in limited),
                               lambda k: (k[0], k[2], k[4]))
        for k, v in zip(*where(ops.sales, sell, lambda k: (k[0], data.market_product(k[1])) in limited)):
            leaving.setdefault((k[0], data.market_product(k[1]), k[3]), []).append(v)
    b.PRODUCT_LIMITS = pyo.Set(dimen=3, initialize=sorted(leaving), ordered=True)
    b.Product_Limit = pyo.Constraint(
        b.PRODUCT_LIMITS, rule=lambda _m, r, p, t: linear(leaving[r, p, t]) <= lines[r, p].max_t)
    declare_rhs(b, "Product_Limit", lambda d, i: d.refinery_products[i[0], i[1]].max_t)

    graded = {rp for rp, line in lines.items() if line.fab_grade_max_t is not None}
    to_fabs = group_values(*where(ops.deliveries, deliver, lambda k: (k[0], k[2]) in graded),
                           lambda k: (k[0], k[2], k[4])) if graded else {}
    b.PRODUCT_FAB_GRADE_LIMITS = pyo.Set(dimen=3, initialize=sorted(to_fabs), ordered=True)
    b.Product_Fab_Grade_Limit = pyo.Constraint(
        b.PRODUCT_FAB_GRADE_LIMITS, rule=lambda _m, r, p, t: linear(to_fabs[r, p, t]) <= lines[r, p].fab_grade_max_t)
    declare_rhs(b, "Product_Fab_Grade_Limit", lambda d, i: d.refinery_products[i[0], i[1]].fab_grade_max_t)
