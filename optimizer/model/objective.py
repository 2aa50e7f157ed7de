"""Registered cost terms, summed once into the objective.

Each part of the model registers its annual cost per period with :func:`add_cost_term`; :func:`add_objective`
weights every period by the years it represents and sums the lot.  A new capability adds a term, it does not edit
the objective.  The terms are kept on the model (``m.cost_terms``) so that results can report the breakdown.

    minimise  sum_t years_represented[t] * sum_terms annual_cost[term, t]        (USD)
"""

from __future__ import annotations

from collections.abc import Mapping

import pyomo.core as pyo

from optimizer.io.data import ModelData


def add_cost_term(m: pyo.ConcreteModel, name: str, annual_usd_by_period: Mapping[int, object]) -> None:
    """Register a cost component: ``{period: expression of its annual cost in USD}``."""
    if not hasattr(m, "cost_terms"):
        m.cost_terms = {}
    if name in m.cost_terms:
        raise ValueError(f"cost term {name!r} registered twice")
    m.cost_terms[name] = dict(annual_usd_by_period)


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Minimise the weighted sum of every registered cost term over the horizon."""
    weight = data.years_represented
    m.Total_Cost = pyo.Objective(
        expr=sum(weight[t] * expr for terms in m.cost_terms.values() for t, expr in terms.items()),
        sense=pyo.minimize,
    )
