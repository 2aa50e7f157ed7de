"""Model reduction: the capacity rows of lumpy greenfield sites that can restrict no optimal plan, left out.

A facility-location case (OR-Library's capa: 100 candidate sites, each free to serve the whole demand) gives every
site a chain of rows on its ore: the oxide balance (its deliveries, one entry per fab, within the oxide its ore
yields), the site's capacity, the lumpy size, the ore link and the mine's capacity.  None of them can bind there,
yet together they keep HiGHS's presolve from removing the dense balance rows, and its dual simplex is then ten times
slower per iteration.  This module changes the model only where each change is exact, and says why below.

Scope: a *reduced site* r is a lumpy greenfield refinery with the per-fab links of :mod:`optimizer.model.linking`
(no existing capacity, no other oxide supply) and

(a) no cost per t/yr of size (``capex_usd_per_tpa`` = 0);
(b) no other oxide use than deliveries (no co-product sales, no purifier feeds);
(c) every mine reaching it holds one product, which r recovers (recovery and share > 0) in every period of the arc;
(d) ore into it costs >= 0 a tonne (mining + opex + freight and tariff);
(e) the most ore it can ever need in period t, ``need(r, t) = sum_p sum_{f served} demand[f, p, t] / (recovery[r, p]
    * smallest share of p in a mine reaching r)``, is at most ``max_new_tpa`` and at most every ore link's
    coefficient.

and the case has no disruptions (their copies keep every row).  On a reduced site:

1. ``Lumpy_Max`` becomes ``Build_TPA = max_new_tpa * Built``.  Exact: a size costs nothing (a), and a larger size
   only loosens the site's capacity rows, so every plan has one of the same cost built at its maximum.
2. ``Oxide_Balance[r, p, c, t]`` becomes an equality (no disposal at r).  Exact: with (b) and (c) the oxide of r is
   only delivered, and ore not needed for a delivery can be left unmined; by (d) that never costs more, and less ore
   only loosens the capacity rows (which bound ore from above).
3. ``Lumpy_Min`` and ``Build_Limit`` are left out: with 1. they read ``min_build <= max_new`` and
   ``max_new * sum_d Built <= max_new``, implied by the data's check and by ``Build_Once``.
4. ``Refinery_Capacity[r, t]`` and ``Lumpy_Ore_Link[m, r, t]`` are left out: by 2. and (c), the ore of r is at most
   its deliveries over recovery and share, and the links bound each delivery by its demand times online[r, t], so
   ``sum_m Ore_T[m, r, t] <= need(r, t) * online[r, t]``; with (e) and 1. that is within both rows.  These rows are
   implied by the rows kept, in the LP relaxation as well: the bound is the same, only HiGHS's presolve can now
   remove the chain.
5. ``Mine_Capacity[m, t]`` is left out when every refinery m reaches is a reduced site and the mine's existing
   capacity is at least ``sum_{f served from m's refineries} demand[f, p, t] / (smallest recovery of p there *
   share[m, p])``: by 2. the ore of m into r is at most r's deliveries of m's origin over recovery and share, and a
   fab's deliveries from every refinery are at most its demand (``Demand_Balance``, whose other terms, unmet demand,
   stockpile draws and purified oxide, are >= 0).  Implied, as in 4.

A row left out is deactivated, not deleted: its dual reads 0 in the results, which is what a row that cannot bind
reports.  Changes 1. and 2. keep some optimal plan of every case (a case whose ore is free may have had others, with
ore disposed of or a site built below its maximum size at no cost).  :func:`reduce_model` is applied by
:func:`optimizer.solver.run.solve_case` on a model it builds itself; a model handed over by a user (who may add
constraints on ``Build_TPA`` or ``Ore_T``), re-solves that change the data in place and near-optimal alternatives
(which bound sizes) are built without it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Number
from typing import Any

import pyomo.core as pyo
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import MonomialTermExpression

from optimizer.io.data import ModelData
from optimizer.model.linking import linked_sites, ore_coefficient, other_supply


@dataclass
class Reduction:
    """What :func:`reduce_model` changed: the reduced sites and the rows left out (by family, their indices)."""

    sites: list[str] = field(default_factory=list)
    left_out: dict[str, list[Any]] = field(default_factory=dict)


def _single_product(data: ModelData, mine: str) -> str | None:
    products = data.mine_products(mine)
    return products[0] if len(products) == 1 and data.composition[mine, products[0]] > 0 else None


def _site_need(m: pyo.ConcreteModel, data: ModelData, r: str) -> dict[int, float] | None:
    """``{t: need(r, t)}`` (see the module docstring), or None when r is outside the scope (a)-(d)."""
    ref = data.refineries[r]
    if ref.capex_usd_per_tpa != 0:
        return None
    for name, entries in m.oxide_use_terms.items():
        if name != "deliveries" and any(index[0] == r and terms for index, terms in entries.items()):
            return None
    yields = {k for k in m.YIELDS if k[0] == r}
    smallest: dict[str, float] = {}
    for (mine, ref_name), arc in data.mine_arcs.items():
        if ref_name != r:
            continue
        p = _single_product(data, mine)
        recovery = data.recovery_of(r, p) if p is not None else None
        if p is None or not recovery or recovery <= 0:
            return None
        if any((r, p, data.mines[mine].country, t) not in yields for t in data.periods):
            return None
        if data.mines[mine].cost_usd_per_t + ref.opex_usd_per_t + arc.cost_usd_per_t < 0:
            return None
        share = data.composition[mine, p]
        smallest[p] = min(smallest.get(p, share), share)
    need: dict[int, float] = defaultdict(float)
    for (site, f, p, t) in m.LUMPY_DELIVERY_LINKS:
        if site == r:
            if p not in smallest:
                return None  # a delivery of a product no mine brings: outside what the bound covers
            need[t] += data.demand_t[f, p, t] / (data.recovery_of(r, p) * smallest[p])  # type: ignore[operator]
    return {t: need.get(t, 0.0) for t in data.periods}


def _nonnegative_supply(m: pyo.ConcreteModel, index: tuple) -> bool:
    """True if every term registered into ``Demand_Balance[index]`` is >= 0 (variables >= 0, coefficients > 0)."""
    for entries in m.demand_supply_terms.values():
        for term in entries.get(index, ()):
            if isinstance(term, Number):
                if term < 0:  # type: ignore[operator]
                    return False
                continue
            coef, var = (term.arg(0), term.arg(1)) if isinstance(term, MonomialTermExpression) else (1.0, term)
            if not isinstance(var, VarData) or coef <= 0 or var.lb is None or var.lb < 0:
                return False
    return True


def reduce_model(m: pyo.ConcreteModel, data: ModelData) -> Reduction:
    """Apply the reduction of the module docstring to ``m`` (built by :func:`optimizer.model.build_model`)."""
    done = Reduction()
    if data.disruptions or not len(m.LUMPY_DELIVERY_LINKS):
        return done
    linked = set(linked_sites(data)) - other_supply(m)
    refs = data.refineries
    needs = {}
    for r in sorted(linked):
        need = _site_need(m, data, r)
        if need is None:
            continue
        most = min([refs[r].max_new_tpa] + [ore_coefficient(data, mine, r) for (mine, s) in data.mine_arcs if s == r])
        if all(v <= most for v in need.values()):
            needs[r] = need
    if not needs:
        return done
    done.sites = sorted(needs)
    left_out: dict[str, list[Any]] = defaultdict(list)

    def leave_out(component: pyo.Constraint, index: Any) -> None:
        if index in component:
            component[index].deactivate()
            left_out[component.local_name].append(index)

    for (s, d) in m.LUMPY_OPTIONS:  # 1. and 3.
        if s in needs:
            m.Lumpy_Max[s, d].set_value(m.Build_TPA[s, d] == refs[s].expansion.max_new * m.Built[s, d])
            leave_out(m.Lumpy_Min, (s, d))
    for s in done.sites:
        leave_out(m.Build_Limit, s)
    for index, con in m.Oxide_Balance.items():  # 2.
        if index[0] in needs:
            _lower, body, upper = con.to_bounded_expression(evaluate_bounds=True)
            con.set_value(body == upper)
    for (r, t) in m.REFINERY_PERIODS:  # 4.
        if r in needs:
            leave_out(m.Refinery_Capacity, (r, t))
    for (mine, r, t) in m.LUMPY_ORE_LINKS:
        if r in needs:
            leave_out(m.Lumpy_Ore_Link, (mine, r, t))
    _leave_out_mines(m, data, needs, leave_out)
    done.left_out = dict(left_out)
    return done


def _leave_out_mines(m: pyo.ConcreteModel, data: ModelData, needs: dict[str, dict[int, float]],
                     leave_out: Callable[[pyo.Constraint, Any], None]) -> None:
    """5.: the mine rows whose refineries are all reduced sites and whose capacity covers what they can need."""
    served: dict[tuple[str, str, int], set[str]] = defaultdict(set)  # (refinery, product, period) -> fabs
    for (r, f, p, t) in m.LUMPY_DELIVERY_LINKS:
        if r in needs:
            served[r, p, t].add(f)
    reached: dict[str, set[str]] = defaultdict(set)
    for (mine, r) in data.mine_arcs:
        reached[mine].add(r)
    for (mine, t) in m.MINE_PERIODS:
        refineries = reached[mine]
        p = _single_product(data, mine)
        if p is None or not refineries <= set(needs):
            continue
        fabs = set().union(*(served.get((r, p, t), set()) for r in refineries))
        if not all(_nonnegative_supply(m, (f, p, t)) for f in fabs):
            continue
        recovery = min(data.recovery_of(r, p) or 0.0 for r in refineries)  # > 0 at a reduced site, (c)
        most = sum(data.demand_t[f, p, t] for f in fabs) / (recovery * data.composition[mine, p])
        if most <= data.mines[mine].existing_t(t):
            leave_out(m.Mine_Capacity, (mine, t))
