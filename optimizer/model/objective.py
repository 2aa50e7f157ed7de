"""Registered cost terms, summed once into the objective; the one place where time is weighted and discounted.

Each part of the model registers its annual cost per period with :func:`add_cost_term`; :func:`add_objective`
weights every entry by the discounted years it is paid in and sums the lot.  A new capability adds a term, it does
not edit the objective.  The terms are kept on the model (``m.cost_terms``) so that results can report the breakdown.

Time.  A period ``t`` covers the calendar years ``t .. t + n_t - 1`` (``n_t`` = ``years_represented``); a cost of
year ``y`` is discounted to the first period's year ``y0`` by ``delta(y) = (1 + i)^-(y - y0)``.  An entry of a term
is keyed by a period ``t`` (its annual cost is paid in every year of ``t``) or by ``(t, last_year)`` (paid in the
years of ``t`` up to ``last_year`` only: an annuity whose capacity retires within the period):

    minimise  sum_terms sum_entries  W[t, last_year] * annual_cost                          (USD, discounted)
    W[t, last] = sum_{y = t}^{min(t + n_t - 1, last)} delta(y)

Without a periods sheet the case is one steady-state period ``0`` of one year, whose weight is 1.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyomo.core as pyo

from optimizer.io.data import ModelData


def add_cost_term(m: pyo.ConcreteModel, name: str, annual_usd_by_period: Mapping[object, object]) -> None:
    """Register a cost component: ``{period or (period, last_year): expression of its annual cost in USD}``."""
    if not hasattr(m, "cost_terms"):
        m.cost_terms = {}
    if name in m.cost_terms:
        raise ValueError(f"cost term {name!r} registered twice")
    m.cost_terms[name] = dict(annual_usd_by_period)


def discount_factor(data: ModelData, year: int) -> float:
    """``(1 + discount_rate)^-(year - y0)``, y0 the first period's year (1 for the steady-state period)."""
    return float((1.0 + data.discount_rate) ** -(year - data.periods[0]))


def period_years(data: ModelData, period: int) -> range:
    """The calendar years ``period`` covers (one year for the steady-state period)."""
    return range(period, period + max(1, round(data.years_represented[period])))


def horizon_end(data: ModelData) -> int:
    """The last calendar year of the horizon."""
    return period_years(data, data.periods[-1])[-1]


def years_weight(data: ModelData, period: int, last_year: float | None = None, discounted: bool = True) -> float:
    """Sum over the years of ``period`` up to ``last_year`` of their discount factors (or their count).

    Without a periods sheet the single steady-state period weighs its ``years_represented`` (1 by default).
    """
    if not data.multi_period:
        return float(data.years_represented[period])
    years = [y for y in period_years(data, period) if last_year is None or y <= last_year]
    return sum(discount_factor(data, y) for y in years) if discounted else float(len(years))


def period_weight(data: ModelData, period: int) -> float:
    """W[t]: what one USD per year in every year of ``period`` weighs in the objective (the duals' divisor)."""
    return years_weight(data, period)


def entry_period(key: object) -> int:
    """The period of a cost-term entry key (``t`` or ``(t, last_year)``)."""
    return int(key[0]) if isinstance(key, tuple) else int(key)  # type: ignore[call-overload]


def entry_weight(data: ModelData, key: object, discounted: bool = True) -> float:
    """What one USD of an entry's annual cost weighs: its years (up to its last year), discounted or counted."""
    if isinstance(key, tuple):
        return years_weight(data, entry_period(key), key[1], discounted)
    return years_weight(data, entry_period(key), None, discounted)


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Minimise the discounted sum of every registered cost term over the horizon."""
    weights: dict[object, float] = {}
    total = []
    for terms in m.cost_terms.values():
        for key, expr in terms.items():
            if key not in weights:
                weights[key] = entry_weight(data, key)
            total.append(weights[key] * expr)
    m.Total_Cost = pyo.Objective(expr=sum(total), sense=pyo.minimize)
