"""Results of a two-stage plan: stockpiles held, and what each disruption leaves unmet and costs.

``stockpiles.csv``: stockpile, holder, product, period, tonnes, holding_usd_per_yr.

``disruptions.csv``, per disruption, period it may happen in and product demanded by the fabs in its scope:

- ``demand_t``, ``unmet_t``: what those fabs need of the product over the disruption and what of it goes unmet
  (rate x duration);
- ``stockpile_drawn_t``: tonnes drawn over the disruption (all products; the same on each product row, as the
  costs below);
- ``cost_while_it_lasts_usd``: what the disruption costs each time it happens: duration x (operating cost in it -
  normal operating cost) + refilling what was drawn; blank for a must-survive disruption (it weighs nothing, so its
  flows are feasible rather than cheapest);
- ``expected_cost_usd_per_yr``: probability_per_yr x that cost (0 for a must-survive disruption).  The plan's
  expected annual cost is normal operations + the sum of these + holding + capex, which is the objective;
- ``unmet_without_plan_t``: tonnes of the product left unmet on today's network (no new capacity, no stockpiles),
  when measured.

:func:`disrupted_unmet` measures what each disruption leaves unmet with the first-stage decisions held at given
values (the plan's builds with or without its stockpiles, or none at all): ``solve`` and ``stress`` use it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pyomo.core as pyo

from optimizer.io.data import ModelData, _frozen
from optimizer.model import build_model
from optimizer.model.network import operating_costs
from optimizer.solver.highs import SolveOptions, solve_model
from optimizer.solver.results import _clean, _value
from optimizer.solver.values import linear_value

# What a tonne/yr short costs in a measurement where the input gives no price: far above any supply route, so that
# unmet tonnes are physically short (as in ``paxsilica stress``).
PROBE_PENALTY_USD_PER_T = 1e8


def _annual(b: pyo.Block, data: ModelData) -> dict[int, float]:
    """period -> the state's operating cost per year (its expressions are built once for every period: they span
    the whole network)."""
    costs = operating_costs(b, data)
    return {t: sum(linear_value(terms[t]) for terms in costs.values() if t in terms) for t in b.operations.periods}


def _drawn(m: pyo.ConcreteModel, data: ModelData, s: str, t: int) -> tuple[float, float]:
    """(t/yr drawn, USD/yr of refilling it) in copy s, period t."""
    if not hasattr(m, "Draw_T"):
        return 0.0, 0.0
    rate = cost = 0.0
    for (c, k, _f, p), var in m.Draw_T.items():
        if c == s and p == t:
            rate += _value(var)
            cost += _value(var) * data.stockpiles[k].replenish_usd_per_t
    return rate, cost


def stockpiles_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Every stockpile and period: tonnes held and their annual holding cost."""
    rows = []
    if hasattr(m, "Stock_T"):
        for (k, t), var in m.Stock_T.items():
            sp, x = data.stockpiles[k], _value(var)
            x = x if x > 1e-7 else 0.0
            rows.append((k, sp.holder, sp.product, t, x, x * sp.holding_usd_per_t_yr))
    cols = ["stockpile", "holder", "product", "period", "tonnes", "holding_usd_per_yr"]
    return _clean(pd.DataFrame(rows, columns=cols), ["period", "stockpile"])


def scope_products(data: ModelData, s: str, t: int) -> list[tuple[str, float]]:
    """(product, t/yr demanded) of the fabs in disruption ``s``'s scope in period ``t``, products in input order."""
    d = data.disruptions[s]
    demand: dict[str, float] = {}
    for (f, p, period), x in data.demand_t.items():
        if period == t and f in d.scope.fabs and p in d.scope.products:
            demand[p] = demand.get(p, 0.0) + x
    return [(p, demand[p]) for p in data.products if p in demand]


