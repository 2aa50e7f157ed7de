"""Fab-grade lines as investments (``upgrades``): building one raises what a refinery may deliver to fabs.

An upgrade u of (refinery r, product p) is built by the investment rule every kind shares
(:mod:`optimizer.model.investment`, variables ``Upgrade_Build_T[u, d]``, t/yr of fab-grade p).  The capacity of the
upgrades of (r, p) running in period t raises, on every operating state:

- ``Product_Fab_Grade_Limit[r, p, t]`` (the product's fab-grade limit, :mod:`optimizer.model.slates`),
- ``Fab_Grade_Limit[r, t]`` (the refinery's own),
- ``Product_Limit[r, p, t]`` of a line that only the upgrade adds (a slated refinery that did not make p: it recovers
  p at its recovery, up to the tonnes built).

Their right-hand sides stay those of the data: the built capacity is a term on the left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer.io.data import ModelData


def _raise(family: Any, extra: Mapping[tuple, list[Any]]) -> None:
    """Add ``-new`` to the left-hand side of each row of ``family`` named in ``extra``."""
    if family is None:
        return
    for index, new in extra.items():
        if index not in family:
            continue
        con = family[index]
        body = con.body
        args = list(body.args) if isinstance(body, LinearExpression) else [body]
        con.set_value(LinearExpression(args + [MonomialTermExpression((-1.0, v)) for v in new]) <= con.upper)


def add_upgrade_capacity(b: pyo.Block, data: ModelData, new: Mapping[tuple[str, int], list[Any]]) -> None:
    """Raise the fab-grade limits of the operating state on ``b`` by the upgrades running (``new``: the build
    variables running per (upgrade, period))."""
    if not new:
        return
    by_line: dict[tuple, list[Any]] = defaultdict(list)
    by_ref: dict[tuple, list[Any]] = defaultdict(list)
    for (u, t), variables in new.items():
        up = data.upgrades[u]
        by_line[up.refinery, up.product, t] += variables
        by_ref[up.refinery, t] += variables
    _raise(getattr(b, "Product_Fab_Grade_Limit", None), by_line)
    _raise(getattr(b, "Fab_Grade_Limit", None), by_ref)
    lines = data.refinery_products
    _raise(getattr(b, "Product_Limit", None),
           {k: v for k, v in by_line.items() if k[:2] in lines and lines[k[:2]].by_upgrade})
