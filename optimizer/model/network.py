"""The flow network: concentrate mine -> refinery, oxides refinery -> fab, with exact provenance.

=====================  =========================================================================  ==========
Sets
=====================  =========================================================================  ==========
PERIODS                planning years (one steady-state period ``0`` without a periods sheet)
ORE_ARCS               (mine, refinery, period) where an arc exists                                 t REO
YIELDS                 (refinery, product, origin country, period) that a refinery can separate
DELIVERIES             (refinery, fab, product, origin country, period) on an existing arc           t oxide
SALES                  (refinery, market, origin country, period): markets of a product the        t oxide
                       refinery yields, open to the refinery's country
DEMANDS                (fab, product, period)
=====================  =========================================================================  ==========

Variables: ``Ore_T`` (t REO/yr), ``Deliver_T`` and ``Sell_T`` (t oxide/yr), ``Unmet_T`` (t oxide/yr).

Constraints
    ``Mine_Capacity[m, t]``:   sum_r Ore_T[m, r, t] <= capacity_t[m]
    ``Fab_Arc_Limit[r, f, t]``:  sum_{p, c} Deliver_T[r, f, p, c, t] <= max_t[r, f]   (arcs with a limit)
    ``Market_Limit[k, t]``:  sum_{r, c} Sell_T[r, k, c, t] <= max_t[k]   (markets with a limit)
    ``Fab_Grade_Limit[r, t]``:  sum_{f, p, c} Deliver_T[r, f, p, c, t] <= fab_grade_max_t[r]   (plants with a limit)

Balance terms registered (the balances themselves are built by :mod:`optimizer.model.balances`)
    oxide supply ``separation``:  recovery[r] * sum_{m in c} share[m, p] * Ore_T[m, r, t]   into Oxide_Balance[r, p, c, t]
    oxide use ``deliveries``, ``sales``:  sum_f Deliver_T[r, f, p, c, t],  sum_{k of p} Sell_T[r, k, c, t]
    demand supply ``deliveries``, ``unmet``:  sum_{r, c} Deliver_T[r, f, p, c, t],  Unmet_T[f, p, t]
    so that, with nothing else registered,
        Oxide_Balance:  deliveries + sales <= separation   (free disposal of what is neither delivered nor sold)
        Demand_Balance:  deliveries + unmet == demand_t[f, p, t]
    Tagging each oxide tonne with the country of the mine it came from makes provenance exact: a fab's supply is
    known by (mine country, refinery country).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer.io.data import ModelData
from optimizer.model.balances import add_demand_supply, add_oxide_supply, add_oxide_use
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.objective import add_cost_term


def group(keys, key_of):  # type: ignore[no-untyped-def]
    """Index a list of tuples by a function of each tuple (sparse 'sum over' lists, built once)."""
    groups: dict = defaultdict(list)
    for k in keys:
        groups[key_of(k)].append(k)
    return groups


def term(coef: float, var: object) -> object:
    """``coef * var`` as Pyomo's operators make it (the variable itself for 1), without the operator overhead."""
    return var if coef == 1 else MonomialTermExpression((coef, var))


def variables(component: pyo.Var) -> dict:
    """index -> variable of an indexed Var, as a plain dict."""
    return dict(component.items())


def linear(args: list) -> LinearExpression:
    """The sum of ``args`` (variables and :func:`term` s) in one LinearExpression, built from a list at once.

    Summing with ``sum()`` rebuilds the expression once per term; this builds it once, and HiGHS's compile reads
    LinearExpressions on Pyomo's fast path.
    """
    return LinearExpression(args)


