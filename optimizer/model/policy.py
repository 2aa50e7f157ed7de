"""Dependence caps: how much of what fabs receive a supplier may have touched.

For each cap k and period t, over deliveries to fabs in the cap's importer scope of products in its product scope:

    ``Dependence_Cap[k, t]``:  sum_{touched} Deliver_T  -  max_share[k] * sum_{all} Deliver_T  <=  0

A delivery (r, f, p, c, t) is *touched* when, at the cap's stage, the supplier's countries include the mine country
``c`` (stage ``mine``), the refinery's country (``refine``), or either (``any``).  Unmet demand is not delivered and
does not count in the share.  ``cap_max_share`` is a mutable parameter so that a sweep can change it in place.

The dual y_k (USD per t of touched allowance, <= 0 for a binding cap) gives, by the envelope theorem,
d cost / d max_share = y_k * delivered_t; reported per percentage point as the cost of tightening by one point.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.io.data import ModelData
from optimizer.model.network import linear, variables


def add_caps(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add one dependence-cap constraint per cap and period that has deliveries in its scope."""
    ref_country = {r: v.country for r, v in data.refineries.items()}
    cap_ids = list(data.caps)
    m.CAPS = pyo.Set(initialize=cap_ids, ordered=True)
    m.cap_max_share = pyo.Param(m.CAPS, initialize={k: data.caps[k].max_share for k in cap_ids}, mutable=True,
                                within=pyo.UnitInterval)

    scope: dict[tuple[str, int], list] = {}
    touched: dict[tuple[str, int], list] = {}
    deliveries = list(m.DELIVERIES)
    for k in cap_ids:
        cap = data.caps[k]
        for key in deliveries:
            r, f, p, c, t = key
            if f in cap.fabs and p in cap.products:
                scope.setdefault((k, t), []).append(key)
                if cap.touches(c, ref_country[r]):
                    touched.setdefault((k, t), []).append(key)
    m.cap_scope, m.cap_touched = scope, touched

    m.CAP_PERIODS = pyo.Set(dimen=2, initialize=[(k, t) for k in cap_ids for t in data.periods if (k, t) in scope])

    deliver = variables(m.Deliver_T)

    def cap_rule(_m, k, t):  # type: ignore[no-untyped-def]
        hit = linear([deliver[x] for x in touched.get((k, t), [])])
        total = linear([deliver[x] for x in scope[k, t]])
        return hit - m.cap_max_share[k] * total <= 0

    m.Dependence_Cap = pyo.Constraint(m.CAP_PERIODS, rule=cap_rule)
