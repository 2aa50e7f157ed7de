"""build_model(data) -> ConcreteModel, in explicit order: network, investment, policy, objective."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimizer.io.data import ModelData
from optimizer.model.investment import add_investment
from optimizer.model.network import add_network
from optimizer.model.objective import add_objective
from optimizer.model.policy import add_caps


def build_model(data: ModelData) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data`` (a factory: read data first, then build a ConcreteModel)."""
    # Pausing the garbage collector while creating many small objects halves construction time.
    with PauseGC():
        m = pyo.ConcreteModel(name="paxsilica")
        add_network(m, data)
        add_investment(m, data)
        add_caps(m, data)
        add_objective(m, data)
    return m
