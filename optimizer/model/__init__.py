"""build_model(data) -> ConcreteModel, in explicit order: network, investment, policy, disruptions, stockpiles,
extensions, linking, balances, objective.

Parts register what they contribute instead of editing each other: cost terms (:mod:`optimizer.model.objective`),
balance terms (:mod:`optimizer.model.balances`) and how each family's bounds follow from the data
(:mod:`optimizer.model.bounds`).  An extension is a function ``(model, data) -> None`` that adds its own sets,
variables and constraints and registers its terms; the balances and the objective are built after every part.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence

import pyomo.core as pyo  # not pyomo.environ, which also loads every solver plugin (a third of a second)
from pyomo.common.gc_manager import PauseGC

from optimizer.io.data import ModelData
from optimizer.model.balances import add_balances, init_registries
from optimizer.model.bounds import init_bound_rules
from optimizer.model.disruptions import add_disruptions
from optimizer.model.investment import add_capex_cost, add_investment
from optimizer.model.linking import add_linking
from optimizer.model.network import add_flow_costs, add_network
from optimizer.model.objective import add_objective
from optimizer.model.policy import add_caps
from optimizer.model.reduction import reduce_model
from optimizer.model.stockpiles import add_stockpile_costs, add_stockpiles

Extension = Callable[[pyo.ConcreteModel, ModelData], None]


def build_model(data: ModelData, extensions: Sequence[Extension] = (), reduce: bool = False) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data`` (a factory: read data first, then build a ConcreteModel).

    ``extensions`` are further model parts, added after the caps and before the balances and the objective are
    built, so that the terms they register are summed there.  With ``reduce`` (and no extensions), the rows that
    can restrict no optimal plan are left out (:mod:`optimizer.model.reduction`; a model a user changes is built
    without it).
    """
    # Pausing the garbage collector while creating many small objects halves construction time.
    with PauseGC():
        m = pyo.ConcreteModel(name="paxsilica")
        init_registries(m)
        init_bound_rules(m)
        add_network(m, data)
        add_investment(m, data)
        add_caps(m, data)
        add_disruptions(m, data)
        add_stockpiles(m, data)
        for extension in extensions:
            extension(m, data)
        add_linking(m, data)  # after the extensions: it leaves out sites to which they register other supply
        add_balances(m, data)
        add_objective(m, data)
        if reduce and not extensions:
            m.reduction = reduce_model(m, data)
    _collect_once_after_a_large_build()
    return m


# A build with more new objects than this (a model of about 100,000 variables) ends with one full collection.
LARGE_BUILD_OBJECTS = 500_000


def _collect_once_after_a_large_build() -> None:
    """One full garbage collection now, after a large build, instead of three passes later.

    The objects made while the collector was paused are all in its youngest generation.  Left alone, the collector
    walks them all at the next allocation (a young collection), again in a middle-generation collection soon after,
    and a third time in the full collection that follows once they outnumber a quarter of the older objects: at a
    million variables, over a second spread over the build, the compile and the results.  One full collection walks
    them once, and, as they are then counted among the old objects, the next full one is far off.  Small models
    (the collector's young generation stays small) are left to the collector's own schedule.
    """
    if gc.isenabled() and gc.get_count()[0] > LARGE_BUILD_OBJECTS:
        gc.collect()


def rebuild_costs(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register every cost term of ``m`` anew from ``data`` (same structure): what a warm re-solve does to load
    another case's prices.  The objective is not rebuilt."""
    m.cost_terms = {}
    add_flow_costs(m, data)
    add_capex_cost(m, data)
    for b in getattr(m, "operating_copies", []):
        add_flow_costs(b, data)
    if hasattr(m, "Stock_T"):
        add_stockpile_costs(m, data)
