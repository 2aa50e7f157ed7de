"""Disruptions: the second stage of a two-stage plan, one copy of the operating flows per disruption.

The first stage is what is decided before anything happens: builds (:mod:`optimizer.model.investment`), stockpile
sizes (:mod:`optimizer.model.stockpiles`) and normal operations (:mod:`optimizer.model.network`, under the caps).
Each disruption s adds a copy of the operating flows (ore, deliveries, sales, unmet demand) on the block
``m.Disrupted[s]``, in the periods it may happen in, on the same capacities (mines, arcs, markets, refineries with
the first stage's builds), with the deliveries it stops left out:

- a delivery (refinery, fab, product, origin, period) stops when the fab is in the disruption's importer scope, the
  product in its product scope and the supplier touches it at the disruption's stage (the rule of a cap,
  :func:`optimizer.model.policy.is_touched`);
- the arcs of every removed mine or refinery, and of every removed lane FROM>TO (countries), are left out too.

=====================  ==================================================================  =============
DISRUPTIONS            disruption ids
Disrupted[s]           a block with the copy's sets, ``Ore_T``, ``Deliver_T``, ``Sell_T``, ``Unmet_T``, ``Mine_Capacity``,
                       ``Refinery_Capacity``, limits and its own ``Demand_Balance`` and ``Oxide_Balance`` (built by
                       :mod:`optimizer.model.balances` from the block's registries)
=====================  ==================================================================  =============

With pi_s = probability_per_yr_s x duration_yr_s, the copy's operating cost is registered as ``disruption:<s>``
weighted by pi_s and normal operations by 1 - sum_s pi_s (:func:`optimizer.model.network.add_flow_costs`).  Unmet
demand in a copy costs the fab's penalty, else the ``default_disruption_penalty_usd_per_t`` parameter, else it must
be met.  A must-survive disruption (blank probability) weighs nothing and allows no unmet demand.  The caps bound
normal operations only.

The copies start from the normal state's index lists (``m.operations``) and filter them: nothing of the network is
derived twice, and no Pyomo component is cloned.
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.balances import init_registries
from optimizer.model.investment import add_capacity
from optimizer.model.network import Operations, add_operations
from optimizer.model.policy import is_touched, source_touched
from optimizer.model.sums import Decided


def stops(data: ModelData, s: str, delivery: tuple) -> bool:
    """True if disruption ``s`` stops the delivery (refinery, fab, product, origin, period)."""
    d = data.disruptions[s]
    _r, fab, product, _c, _t = delivery
    return fab in d.scope.fabs and product in d.scope.products and is_touched(data, d.scope, delivery)


def disrupted_operations(data: ModelData, normal: Operations, s: str) -> Operations:
    """The index lists of operations while disruption ``s`` lasts: ``normal``'s, in the periods it may happen in,
    without the deliveries it stops and the arcs of what it removes."""
    d = data.disruptions[s]
    periods = tuple(t for t in normal.periods if d.happens_in(t))
    when = set(periods)
    country = {k: v.country for k, v in data.mines.items()} | {k: v.country for k, v in data.refineries.items()} \
        | {k: v.country for k, v in data.purifiers.items()}
    dead, lanes = d.removed_nodes, d.removed_lanes

    def alive(a: str, b: str, b_country: str) -> bool:
        return a not in dead and b not in dead and (country[a], b_country) not in lanes

    # What :func:`stops` and ``alive`` decide for a delivery depends on its (fab, product), its (refinery, origin)
    # and its arc: each pair is decided once, not once per delivery.
    in_scope = Decided(lambda pair: pair[0] in d.scope.fabs and pair[1] in d.scope.products)
    touched = Decided(lambda source: source_touched(data, d.scope, *source))
    open_arc = Decided(lambda arc: alive(arc[0], arc[1], data.fab_country[arc[1]]))
    penalty = {k: None if d.must_survive else data.disruption_penalty_usd_per_t(*k) for k in data.fab_products}
    # Purified tonnes: stopped by the same rule, their purifier's country touched at stage purify.
    purified_hit = Decided(lambda s: d.scope.touches(s[0], s[1], data.purifiers[s[2]].country))
    purified = [k for k in normal.purified if k[5] in when and alive(k[0], k[1], data.fab_country[k[1]])
                and not (in_scope[k[1:3]] and purified_hit[k[3], k[4], k[0]])]
    feeds = [k for k in normal.feeds if k[4] in when and alive(k[0], k[1], country[k[1]])]
    return Operations(
        s, periods,
        ore_arcs=[k for k in normal.ore_arcs if k[2] in when and alive(k[0], k[1], country[k[1]])],
        yields=[k for k in normal.yields if k[3] in when],
        deliveries=[k for k in normal.deliveries if k[4] in when and open_arc[k[:2]]
                    and not (in_scope[k[1:3]] and touched[k[0], k[3]])],
        sales=[k for k in normal.sales if k[3] in when and k[0] not in dead],
        demands=[k for k in normal.demands if k[2] in when],
        penalty=penalty, weight={t: d.expected_yr for t in periods}, feeds=feeds, purified=purified)


def add_disruptions(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add one operating copy per disruption (nothing without disruptions)."""
    if not data.disruptions:
        return
    m.DISRUPTIONS = pyo.Set(initialize=list(data.disruptions), ordered=True)
    m.Disrupted = pyo.Block(m.DISRUPTIONS)
    m.operating_copies = []
    for s in data.disruptions:
        b = m.Disrupted[s]
        init_registries(b)
        add_operations(b, data, disrupted_operations(data, m.operations, s))
        add_capacity(m, data, b)
        m.operating_copies.append(b)
