"""Strategic stockpiles: oxide held in the first stage, drawn into a fab's demand while a disruption lasts.

==================  ======================================================================  ================
STOCK_PERIODS       (stockpile, period)
DRAWS               (disruption, stockpile, fab, period): fabs of the holder that use the stockpile's
                    product, in the periods the disruption may happen in
Stock_T[k, t]       tonnes held in period t (first stage), <= max_t[k]                        t
Draw_T[s, k, f, t]  drawn for fab f while disruption s lasts                                   t/yr
==================  ======================================================================  ================

Constraints
    ``Stock_Cover[s, k, t]``:  duration_yr[s] * sum_f Draw_T[s, k, f, t] <= Stock_T[k, t]

Balance terms: demand supply ``stockpile_draws`` of the copy ``Disrupted[s]``: sum_k Draw_T[s, k, f, t] into its
``Demand_Balance[f, p_k, t]``.

Cost terms (annual, per period)
    ``stockpile_holding``:  sum_k holding_usd_per_t_yr[k] * Stock_T[k, t]
    ``stockpile_replenish``:  sum_s pi_s * sum_k replenish_usd_per_t[k] * sum_f Draw_T[s, k, f, t]
        (pi_s = probability_per_yr_s x duration_yr_s: a disruption starts probability_per_yr_s times a year and
        draws duration_yr_s x Draw_T tonnes each time)
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.balances import add_demand_supply
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import variables
from optimizer.model.objective import add_cost_term
from optimizer.model.sums import group, linear, term


def add_stockpiles(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add stockpile sizes, draws in every disruption's copy, their cover constraints and costs (nothing without
    stockpiles and disruptions)."""
    if not data.stockpiles or not data.disruptions:
        return
    periods = list(data.periods)
    stockpiles = data.stockpiles
    m.STOCK_PERIODS = pyo.Set(dimen=2, initialize=[(k, t) for k in stockpiles for t in periods])
    draws = []
    for b in m.operating_copies:
        s = b.operations.state
        demands = set(b.operations.demands)
        draws += [(s, k, f, t) for k, sp in stockpiles.items() for f in sorted(sp.fabs) for t in b.operations.periods
                  if (f, sp.product, t) in demands]
    m.DRAWS = pyo.Set(dimen=4, initialize=draws)
    m.Stock_T = pyo.Var(m.STOCK_PERIODS, bounds=lambda _m, k, t: (0.0, stockpiles[k].max_t),
                        doc="oxide held in a stockpile, t")
    m.Draw_T = pyo.Var(m.DRAWS, domain=pyo.NonNegativeReals, doc="drawn from a stockpile while a disruption lasts, "
                                                                  "t/yr")
    declare_var_bounds(m, "Stock_T", lambda d, i: (0.0, d.stockpiles[i[0]].max_t))
    declare_var_bounds(m, "Draw_T", None)

    draw = variables(m.Draw_T)
    stock = variables(m.Stock_T)
    by_copy_demand = group(draws, lambda k: (k[0], k[2], stockpiles[k[1]].product, k[3]))
    for b in m.operating_copies:
        s = b.operations.state
        add_demand_supply(b, "stockpile_draws", {(f, p, t): [draw[k] for k in ks]
                                                 for (c, f, p, t), ks in by_copy_demand.items() if c == s})

    by_cover = group(draws, lambda k: (k[0], k[1], k[3]))
    m.STOCK_COVERS = pyo.Set(dimen=3, initialize=sorted(by_cover))

    def cover(_m, s, k, t):  # type: ignore[no-untyped-def]
        duration = data.disruptions[s].duration_yr
        return linear([term(duration, draw[x]) for x in by_cover[s, k, t]] + [term(-1.0, stock[k, t])]) <= 0.0

    m.Stock_Cover = pyo.Constraint(m.STOCK_COVERS, rule=cover)
    declare_rhs(m, "Stock_Cover", None)
    add_stockpile_costs(m, data)


def add_stockpile_costs(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register ``stockpile_holding`` and ``stockpile_replenish`` (a function of its own so that a re-solve can
    rebuild them for new prices)."""
    stockpiles, disruptions = data.stockpiles, data.disruptions
    stock, draw = variables(m.Stock_T), variables(m.Draw_T)
    draws_by_period = group(list(m.DRAWS), lambda k: k[3])
    add_cost_term(m, "stockpile_holding", {
        t: linear([term(stockpiles[k].holding_usd_per_t_yr, stock[k, t]) for k in stockpiles]) for t in data.periods})
    add_cost_term(m, "stockpile_replenish", {
        t: linear([term(disruptions[x[0]].expected_yr * stockpiles[x[1]].replenish_usd_per_t, draw[x])
                   for x in draws_by_period.get(t, [])
                   if disruptions[x[0]].expected_yr * stockpiles[x[1]].replenish_usd_per_t])
        for t in data.periods})
