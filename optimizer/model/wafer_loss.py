"""Shortages priced by the wafer starts they stop, on a column of their own so that their cost stays in scale.

A fab row with ``wafer_starts_per_t`` and a penalty (its own, ``wafer_starts_per_t`` x ``value_per_wafer_start_usd``,
or in a disruption ``wafer_starts_per_t`` x ``disruption_value_per_wafer_start_usd``) costs US$0.5-11bn a tonne on
the default dataset, where the rest of the plan's costs are 1-1e5 USD a tonne.  Priced on ``Unmet_T`` that one column
would widen the objective's range of costs by four to five orders of magnitude, which no single scale of the
objective brings back (HiGHS: "badly scaled", "excessively large costs").  So such a row's shortage is also counted
in wafer starts, in units of :data:`WAFER_UNIT`::

    Unmet_Wafers[f,p,t] = wafer_starts_per_t[f,p] / WAFER_UNIT * Unmet_T[f,p,t]        (Unmet_Wafers_Link)

and the penalty is charged there, penalty[f,p] x WAFER_UNIT / wafer_starts_per_t[f,p] per unit (US$19M at US$1,909
a wafer start), instead of on ``Unmet_T``.  The program is the same (every plan costs the same); only its scale
changes: a tonne is 18-556 units (0.18-4 g a wafer start), a coefficient like the model's others.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import add_index_set
from optimizer.model.sums import term

WAFER_UNIT = 1e4  # wafer starts in one unit of Unmet_Wafers


def wafer_rates(data: ModelData, demands: list[tuple], penalty: Mapping[tuple[str, str], float | None]
                ) -> dict[tuple, float]:
    """(fab, product, period) -> wafer starts a tonne serves, for the demands whose shortage is priced (a penalty)
    and counted in wafer starts (``wafer_starts_per_t``)."""
    rates = data.wafer_starts_per_t
    return {k: rates[k[0], k[1]] for k in demands
            if penalty[k[0], k[1]] is not None and rates.get((k[0], k[1]), 0.0) > 0}


def add_wafer_columns(b: pyo.Block, data: ModelData, penalty: Mapping[tuple[str, str], float | None],
                      demands: list[tuple]) -> None:
    """``Unmet_Wafers`` and its link to ``Unmet_T`` for the state on ``b`` (nothing without wafer-priced rows)."""
    rates = wafer_rates(data, demands, penalty)
    b.wafer_rates = rates
    if not rates:
        return
    add_index_set(b, "WAFER_PRICED", list(rates), 3)
    b.Unmet_Wafers = pyo.Var(b.WAFER_PRICED, domain=pyo.NonNegativeReals,
                             doc=f"wafer starts the unmet demand stops, in units of {WAFER_UNIT:g}")
    b.Unmet_Wafers_Link = pyo.Constraint(
        b.WAFER_PRICED, rule=lambda _b, f, p, t: b.Unmet_Wafers[f, p, t] == rates[f, p, t] / WAFER_UNIT
        * b.Unmet_T[f, p, t])
    declare_rhs(b, "Unmet_Wafers_Link", None)
    declare_var_bounds(b, "Unmet_Wafers", None)


def wafer_cost_terms(b: pyo.Block, penalty: Mapping[tuple[str, str], float | None], period: int,
                     weight: float) -> list:
    """The penalty terms of the wafer-priced rows of ``period``, on ``Unmet_Wafers``."""
    rates: dict[tuple, float] = getattr(b, "wafer_rates", {})
    return [term(weight * (penalty[f, p] or 0.0) * WAFER_UNIT / rate, b.Unmet_Wafers[f, p, t])
            for (f, p, t), rate in rates.items() if t == period]