def add_network(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add sets, flow variables, balances and the flow cost terms to ``m``."""
    periods = list(data.periods)
    m.PERIODS = pyo.Set(initialize=periods, ordered=True)

    mine_country = {mine: v.country for mine, v in data.mines.items()}
    # Which products each (refinery, origin country) can yield: those some mine of that country reaching the
    # refinery contains.  Built once from the arcs that exist, never from the dense product of node sets.
    origin_products: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mine, ref in data.mine_arcs:
        for p in data.mine_products(mine):
            origin_products[ref, mine_country[mine]].add(p)
    yields_static = sorted((r, p, c) for (r, c), ps in origin_products.items() for p in ps)
    yields_by_ref_product = group(yields_static, lambda k: (k[0], k[1]))

    fab_products = group(data.fab_products, lambda k: k[0])
    deliveries_static = [
        (r, f, p, c)
        for (r, f) in data.fab_arcs
        for (_, p) in fab_products.get(f, [])
        for (_, _, c) in yields_by_ref_product.get((r, p), [])
    ]

    m.ORE_ARCS = pyo.Set(dimen=3, initialize=[(mi, r, t) for (mi, r) in data.mine_arcs for t in periods])
    m.YIELDS = pyo.Set(dimen=4, initialize=[(r, p, c, t) for (r, p, c) in yields_static for t in periods])
    m.DELIVERIES = pyo.Set(dimen=5, initialize=[(*k, t) for k in deliveries_static for t in periods])
    ref_country = {r: v.country for r, v in data.refineries.items()}
    markets_of = group(data.markets, data.market_product)
    m.SALES = pyo.Set(dimen=4, initialize=[
        (r, k, c, t) for (r, p, c) in yields_static for k in markets_of.get(p, [])
        if data.markets[k].open_to(ref_country[r]) for t in periods])
    m.DEMANDS = pyo.Set(dimen=3, initialize=list(data.demand_t))

    def ore_bounds(_m, mine, ref, _t):  # type: ignore[no-untyped-def]
        return (0.0, data.mine_arcs[mine, ref].max_t)

    m.Ore_T = pyo.Var(m.ORE_ARCS, bounds=ore_bounds, doc="concentrate moved mine -> refinery, t REO/yr")
    m.Deliver_T = pyo.Var(m.DELIVERIES, domain=pyo.NonNegativeReals, doc="oxide delivered to a fab, t/yr")
    m.Sell_T = pyo.Var(m.SALES, domain=pyo.NonNegativeReals, doc="co-product sold at the refinery gate, t/yr")
    m.Unmet_T = pyo.Var(m.DEMANDS, domain=pyo.NonNegativeReals, doc="demand not delivered, t/yr")
    for (f, p, t) in m.DEMANDS:
        if data.unmet_penalty_usd_per_t[f, p] is None:
            m.Unmet_T[f, p, t].fix(0.0)

    # Plain dicts of the variables: a lookup costs a fraction of indexing the Pyomo component.
    ore, deliver, sell = variables(m.Ore_T), variables(m.Deliver_T), variables(m.Sell_T)
    ore_by_mine = group(m.ORE_ARCS, lambda k: (k[0], k[2]))
    ore_by_ref_country = group(m.ORE_ARCS, lambda k: (k[1], mine_country[k[0]], k[2]))
    deliveries_by_yield = group(m.DELIVERIES, lambda k: (k[0], k[2], k[3], k[4]))
    deliveries_by_demand = group(m.DELIVERIES, lambda k: (k[1], k[2], k[4]))
    sales_by_market = group(m.SALES, lambda k: (k[1], k[3]))
    sales_by_yield = group(m.SALES, lambda k: (k[0], data.market_product(k[1]), k[2], k[3]))

    m.MINE_PERIODS = pyo.Set(dimen=2, initialize=sorted(ore_by_mine))
    m.Mine_Capacity = pyo.Constraint(
        m.MINE_PERIODS,
        rule=lambda _m, mine, t: linear([ore[k] for k in ore_by_mine[mine, t]]) <= data.mines[mine].capacity_t,
    )
    declare_rhs(m, "Mine_Capacity", lambda d, i: d.mines[i[0]].capacity_t)
    declare_var_bounds(m, "Ore_T", lambda d, i: (0.0, d.mine_arcs[i[0], i[1]].max_t))
    for name in ("Deliver_T", "Sell_T", "Unmet_T"):
        declare_var_bounds(m, name, None)

    # The balances are built later from registered terms (optimizer.model.balances): the network registers the
    # separation of ore into oxides, deliveries, sales and unmet demand like any other part would.
    composition, refs = data.composition, data.refineries
    add_oxide_supply(m, "separation", {
        (r, p, c, t): [term(refs[r].recovery * composition[k[0], p], ore[k]) for k in ore_by_ref_country[r, c, t]
                       if (k[0], p) in composition]
        for (r, p, c, t) in m.YIELDS})
    add_oxide_use(m, "deliveries", {y: [deliver[k] for k in ks] for y, ks in deliveries_by_yield.items()})
    add_oxide_use(m, "sales", {y: [sell[k] for k in ks] for y, ks in sales_by_yield.items()})
    add_demand_supply(m, "deliveries", {d: [deliver[k] for k in ks] for d, ks in deliveries_by_demand.items()})
    add_demand_supply(m, "unmet", {k: [m.Unmet_T[k]] for k in m.DEMANDS})

    limited_fab_arcs = [(r, f, t) for (r, f), arc in data.fab_arcs.items() if arc.max_t is not None for t in periods]
    deliveries_by_arc = group(m.DELIVERIES, lambda k: (k[0], k[1], k[4]))
    m.LIMITED_FAB_ARCS = pyo.Set(dimen=3, initialize=limited_fab_arcs)
    m.Fab_Arc_Limit = pyo.Constraint(
        m.LIMITED_FAB_ARCS,
        rule=lambda _m, r, f, t: (
            linear([deliver[k] for k in deliveries_by_arc[r, f, t]]) <= data.fab_arcs[r, f].max_t
            if deliveries_by_arc.get((r, f, t))
            else pyo.Constraint.Skip
        ),
    )
    declare_rhs(m, "Fab_Arc_Limit", lambda d, i: d.fab_arcs[i[0], i[1]].max_t)

    limited_markets = [(k, t) for k, mk in data.markets.items() if mk.max_t is not None for t in periods]
    m.LIMITED_MARKETS = pyo.Set(dimen=2, initialize=limited_markets)
    m.Market_Limit = pyo.Constraint(
        m.LIMITED_MARKETS,
        rule=lambda _m, k, t: (
            linear([sell[x] for x in sales_by_market[k, t]]) <= data.markets[k].max_t
            if sales_by_market.get((k, t))
            else pyo.Constraint.Skip
        ),
    )
    declare_rhs(m, "Market_Limit", lambda d, i: d.markets[i[0]].max_t)

    deliveries_by_ref = group(m.DELIVERIES, lambda k: (k[0], k[4]))
    graded = [(r, t) for r, ref in data.refineries.items() if ref.fab_grade_max_t is not None for t in periods
              if deliveries_by_ref.get((r, t))]
    m.FAB_GRADE_LIMITS = pyo.Set(dimen=2, initialize=graded)
    m.Fab_Grade_Limit = pyo.Constraint(
        m.FAB_GRADE_LIMITS,
        rule=lambda _m, r, t: linear([deliver[k] for k in deliveries_by_ref[r, t]]) <= data.refineries[r].fab_grade_max_t)
    declare_rhs(m, "Fab_Grade_Limit", lambda d, i: d.refineries[i[0]].fab_grade_max_t)

    add_flow_costs(m, data)


def add_flow_costs(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register the per-period (annual) flow costs: mining, refining, transport, tariffs, penalty, sales."""
    mines, refs = data.mines, data.refineries
    by_period = group(m.ORE_ARCS, lambda k: k[2])
    deliveries = group(m.DELIVERIES, lambda k: k[4])
    sales = group(m.SALES, lambda k: k[3])
    unmet = group([k for k in m.DEMANDS if not m.Unmet_T[k].fixed], lambda k: k[2])

    def freight(arc):  # type: ignore[no-untyped-def]
        return arc.cost_usd_per_t - arc.tariff_usd_per_t

    ore, deliver = variables(m.Ore_T), variables(m.Deliver_T)
    mine_arcs, fab_arcs = data.mine_arcs, data.fab_arcs
    add_cost_term(m, "mining", {
        t: linear([term(mines[k[0]].cost_usd_per_t, ore[k]) for k in by_period[t]]) for t in m.PERIODS})
    add_cost_term(m, "refining", {
        t: linear([term(refs[k[1]].opex_usd_per_t, ore[k]) for k in by_period[t]]) for t in m.PERIODS})
    add_cost_term(m, "transport", {
        t: linear([term(freight(mine_arcs[k[0], k[1]]), ore[k]) for k in by_period[t]]
                  + [term(freight(fab_arcs[k[0], k[1]]), deliver[k]) for k in deliveries[t]])
        for t in m.PERIODS
    })
    # Most arcs carry no tariff: leave their zero terms out (transport already holds every flow variable, so the
    # objective's coefficients and the order of the columns are the same with or without them).
    add_cost_term(m, "tariffs", {
        t: linear([term(c, ore[k]) for k in by_period[t] if (c := mine_arcs[k[0], k[1]].tariff_usd_per_t)]
                  + [term(c, deliver[k]) for k in deliveries[t] if (c := fab_arcs[k[0], k[1]].tariff_usd_per_t)])
        for t in m.PERIODS
    })
    add_cost_term(m, "unmet_penalty", {
        t: linear([term(data.unmet_penalty_usd_per_t[k[0], k[1]] or 0.0, m.Unmet_T[k]) for k in unmet[t]])
        for t in m.PERIODS})
    add_cost_term(m, "coproduct_sales", {
        t: linear([term(-data.markets[k[1]].price_usd_per_t, m.Sell_T[k]) for k in sales[t]]) for t in m.PERIODS})
