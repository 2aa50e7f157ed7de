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
    ``Mine_Capacity[m, t]``:   sum_r Ore_T[m, r, t] <= capacity_t[m, t] (+ new capacity, optimizer.model.investment)
    ``Fab_Arc_Limit[r, f, t]``:  sum_{p, c} Deliver_T[r, f, p, c, t] <= max_t[r, f]   (arcs with a limit)
    ``Market_Limit[k, t]``:  sum_{r, c} Sell_T[r, k, c, t] <= max_t[k]   (markets with a limit)
    ``Fab_Grade_Limit[r, t]``:  sum_{f, p, c} Deliver_T[r, f, p, c, t] <= fab_grade_max_t[r]   (plants with a limit)
    ``Product_Limit``, ``Product_Fab_Grade_Limit``: a product slate's limits (:mod:`optimizer.model.slates`)

Balance terms registered (the balances themselves are built by :mod:`optimizer.model.balances`)
    oxide supply ``separation``:  recovery[r, p] * sum_{m in c} share[m, p] * Ore_T[m, r, t]   into Oxide_Balance[r, p, c, t]
    oxide use ``deliveries``, ``sales``:  sum_f Deliver_T[r, f, p, c, t],  sum_{k of p} Sell_T[r, k, c, t]
    demand supply ``deliveries``, ``unmet``:  sum_{r, c} Deliver_T[r, f, p, c, t],  Unmet_T[f, p, t]
    so that, with nothing else registered,
        Oxide_Balance:  deliveries + sales <= separation   (free disposal of what is neither delivered nor sold)
        Demand_Balance:  deliveries + unmet == demand_t[f, p, t]
    Tagging each oxide tonne with the country of the mine it came from makes provenance exact: a fab's supply is
    known by (mine country, refinery country).

