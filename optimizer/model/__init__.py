"""build_model(data) -> ConcreteModel, in explicit order: network, investment, policy, extensions, linking,
balances, objective.

Parts register what they contribute instead of editing each other: cost terms (:mod:`optimizer.model.objective`),
balance terms (:mod:`optimizer.model.balances`) and how each family's bounds follow from the data
(:mod:`optimizer.model.bounds`).  An extension is a function ``(model, data) -> None`` that adds its own sets,
variables and constraints and registers its terms; the balances and the objective are built after every part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyomo.core as pyo  # not pyomo.environ, which also loads every solver plugin (a third of a second)
from pyomo.common.gc_manager import PauseGC

from optimizer.io.data import ModelData
from optimizer.model.balances import add_balances, init_registries
from optimizer.model.bounds import init_bound_rules
from optimizer.model.investment import add_investment
from optimizer.model.linking import add_linking
from optimizer.model.network import add_network
from optimizer.model.objective import add_objective
from optimizer.model.policy import add_caps

Extension = Callable[[pyo.ConcreteModel, ModelData], None]


def build_model(data: ModelData, extensions: Sequence[Extension] = ()) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data`` (a factory: read data first, then build a ConcreteModel).

    ``extensions`` are further model parts, added after the caps and before the balances and the objective are
    built, so that the terms they register are summed there.
    """
    # Pausing the garbage collector while creating many small objects halves construction time.
    with PauseGC():
        m = pyo.ConcreteModel(name="paxsilica")
        init_registries(m)
        init_bound_rules(m)
        add_network(m, data)
        add_investment(m, data)
        add_caps(m, data)
        for extension in extensions:
            extension(m, data)
        add_linking(m, data)  # after the extensions: it leaves out sites to which they register other supply
        add_balances(m, data)
        add_objective(m, data)
    return m
