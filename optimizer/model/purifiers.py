"""The purification stage: refineries feed separated oxide to purifiers, which deliver fab-grade oxide to fabs.

=====================  =========================================================================  ==========
FEEDS                  (refinery, purifier, product, origin country, period) on a refinery ->        t oxide
                       purifier arc, for products some fab the purifier reaches uses
PURIFIED               (purifier, fab, product, origin country, refinery country, period) on a       t oxide
                       purifier -> fab arc, for the sources the purifier is fed from
=====================  =========================================================================  ==========

Variables ``Feed_T`` and ``Purified_T`` (t oxide/yr).  A purified tonne keeps its provenance: the country of the
mine (origin) and of the refinery, and gains the purifier's country (caps and disruptions at stage ``purify``).

Constraints
    ``Purifier_Balance[q, p, o, rc, t]``:  sum_f Purified_T[q, f, p, o, rc, t]
                                           <= recovery[q] * sum_{r: c(r) = rc} Feed_T[r, q, p, o, t]
    ``Purifier_Capacity[q, t]``:  sum_{r, p, o} Feed_T[r, q, p, o, t] <= existing_t[q, t] + new capacity running
                                  (:func:`optimizer.model.investment.add_capacity`)
Balance terms: oxide use ``purifier_feed`` (the feed leaves the refinery's ``Oxide_Balance``), demand supply
``purified`` (into the fab's ``Demand_Balance``).  Cost: ``purifying`` = opex per tonne fed; the freight and tariffs
of both arcs are part of ``transport`` and ``tariffs`` (:func:`optimizer.model.network.operating_costs`).
Without a ``purifiers`` sheet none of this is in the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.balances import add_demand_supply, add_oxide_use
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import add_index_set, aligned
from optimizer.model.sums import group_values, linear, term


def purifier_lists(data: ModelData, yields: Sequence[tuple], products_of: Mapping[str, Sequence[str]],
                   periods: Sequence[int]) -> tuple[list[tuple], list[tuple]]:
    """The feeds and purified deliveries of normal operations, from the refineries' yields (r, p, o, t)."""
    if not data.purifiers:
        return [], []
    wanted: dict[str, set[str]] = defaultdict(set)  # purifier -> the products the fabs it reaches use
    for q, f in data.purified_arcs:
        wanted[q].update(products_of.get(f, ()))
    by_ref: dict[str, list[tuple]] = defaultdict(list)
    for r, p, o, t in yields:
        by_ref[r].append((p, o, t))
    feeds = [(r, q, p, o, t) for (r, q) in data.purify_arcs for (p, o, t) in by_ref.get(r, ()) if p in wanted[q]]
    sources: dict[tuple, dict[tuple[str, str], None]] = defaultdict(dict)
    for r, q, p, o, t in feeds:
        sources[q, p, t][o, data.refineries[r].country] = None
    purified = [(q, f, p, o, rc, t) for (q, f) in data.purified_arcs for p in products_of.get(f, ())
                for t in periods for (o, rc) in sources.get((q, p, t), ())]
    return feeds, purified


def add_purification(b: pyo.Block, data: ModelData) -> None:
    """Add the purification flows of the operating state on ``b``: sets, variables, balances and balance terms."""
    if not data.purifiers:
        return
    ops = b.operations
    add_index_set(b, "FEEDS", ops.feeds, 5)
    add_index_set(b, "PURIFIED", ops.purified, 6)
    b.Feed_T = pyo.Var(b.FEEDS, domain=pyo.NonNegativeReals, doc="oxide fed refinery -> purifier, t/yr")
    b.Purified_T = pyo.Var(b.PURIFIED, domain=pyo.NonNegativeReals, doc="fab-grade oxide purifier -> fab, t/yr")
    declare_var_bounds(b, "Feed_T", None)
    declare_var_bounds(b, "Purified_T", None)
    feed, out = aligned(ops.feeds, b.Feed_T), aligned(ops.purified, b.Purified_T)
    add_oxide_use(b, "purifier_feed", group_values(ops.feeds, feed, lambda k: (k[0], k[2], k[3], k[4])))
    add_demand_supply(b, "purified", group_values(ops.purified, out, lambda k: (k[1], k[2], k[5])))
    country = {r: v.country for r, v in data.refineries.items()}
    supply = group_values(ops.feeds, feed, lambda k: (k[1], k[2], k[3], country[k[0]], k[4]))
    made = group_values(ops.purified, out, lambda k: (k[0], k[2], k[3], k[4], k[5]))
    b.PURIFIER_BALANCES = pyo.Set(dimen=5, initialize=list(made), ordered=True)
    b.Purifier_Balance = pyo.Constraint(b.PURIFIER_BALANCES, rule=lambda _m, q, p, o, rc, t: linear(
        made[q, p, o, rc, t] + [term(-data.purifiers[q].recovery, v) for v in supply.get((q, p, o, rc, t), ())]) <= 0)
    declare_rhs(b, "Purifier_Balance", None)


def add_purifier_capacity(b: pyo.Block, data: ModelData, new: Mapping[tuple[str, int], list[Any]]) -> None:
    """``Purifier_Capacity`` of the operating state on ``b``; ``new`` the build variables running per (purifier,
    period)."""
    if not data.purifiers:
        return
    ops = b.operations
    fed = group_values(ops.feeds, aligned(ops.feeds, b.Feed_T), lambda k: (k[1], k[4]))
    b.PURIFIER_PERIODS = pyo.Set(dimen=2, initialize=sorted(fed), ordered=True)
    b.Purifier_Capacity = pyo.Constraint(b.PURIFIER_PERIODS, rule=lambda _m, q, t: linear(
        fed[q, t] + [term(-1.0, v) for v in new.get((q, t), ())]) <= data.purifiers[q].existing_t(t))
    declare_rhs(b, "Purifier_Capacity", lambda d, i: d.purifiers[i[0]].existing_t(i[1]))


def purifier_cost_terms(b: pyo.Block, data: ModelData, weight: Mapping[int, float] | None
                        ) -> dict[int, tuple[list, list, list]]:
    """``{period: (freight terms, tariff terms, opex terms)}`` of the purification flows on ``b``."""
    out: dict[int, tuple[list, list, list]] = {}
    if not data.purifiers:
        return out
    ops = b.operations
    for t in ops.periods:
        out[t] = ([], [], [])
    for k, v in zip(ops.feeds, aligned(ops.feeds, b.Feed_T)):
        w = 1.0 if weight is None else weight[k[4]]
        arc = data.purify_arcs[k[0], k[1]]
        freight, tariff, opex = out[k[4]]
        freight.append(term(w * (arc.cost_usd_per_t - arc.tariff_usd_per_t), v))
        if arc.tariff_usd_per_t:
            tariff.append(term(w * arc.tariff_usd_per_t, v))
        opex.append(term(w * data.purifiers[k[1]].opex_usd_per_t, v))
    for k, v in zip(ops.purified, aligned(ops.purified, b.Purified_T)):
        w = 1.0 if weight is None else weight[k[5]]
        arc = data.purified_arcs[k[0], k[1]]
        freight, tariff, _opex = out[k[5]]
        freight.append(term(w * (arc.cost_usd_per_t - arc.tariff_usd_per_t), v))
        if arc.tariff_usd_per_t:
            tariff.append(term(w * arc.tariff_usd_per_t, v))
    return out
