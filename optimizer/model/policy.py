"""Dependence caps: how much of what fabs need a supplier may have touched.

For each cap k and period t, over the demand of fabs in the cap's importer scope for products in its product scope:

    ``Dependence_Cap[k, t]``:  sum_{x touched} Deliver_T[x]  <=  max_share[k, t] * demand_t[k, t]

where max_share[k, t] is the cap's share in period t (:meth:`optimizer.io.data.Cap.share_in`: a row for that
period, else the cap's share for every period) and demand_t[k, t] is the demand in scope (delivered + unmet), a number of the input.  A cap on the share of
*demand* means meeting it never calls for discarding supply: the cheapest way to respect "at most 20% from China" is
never to leave the other 80% unmet.  A delivery (r, f, p, c, t) is *touched* when, at the cap's stage, the
supplier's countries include the mine country ``c`` (stage ``mine``), the refinery's country (``refine``), or either
(``any``).

:func:`cap_rows` is the one statement of which deliveries a cap touches and which demand is in its scope: the model,
the result tables, the warm re-solve, the sweep and the diagnosis all ask it.

The dual y (USD per t of touched allowance, <= 0 for a binding cap) gives d cost / d max_share = y * demand_t
exactly (the share multiplies a number), reported per percentage point as the cost of tightening by one point.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyomo.core as pyo

from optimizer.io.data import Cap, ModelData
from optimizer.model.bounds import declare_rhs
from optimizer.model.bulk import variables
from optimizer.model.sums import Decided, linear


@dataclass(frozen=True)
class CapRow:
    """One cap in one period: the deliveries in its scope, those it touches, and the demand in its scope."""

    scope: tuple[tuple, ...]  # Deliver_T indices (refinery, fab, product, origin, period) in scope
    touched: tuple[tuple, ...]  # the subset touched by the supplier at the cap's stage
    demand_t: float  # tonnes demanded in scope (delivered + unmet)
    purified_scope: tuple[tuple, ...] = ()  # Purified_T indices (purifier, fab, product, origin, ref country, period)
    purified_touched: tuple[tuple, ...] = ()

    def allowance_t(self, max_share: float) -> float:
        """Touched tonnes the cap allows at ``max_share``."""
        return max_share * self.demand_t


def scope_demand_t(data: ModelData, cap: Cap, period: int) -> float:
    """Tonnes demanded in the cap's scope in ``period``."""
    return sum(d for (f, p, t), d in data.demand_t.items() if t == period and f in cap.fabs and p in cap.products)


def is_touched(data: ModelData, cap: Cap, delivery: tuple) -> bool:
    """True if the delivery (refinery, fab, product, origin, period) is touched by the cap's supplier."""
    ref, _fab, _p, origin, _t = delivery
    return source_touched(data, cap, ref, origin)


def source_touched(data: ModelData, cap: Cap, refinery: str, origin: str) -> bool:
    """True if oxide refined at ``refinery`` from ore mined in ``origin`` (a country) is touched by the supplier."""
    return cap.touches(origin, data.refineries[refinery].country)


def cap_rows(data: ModelData, cap: Cap, deliveries: Iterable[tuple]) -> dict[int, CapRow]:
    """The cap's row in every period: which deliveries are in scope and touched, and the demand in scope.

    Asked of a model's ``DELIVERIES``, the rows also hold the purified deliveries (``PURIFIED``) of that model in scope
    and touched (a purified tonne is touched by its mine, refinery or purifier country, by the cap's stage).

    Which deliveries are in scope and touched is structure: asked of a model's ``DELIVERIES`` set, it is worked out
    once per cap scope and kept on the model (the build, the result tables, the warm re-solve and the diagnosis all
    ask it again); the demand in scope, a number a re-solve may change, is read from ``data`` on every call.
    """
    scope, touched = _scopes(data, cap, deliveries)
    purified = _purified_of(deliveries)
    if not purified:
        return {t: CapRow(scope[t], touched[t], scope_demand_t(data, cap, t)) for t in data.periods}
    in_scope = [k for k in purified if k[1] in cap.fabs and k[2] in cap.products]
    hit = [k for k in in_scope if cap.touches(k[3], k[4], data.purifiers[k[0]].country)]
    return {t: CapRow(scope[t], touched[t], scope_demand_t(data, cap, t), tuple(k for k in in_scope if k[5] == t),
                      tuple(k for k in hit if k[5] == t)) for t in data.periods}