def disruptions_table(m: pyo.ConcreteModel, data: ModelData,
                      without_plan: dict[tuple[str, int, str], float] | None = None) -> pd.DataFrame:
    """Every disruption, period it may happen in and product demanded in its scope: demand and unmet over the
    disruption; drawn, cost while it lasts and expected annual cost of the disruption in that period (the same on
    each of its product rows)."""
    rows = []
    normal: dict[int, float] = {}  # normal operations' cost per year, by period (made once, when first needed)
    for b in getattr(m, "operating_copies", []):
        s = b.operations.state
        d = data.disruptions[s]
        annual: dict[int, float] = {}
        if not d.must_survive:
            normal = normal or _annual(m, data)
            annual = _annual(b, data)
        for t in b.operations.periods:
            unmet: dict[str, float] = {}
            for (f, p, period), v in b.Unmet_T.items():
                if period == t and f in d.scope.fabs:
                    unmet[p] = unmet.get(p, 0.0) + _value(v)
            rate, refill = _drawn(m, data, s, t)
            # A must-survive copy weighs nothing in the objective: its flows are feasible, not cheapest, so its
            # cost is not a number of the plan.
            cost = None if d.must_survive else d.duration_yr * (annual[t] - normal[t] + refill)
            expected = 0.0 if cost is None else d.probability_per_yr * cost  # type: ignore[operator]
            for p, demand in scope_products(data, s, t):
                missing = None if without_plan is None else without_plan.get((s, t, p))
                rows.append((s, t, p, d.probability_per_yr, d.duration_months, d.must_survive,
                             d.duration_yr * demand, d.duration_yr * unmet.get(p, 0.0), d.duration_yr * rate, cost,
                             expected, missing))
    cols = ["disruption", "period", "product", "probability_per_yr", "duration_months", "must_survive", "demand_t",
            "unmet_t", "stockpile_drawn_t", "cost_while_it_lasts_usd", "expected_cost_usd_per_yr",
            "unmet_without_plan_t"]
    df = pd.DataFrame(rows, columns=cols)
    for col in ("probability_per_yr", "cost_while_it_lasts_usd", "unmet_without_plan_t"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    return _clean(df, ["disruption", "period"])


def per_disruption(df: pd.DataFrame) -> pd.DataFrame:
    """``disruptions.csv`` rows summed over products: one row per disruption and period (tonnes summed, the
    disruption's own figures kept)."""
    if "product" not in df.columns or df.empty:
        return df
    keys = ["disruption", "period"]
    summed = df.groupby(keys, sort=False)[["demand_t", "unmet_t"]].sum()
    first = df.groupby(keys, sort=False).first().drop(columns=["product", "demand_t", "unmet_t"])
    if "unmet_without_plan_t" in df.columns:
        without = df.groupby(keys, sort=False)["unmet_without_plan_t"].sum(min_count=1)
        first["unmet_without_plan_t"] = without
    return first.join(summed).reset_index()


def probe(data: ModelData) -> ModelData:
    """The case as a measurement of the copies: every demand may go unmet (at its penalty, else
    :data:`PROBE_PENALTY_USD_PER_T`), no caps, and every disruption weighted (must-survive ones too), so that each
    copy's unmet tonnes are the least its network allows."""
    penalties = {k: (PROBE_PENALTY_USD_PER_T if data.disruption_penalty_usd_per_t(*k) is None
                     else data.disruption_penalty_usd_per_t(*k)) for k in data.fab_products}
    share = 1.0 / (len(data.disruptions) + 1)
    disruptions = {k: replace(d, probability_per_yr=share / d.duration_yr) for k, d in data.disruptions.items()}
    parameters = dict(data.parameters, default_disruption_penalty_usd_per_t=None)
    return replace(data.with_caps({}), unmet_penalty_usd_per_t=_frozen(penalties), disruptions=_frozen(disruptions),
                   parameters=_frozen(parameters))


def hold(var: Any, value: float) -> None:
    """Hold a first-stage variable at ``value`` by its bounds (a binary becomes continuous: the case is an LP)."""
    if var.is_binary():
        var.domain = pyo.Reals
    var.setlb(value)
    var.setub(value)


def disrupted_unmet(data: ModelData, builds: dict[tuple, float] | None,
                    stocks: dict[tuple[str, int], float] | None,
                    options: SolveOptions | None = None) -> dict[tuple, float] | None:
    """Tonnes each disruption leaves unmet, per (disruption, period) and per (disruption, period, product), with the builds held at ``builds``
    (keys as :func:`first_stage` gives them; None: nothing built) and the stockpiles at ``stocks`` (None: empty).

    ``None`` when the measurement has no solution.
    """
    m = build_model(probe(data))
    for kind, build, built in build_families(m):
        for key, var in build.items():
            value = 0.0 if builds is None else builds.get(build_key(kind, key), 0.0)
            hold(var, value)
            if key in built:
                hold(built[key], 1.0 if value > 1e-9 else 0.0)
    if hasattr(m, "Stock_T"):
        for key, var in m.Stock_T.items():
            hold(var, 0.0 if stocks is None else max(stocks.get(key, 0.0), 0.0))
    if not solve_model(m, options).outcome.usable:
        return None
    out: dict[tuple, float] = {}
    for b in m.operating_copies:
        d = data.disruptions[b.operations.state]
        for t in b.operations.periods:
            out[b.operations.state, t] = d.duration_yr * sum(_value(v) for (_f, _p, p), v in b.Unmet_T.items()
                                                             if p == t)
            for (f, product, p), v in b.Unmet_T.items():  # and per product, of the fabs in the disruption's scope
                if p == t and f in d.scope.fabs:
                    key = (b.operations.state, t, product)
                    out[key] = out.get(key, 0.0) + d.duration_yr * _value(v)
    return out


def build_families(m: pyo.ConcreteModel) -> list[tuple[str, Any, Any]]:
    """(kind, build variables, binaries) of every kind of build in the model (refineries first)."""
    return [(kind, getattr(m, n.build), getattr(m, n.built)) for kind, n in m.build_kinds.items()]


def build_key(kind: str, index: tuple) -> tuple:
    """The key of a build in :func:`first_stage`'s dict: (refinery, period) for a refinery, else (kind, site,
    period)."""
    return index if kind == "refinery" else (kind, *index)


def first_stage(m: pyo.ConcreteModel) -> tuple[dict[tuple, float], dict[tuple[str, int], float]]:
    """The plan's builds ((refinery, period) -> t/yr, and (kind, site, period) for mines, purifiers and upgrades) and
    stockpiles ((stockpile, period) -> t), as solved."""
    builds: dict[tuple, float] = {}
    for kind, build, built in build_families(m):
        for k, v in build.items():
            builds[build_key(kind, k)] = _value(v)
        for k, v in built.items():
            if round(_value(v)) < 1:
                builds[build_key(kind, k)] = 0.0
    stocks = {k: _value(v) for k, v in m.Stock_T.items()} if hasattr(m, "Stock_T") else {}
    return builds, stocks


def two_stage_summary(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """``summary.json`` entries: every stockpile held and every disruption's row."""
    def records(name: str) -> list[dict[str, Any]]:
        df = tables.get(name)
        if df is None:
            return []
        return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in df.to_dict("records")]

    stock = [r for r in records("stockpiles") if r["tonnes"] > 0]
    return {"stockpiles": stock, "disruptions": records("disruptions")}