Operating states
    The flows above are *normal operations*.  A two-stage plan (:mod:`optimizer.model.disruptions`) adds one copy of
    them per disruption, on a block ``m.Disrupted[s]`` holding the same families under the same names.  Both are
    built by :func:`add_operations` from an :class:`Operations` (the state's index lists): normal operations from
    :func:`normal_operations`, kept as ``m.operations``; a copy from those lists with what the disruption stops
    left out, so that no copy re-derives (or clones) the network.  Each state's costs are registered by
    :func:`add_flow_costs`, weighted by the share of time expected in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import MonomialTermExpression

from optimizer.io.data import ModelData
from optimizer.model.balances import add_demand_supply, add_oxide_supply, add_oxide_use
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import add_index_set, aligned, variables
from optimizer.model.objective import add_cost_term
from optimizer.model.purifiers import add_purification, purifier_cost_terms, purifier_lists
from optimizer.model.slates import add_product_limits, line_periods
from optimizer.model.sums import by_period, group, group_values, linear, term, terms, where
from optimizer.model.wafer_loss import add_wafer_columns, wafer_cost_terms

# The helpers other model parts (and extensions) have imported from here.
__all__ = ["group", "linear", "term", "terms", "variables"]


NORMAL = ""  # the state name of normal operations (a copy's state is its disruption's id)


@dataclass(frozen=True)
class Operations:
    """The index lists of one operating state: normal operations, or operations while a disruption lasts.

    ``penalty`` gives, for each (fab, product), what a tonne/yr left unmet costs in this state (None: it must be
    met).  ``weight`` gives, for each period, the share of time the state is expected to hold (the weight of its
    operating cost in the objective).
    """

    state: str
    periods: tuple[int, ...]
    ore_arcs: list[tuple]  # (mine, refinery, period)
    yields: list[tuple]  # (refinery, product, origin country, period)
    deliveries: list[tuple]  # (refinery, fab, product, origin country, period)
    sales: list[tuple]  # (refinery, market, origin country, period)
    demands: list[tuple]  # (fab, product, period)
    penalty: Mapping[tuple[str, str], float | None]
    weight: Mapping[int, float]
    feeds: list[tuple] = field(default_factory=list)  # (refinery, purifier, product, origin, period)
    purified: list[tuple] = field(default_factory=list)  # (purifier, fab, product, origin, refinery country, period)


def normal_operations(data: ModelData) -> Operations:
    """The index lists of normal operations, built once from the arcs that exist (never from the dense product of
    node sets), and the weight of normal operations: 1 - sum of the expected time in every disruption."""
    periods = tuple(data.periods)
    mine_country = {mine: v.country for mine, v in data.mines.items()}
    # Which products each (refinery, origin country) can yield: those some mine of that country reaching the
    # refinery contains.
    origin_products: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mine, ref in data.mine_arcs:
        for p in data.mine_products(mine):
            origin_products[ref, mine_country[mine]].add(p)
    # A refinery with a product slate yields only the products listed (optimizer.model.slates).
    yields_static = sorted((r, p, c) for (r, c), ps in origin_products.items() for p in ps
                           if data.recovery_of(r, p) is not None)
    when = line_periods(data, {(r, p) for r, p, _ in yields_static})
    origins: dict[tuple[str, str], list[str]] = defaultdict(list)  # (refinery, product) -> origin countries
    for r, p, c in yields_static:
        origins[r, p].append(c)
    products_of: dict[str, list[str]] = defaultdict(list)  # fab -> the products it uses
    for f, p in data.fab_products:
        products_of[f].append(p)
    ref_country = {r: v.country for r, v in data.refineries.items()}
    markets_of = group(data.markets, data.market_product)
    weight = {t: 1.0 - sum(d.expected_yr for d in data.disruptions.values() if d.happens_in(t)) for t in periods}
    yields = [(r, p, c, t) for (r, p, c) in yields_static for t in when.get((r, p), periods)]
    feeds, purified = purifier_lists(data, yields, products_of, periods)
    return Operations(
        NORMAL, periods,
        ore_arcs=[(mi, r, t) for (mi, r) in data.mine_arcs for t in periods],
        yields=yields,
        # Each fab arc, each product the fab uses, each origin the refinery yields it from, each period its line
        # runs in: the deliveries in one comprehension (the model's largest list, so no intermediate one).
        deliveries=[(r, f, p, c, t) for (r, f) in data.fab_arcs for p in products_of.get(f, ())
                    for c in origins.get((r, p), ()) for t in when.get((r, p), periods)],
        sales=[(r, k, c, t) for (r, p, c) in yields_static for k in markets_of.get(p, [])
               if data.markets[k].open_to(ref_country[r]) for t in when.get((r, p), periods)],
        demands=list(data.demand_t), penalty=data.unmet_penalty_usd_per_t, weight=weight,
        feeds=feeds, purified=purified)


def add_network(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the periods and normal operations (sets, flow variables, limits, balance and cost terms) to ``m``."""
    m.PERIODS = pyo.Set(initialize=list(data.periods), ordered=True)
    m.operations = normal_operations(data)
    add_operations(m, data, m.operations)


def _delivery_groups(keys: Sequence[tuple], deliver: Sequence[object]) -> tuple[dict, dict]:
    """Deliveries by yield (refinery, product, origin, period) and by demand (fab, product, period), in one pass
    (the two sums every delivery enters)."""
    by_yield: dict = defaultdict(list)
    by_demand: dict = defaultdict(list)
    for k, v in zip(keys, deliver):
        by_yield[k[0], k[2], k[3], k[4]].append(v)
        by_demand[k[1], k[2], k[4]].append(v)
    return dict(by_yield), dict(by_demand)


def add_operations(b: pyo.Block, data: ModelData, ops: Operations) -> None:
    """Add one operating state's flows to ``b`` (the model for normal operations, a block for a copy): sets,
    variables, mine, arc, market and grade limits, its balance terms and its cost terms."""
    b.operations = ops
    periods = list(ops.periods)
    mine_country = {mine: v.country for mine, v in data.mines.items()}
    add_index_set(b, "ORE_ARCS", ops.ore_arcs, 3)
    add_index_set(b, "YIELDS", ops.yields, 4)
    add_index_set(b, "DELIVERIES", ops.deliveries, 5)
    add_index_set(b, "SALES", ops.sales, 4)
    add_index_set(b, "DEMANDS", ops.demands, 3)

    def ore_bounds(_m, mine, ref, _t):  # type: ignore[no-untyped-def]
        return (0.0, data.mine_arcs[mine, ref].max_t)

    b.Ore_T = pyo.Var(b.ORE_ARCS, bounds=ore_bounds, doc="concentrate moved mine -> refinery, t REO/yr")
    b.Deliver_T = pyo.Var(b.DELIVERIES, domain=pyo.NonNegativeReals, doc="oxide delivered to a fab, t/yr")
    b.Sell_T = pyo.Var(b.SALES, domain=pyo.NonNegativeReals, doc="co-product sold at the refinery gate, t/yr")
    b.Unmet_T = pyo.Var(b.DEMANDS, domain=pyo.NonNegativeReals, doc="demand not delivered, t/yr")
    # The variables in the order of the index lists: grouping walks both lists side by side (no lookup per key,
    # which at a million deliveries costs more than the rest of the grouping).
    ore, deliver = aligned(ops.ore_arcs, b.Ore_T), aligned(ops.deliveries, b.Deliver_T)
    sell, unmet = aligned(ops.sales, b.Sell_T), aligned(ops.demands, b.Unmet_T)
    for (f, p, _t), var in zip(ops.demands, unmet):
        if ops.penalty[f, p] is None:
            # A copy's demand may have no delivery left at all: a bound (not a fixed value, which Pyomo would
            # substitute into a trivially infeasible row) lets HiGHS report it as infeasible.
            var.fix(0.0) if ops.state == NORMAL else var.setub(0.0)

    ore_by_mine = group_values(ops.ore_arcs, ore, lambda k: (k[0], k[2]))
    b.MINE_PERIODS = pyo.Set(dimen=2, initialize=sorted(ore_by_mine))
    b.Mine_Capacity = pyo.Constraint(
        b.MINE_PERIODS, rule=lambda _m, mine, t: linear(ore_by_mine[mine, t]) <= data.mines[mine].existing_t(t))
    # New mine capacity is added to these rows by the investment part (optimizer.model.investment.add_capacity).
    declare_rhs(b, "Mine_Capacity", lambda d, i: d.mines[i[0]].existing_t(i[1]))
    declare_var_bounds(b, "Ore_T", lambda d, i: (0.0, d.mine_arcs[i[0], i[1]].max_t))
    for name in ("Deliver_T", "Sell_T", "Unmet_T"):
        declare_var_bounds(b, name, None)
    add_wafer_columns(b, data, ops.penalty, ops.demands)

    # The balances are built later from registered terms (optimizer.model.balances): the network registers the
    # separation of ore into oxides, deliveries, sales and unmet demand like any other part would.
    composition = data.composition
    recovery = {rp: data.recovery_of(*rp) or 0.0 for rp in {k[:2] for k in ops.yields}}  # yields are recovered
    ore_by_ref_country = group_values(ops.ore_arcs, list(zip(ops.ore_arcs, ore)),
                                       lambda k: (k[1], mine_country[k[0]], k[2]))
    add_oxide_supply(b, "separation", {
        (r, p, c, t): [term(recovery[r, p] * composition[k[0], p], v)
                       for k, v in ore_by_ref_country.get((r, c, t), ()) if (k[0], p) in composition]
        for (r, p, c, t) in ops.yields})
    deliveries_by_yield, deliveries_by_demand = _delivery_groups(ops.deliveries, deliver)
    add_oxide_use(b, "deliveries", deliveries_by_yield)
    add_oxide_use(b, "sales", group_values(ops.sales, sell, lambda k: (k[0], data.market_product(k[1]), k[2], k[3])))
    add_demand_supply(b, "deliveries", deliveries_by_demand)
    add_demand_supply(b, "unmet", {k: [v] for k, v in zip(ops.demands, unmet)})

    limited = {arc for arc, a in data.fab_arcs.items() if a.max_t is not None}
    limited_fab_arcs = [(r, f, t) for (r, f), arc in data.fab_arcs.items() if arc.max_t is not None for t in periods]
    by_arc = group_values(*where(ops.deliveries, deliver, lambda k: k[:2] in limited),
                           lambda k: (k[0], k[1], k[4])) if limited else {}
    b.LIMITED_FAB_ARCS = pyo.Set(dimen=3, initialize=limited_fab_arcs)
    b.Fab_Arc_Limit = pyo.Constraint(
        b.LIMITED_FAB_ARCS,
        rule=lambda _m, r, f, t: (
            linear(by_arc[r, f, t]) <= data.fab_arcs[r, f].max_t if by_arc.get((r, f, t)) else pyo.Constraint.Skip
        ),
    )
    declare_rhs(b, "Fab_Arc_Limit", lambda d, i: d.fab_arcs[i[0], i[1]].max_t)

    sales_by_market = group_values(ops.sales, sell, lambda k: (k[1], k[3]))
    limited_markets = [(k, t) for k, mk in data.markets.items() if mk.max_t is not None for t in periods]
    b.LIMITED_MARKETS = pyo.Set(dimen=2, initialize=limited_markets)
    b.Market_Limit = pyo.Constraint(
        b.LIMITED_MARKETS,
        rule=lambda _m, k, t: (
            linear(sales_by_market[k, t]) <= data.markets[k].max_t
            if sales_by_market.get((k, t))
            else pyo.Constraint.Skip
        ),
    )
    declare_rhs(b, "Market_Limit", lambda d, i: d.markets[i[0]].max_t)

    graded_refs = {r for r, ref in data.refineries.items() if ref.fab_grade_max_t is not None}
    by_ref = group_values(*where(ops.deliveries, deliver, lambda k: k[0] in graded_refs),
                           lambda k: (k[0], k[4])) if graded_refs else {}
    graded = [(r, t) for r, ref in data.refineries.items() if ref.fab_grade_max_t is not None for t in periods
              if by_ref.get((r, t))]
    b.FAB_GRADE_LIMITS = pyo.Set(dimen=2, initialize=graded)
    b.Fab_Grade_Limit = pyo.Constraint(
        b.FAB_GRADE_LIMITS,
        rule=lambda _m, r, t: linear(by_ref[r, t]) <= data.refineries[r].fab_grade_max_t)
    declare_rhs(b, "Fab_Grade_Limit", lambda d, i: d.refineries[i[0]].fab_grade_max_t)

    add_product_limits(b, data, deliver, sell)
    add_purification(b, data)
    add_flow_costs(b, data)


COST_COMPONENTS = ("mining", "refining", "transport", "tariffs", "unmet_penalty", "coproduct_sales")
# Every component operating_costs may give: the purification stage's opex only where the case has purifiers.
OPERATING_COMPONENTS = (*COST_COMPONENTS, "purifying")


def _arc_terms(keys: Sequence[tuple], variables: Sequence[object],
               coefs: Mapping[tuple, tuple[float, float | None]]) -> tuple[list, list]:
    """The freight and tariff terms of deliveries, in one pass: ``coefs[refinery, fab]`` is the arc's (freight,
    tariff) coefficient, the tariff ``None`` for an arc without one (its deliveries have no tariff term)."""
    mono = MonomialTermExpression
    freight_terms: list = []
    tariff_terms: list = []
    for k, v in zip(keys, variables):
        c, tariff = coefs[k[:2]]
        freight_terms.append(v if c == 1 else mono((c, v)))
        if tariff is not None:
            tariff_terms.append(v if tariff == 1 else mono((tariff, v)))
    return freight_terms, tariff_terms


def operating_costs(b: pyo.Block, data: ModelData, weight: Mapping[int, float] | None = None) -> dict[str, dict]:
    """``{component: {period: expression}}``: the annual flow costs of the state on ``b`` (mining, refining,
    transport, tariffs, penalty, sales), each coefficient multiplied by ``weight[period]`` (default 1)."""
    mines, refs, ops = data.mines, data.refineries, b.operations
    ore_of = by_period(ops.ore_arcs, aligned(ops.ore_arcs, b.Ore_T), 2)
    deliveries_of = by_period(ops.deliveries, aligned(ops.deliveries, b.Deliver_T), 4)
    sales_of = by_period(ops.sales, aligned(ops.sales, b.Sell_T), 3)
    wafer_priced = getattr(b, "wafer_rates", {})  # charged on Unmet_Wafers (optimizer.model.wafer_loss)
    penalised = [(k, v) for k, v in zip(ops.demands, aligned(ops.demands, b.Unmet_T))
                 if ops.penalty[k[0], k[1]] is not None and k not in wafer_priced]
    unmet_of = by_period([k for k, _ in penalised], [v for _, v in penalised], 2)

    def freight(arc):  # type: ignore[no-untyped-def]
        return arc.cost_usd_per_t - arc.tariff_usd_per_t

    mine_arcs, fab_arcs = data.mine_arcs, data.fab_arcs
    out: dict[str, dict] = {name: {} for name in COST_COMPONENTS}
    # The purification stage's flows (no entries without purifiers): its freight and tariffs join transport and
    # tariffs, its opex is a component of its own after the others.
    purifying = purifier_cost_terms(b, data, weight)
    if purifying:
        out["purifying"] = {}
    for t in ops.periods:
        w = 1.0 if weight is None else weight[t]
        ore_t, ore_v = ore_of.get(t, ([], []))
        out["mining"][t] = linear(terms([w * mines[k[0]].cost_usd_per_t for k in ore_t], ore_v))
        out["refining"][t] = linear(terms([w * refs[k[1]].opex_usd_per_t for k in ore_t], ore_v))
        # Most arcs carry no tariff: leave their zero terms out (transport already holds every flow variable, so
        # the objective's coefficients and the order of the columns are the same with or without them).
        freight_terms, tariff_terms = _arc_terms(*deliveries_of.get(t, ([], [])), {
            arc: (w * freight(a), w * a.tariff_usd_per_t if a.tariff_usd_per_t else None)
            for arc, a in fab_arcs.items()})
        more_freight, more_tariffs, opex = purifying.get(t, ([], [], []))
        out["transport"][t] = linear(terms([w * freight(mine_arcs[k[0], k[1]]) for k in ore_t], ore_v)
                                     + freight_terms + more_freight)
        out["tariffs"][t] = linear(
            [term(w * c, v) for k, v in zip(ore_t, ore_v) if (c := mine_arcs[k[0], k[1]].tariff_usd_per_t)]
            + tariff_terms + more_tariffs)
        if purifying:
            out["purifying"][t] = linear(opex)
        unmet_t, unmet_v = unmet_of.get(t, ([], []))
        out["unmet_penalty"][t] = linear(terms([w * (ops.penalty[k[0], k[1]] or 0.0) for k in unmet_t], unmet_v)
                                         + wafer_cost_terms(b, ops.penalty, t, w))
        sales_t, sales_v = sales_of.get(t, ([], []))
        out["coproduct_sales"][t] = linear(terms([-w * data.markets[k[1]].price_usd_per_t for k in sales_t], sales_v))
    return out


def add_flow_costs(b: pyo.Block, data: ModelData) -> None:
    """Register the annual flow costs of the operating state on ``b``, weighted by the time expected in it.

    Normal operations register one term per component (mining, refining, ...); a disruption's copy registers one
    term, ``disruption:<id>``, the sum of its components.  Without disruptions the weight of normal operations is 1
    and the terms are those of a one-stage plan.
    """
    ops = b.operations
    weight = {t: ops.weight[t] for t in ops.periods}
    model = b.model()
    if ops.state != NORMAL and not any(weight.values()):  # a must-survive disruption weighs nothing
        add_cost_term(model, f"disruption:{ops.state}", {t: linear([]) for t in ops.periods})
        return
    exact = all(w == 1.0 for w in weight.values())
    costs = operating_costs(b, data, None if exact else weight)
    if ops.state == NORMAL:
        for name, terms in costs.items():
            add_cost_term(model, name, terms)
        return
    add_cost_term(model, f"disruption:{ops.state}", {
        t: linear([arg for name in costs for arg in costs[name][t].args]) for t in ops.periods})