def _purified_of(deliveries: Iterable[tuple]) -> list[tuple]:
    """The purified deliveries of the block whose ``DELIVERIES`` set ``deliveries`` is (none for other collections)."""
    if not isinstance(deliveries, pyo.Set) or deliveries.parent_block() is None:
        return []
    return list(getattr(deliveries.parent_block(), "PURIFIED", ()))


def touched_terms(b: pyo.Block, row: CapRow) -> list:
    """The variables of the tonnes ``row`` touches on block ``b``: deliveries and purified deliveries."""
    deliver = variables(b.Deliver_T)
    out = [deliver[x] for x in row.touched]
    if row.purified_touched:
        purified = variables(b.Purified_T)
        out += [purified[x] for x in row.purified_touched]
    return out


ScopeLists = tuple[dict[int, tuple[tuple, ...]], dict[int, tuple[tuple, ...]]]


def _scopes(data: ModelData, cap: Cap, deliveries: Iterable[tuple]) -> ScopeLists:
    """Per period, the deliveries in the cap's scope and those it touches (kept on the set's model, see above)."""
    cache = _scope_cache(deliveries)
    # Everything the lists depend on besides the deliveries: the cap's scope and the refineries' countries (fixed
    # for a model, but a caller may pass another case's data).
    key = (cap.stage, cap.supplier_countries, cap.products, cap.fabs, tuple(data.periods),
           tuple((r, v.country) for r, v in data.refineries.items()))
    if cache is not None and key in cache[1]:
        return cache[1][key]  # type: ignore[no-any-return]
    # Whether a delivery is in scope or touched depends on (fab, product) and (refinery, origin) only: each pair is
    # decided once (a case has a few thousand pairs and up to millions of deliveries).
    in_scope = Decided(lambda pair: pair[0] in cap.fabs and pair[1] in cap.products)
    hit = Decided(lambda source: source_touched(data, cap, *source))
    scope = [k for k in deliveries if in_scope[k[1:3]]]
    touched = [k for k in scope if hit[k[0], k[3]]]
    found = (_split_by_period(scope, data.periods), _split_by_period(touched, data.periods))
    if cache is not None:
        cache[1][key] = found
    return found


def _split_by_period(deliveries: list[tuple], periods: Iterable[int]) -> dict[int, tuple[tuple, ...]]:
    """The deliveries of each period (item 4 of each), in order."""
    out: dict[int, list[tuple]] = {t: [] for t in periods}
    if len(out) == 1:
        return {t: tuple(deliveries) for t in out}
    for k in deliveries:
        out[k[4]].append(k)
    return {t: tuple(v) for t, v in out.items()}


def _scope_cache(deliveries: Iterable[tuple]) -> tuple[int, dict] | None:
    """The cache of cap scopes kept beside a Pyomo set of deliveries on its block (None for any other collection).

    The model's sets do not change once built; the set's length is kept with its cache as a guard all the same.
    """
    if not isinstance(deliveries, pyo.Set) or deliveries.parent_block() is None:
        return None
    caches = getattr(deliveries.parent_block(), "cap_scope_cache", None)
    if caches is None:
        caches = deliveries.parent_block().cap_scope_cache = {}
    cache = caches.get(deliveries.local_name)
    if cache is None or cache[0] != len(deliveries):
        cache = caches[deliveries.local_name] = (len(deliveries), {})
    return cache  # type: ignore[no-any-return]


def add_caps(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add one dependence-cap constraint per cap and period in which the supplier can touch a delivery."""
    cap_ids = list(data.caps)
    m.CAPS = pyo.Set(initialize=cap_ids, ordered=True)
    rows = {(k, t): row for k in cap_ids for t, row in cap_rows(data, data.caps[k], m.DELIVERIES).items()
            if row.touched or row.purified_touched}
    m.CAP_PERIODS = pyo.Set(dimen=2, initialize=list(rows))

    def cap_rule(_m, k, t):  # type: ignore[no-untyped-def]
        return linear(touched_terms(m, rows[k, t])) <= rows[k, t].allowance_t(data.caps[k].share_in(t))

    m.Dependence_Cap = pyo.Constraint(m.CAP_PERIODS, rule=cap_rule)
    declare_rhs(m, "Dependence_Cap",
                lambda d, i: d.caps[i[0]].share_in(i[1]) * scope_demand_t(d, d.caps[i[0]], i[1]))
