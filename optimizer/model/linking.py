"""Strong build decisions: what a lumpy plant that is not online can neither receive nor deliver, per arc.

A lumpy build's binary bounds only the plant's total throughput (``Build_TPA <= max_new_tpa * Built``), so the LP
relaxation can open a tenth of a plant and run a tenth of its capacity through it: on facility-location problems it
pays a fraction of the fixed costs and branch and bound has a large gap to close.  The classic strong form bounds
each flow by what it could be at most, times the binary.  For a lumpy site without existing capacity (nothing
flows through it unless it is built and online):

=============================  ===================================================================================
``LUMPY_DELIVERY_LINKS``       (refinery, fab, product, period) with a delivery arc from a lumpy greenfield site
``LUMPY_ORE_LINKS``            (mine, refinery, period): ore arcs into one
=============================  ===================================================================================

Constraints
    ``Lumpy_Delivery_Link[r, f, p, t]``:  sum_c Deliver_T[r, f, p, c, t] <= demand_t[f, p, t] * online[r, t]
    ``Lumpy_Ore_Link[m, r, t]``:  Ore_T[m, r, t] <= min(capacity_t[m], max_t[m, r], max_new_tpa[r]) * online[r, t]
where online[r, t] = sum of Built[r, d] over the decisions d whose capacity runs in t (at most 1, ``Build_Once``).

Both are valid inequalities: they cut off fractional builds, never a plan.  A plant that is not online has no
capacity, so receives and separates nothing; a fab row is never delivered more than its demand (deliveries and
unmet demand sum to it); ore on an arc never exceeds the mine's capacity nor the arc's limit.  A site whose
oxide balance has supply other than separation (a module registering, say, recycled oxide there) is left out, as
that supply does not need the plant.

The coefficients are numbers of the data, so they are part of what a warm re-solve cannot change:
:func:`link_signature` gives them to :func:`optimizer.solver.reuse.structure_signature`.
"""

from __future__ import annotations

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer.io.data import ModelData
from optimizer.model.bounds import declare_rhs
from optimizer.model.bulk import variables
from optimizer.model.investment import online
from optimizer.model.sums import group


def linked_sites(data: ModelData) -> list[str]:
    """Lumpy candidates without existing capacity: nothing flows through them unless they are built."""
    return sorted(r for r, ref in data.refineries.items()
                  if ref.can_build and ref.build == "lumpy" and ref.capacity_tpa <= 0)


def ore_coefficient(data: ModelData, mine: str, ref: str) -> float:
    """The most ore the arc can carry into a plant once it is online."""
    arc_max = data.mine_arcs[mine, ref].max_t
    site = data.mines[mine]
    most = site.capacity_t + (site.expansion.max_new if site.expansion.can_build else 0.0)
    bound = min(most, data.refineries[ref].max_new_tpa)
    return bound if arc_max is None else min(bound, arc_max)


def link_signature(data: ModelData) -> tuple:
    """Every coefficient of the links (demands and ore bounds at linked sites): a re-solve must keep them."""
    sites = set(linked_sites(data))
    if not sites:
        return ()
    fabs = {f for (r, f) in data.fab_arcs if r in sites}
    demand = sorted((k, v) for k, v in data.demand_t.items() if k[0] in fabs)
    ore = sorted(((m, r), ore_coefficient(data, m, r)) for (m, r) in data.mine_arcs if r in sites)
    return (tuple(demand), tuple(ore))


def other_supply(m: pyo.ConcreteModel) -> set[str]:
    """Refineries whose oxide balance receives supply registered by a part other than the network's separation."""
    return {index[0] for name, terms in m.oxide_supply_terms.items() if name != "separation" for index in terms}


def add_linking(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the per-arc links of lumpy greenfield sites (after the investment part and any extension)."""
    sites = set(linked_sites(data)) - other_supply(m)
    refs = data.refineries
    built = variables(m.Built)
    decisions = group([k for k in m.LUMPY_OPTIONS if k[0] in sites], lambda k: k[0])

    def online_terms(r: str, t: int, coef: float) -> list:
        return [MonomialTermExpression((-coef, built[r, d])) for (_, d) in decisions.get(r, [])
                if online(data, refs[r], d, t)]

    deliver, ore = variables(m.Deliver_T), variables(m.Ore_T)
    # Without a linked site (most cases) the deliveries are not walked at all.
    by_row = group([k for k in m.DELIVERIES if k[0] in sites] if sites else [], lambda k: (k[0], k[1], k[2], k[4]))
    m.LUMPY_DELIVERY_LINKS = pyo.Set(dimen=4, initialize=list(by_row))
    m.Lumpy_Delivery_Link = pyo.Constraint(
        m.LUMPY_DELIVERY_LINKS,
        rule=lambda _m, r, f, p, t: LinearExpression(
            [deliver[k] for k in by_row[r, f, p, t]] + online_terms(r, t, data.demand_t[f, p, t])) <= 0)
    ore_links = [k for k in m.ORE_ARCS if k[1] in sites] if sites else []
    m.LUMPY_ORE_LINKS = pyo.Set(dimen=3, initialize=ore_links)
    m.Lumpy_Ore_Link = pyo.Constraint(
        m.LUMPY_ORE_LINKS,
        rule=lambda _m, mine, r, t: LinearExpression(
            [ore[mine, r, t]] + online_terms(r, t, ore_coefficient(data, mine, r))) <= 0)
    # The right-hand sides are 0 whatever the data; the coefficients are in link_signature.
    declare_rhs(m, "Lumpy_Delivery_Link", None)
    declare_rhs(m, "Lumpy_Ore_Link", None)
