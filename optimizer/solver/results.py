"""Solved model -> tidy result tables (pure: no I/O).

Every table is sorted and rounded the same way every time, so that the same input gives byte-identical CSV files.
Values are read once per variable family (:class:`optimizer.solver.values.SolvedValues`, shared by every table of
one extract), and only the non-zero ones are looked at; sums are taken in the same order as the model's index, so
the numbers are the same to the last bit as sums over every variable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import pyomo.core as pyo

from optimizer.io.data import Cap, ModelData
from optimizer.model.investment import (
    KINDS,
    build_options,
    build_sites,
    capital_recovery_factor,
    last_year,
    online_period,
)
from optimizer.model.objective import entry_period, entry_weight, period_weight
from optimizer.model.policy import cap_rows
from optimizer.solver.highs import SolveResult
from optimizer.solver.measures import marginal_usd_per_yr_per_pct, share
from optimizer.solver.money import money_column, undiscounted_column
from optimizer.solver.values import SolvedValues, linear_value

TOL = 1e-7  # tonnes below this are solver noise, not flows
DECIMALS = 6


@dataclass(frozen=True)
class CapRealised:
    """A cap's realised share of demand in one period, with its price.

    ``share`` is touched / demand in scope (delivered + unmet), the quantity the cap bounds.  The dual gives the
    marginal cost at the optimum; where the cost is not differentiable (a lumpy build switching, a binding
    capacity), tightening and loosening cost different amounts, given by ``usd_per_yr_per_pct_tighter`` and
    ``usd_per_yr_per_pct_looser`` when they are measured (``None`` when not).
    """

    cap: str
    period: int
    touched_t: float
    delivered_t: float
    demand_t: float
    max_share: float
    dual_usd_per_t: float  # d cost / d (touched allowance), USD per t; <= 0 when the cap binds
    dual_usd_per_yr_per_pct: float  # the dual as USD per percentage point tighter; >= 0
    usd_per_yr_per_pct_tighter: float | None = None  # cost of one point tighter, measured by re-solving
    usd_per_yr_per_pct_looser: float | None = None  # saving of one point looser, measured by re-solving

    @property
    def share(self) -> float:
        return share(self.touched_t, self.demand_t)


def _clean(df: pd.DataFrame, sort_by: list[str]) -> pd.DataFrame:
    df = df.sort_values(sort_by, kind="mergesort").reset_index(drop=True) if len(df) else df
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].round(DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return df


def _value(var: pyo.Var) -> float:
    return float(var.value or 0.0)


def flows_table(m: pyo.ConcreteModel, data: ModelData, values: SolvedValues | None = None) -> pd.DataFrame:
    """Every positive flow: concentrate to refineries, oxides to fabs, co-products sold; ``tonnes`` per year of the
    period and ``cost_usd_per_yr`` their cost per year (a sale's negative: its revenue)."""
    values = values or SolvedValues(m)
    rows = []
    for (mine, ref, t), x in values[m.Ore_T].above(TOL):
        rows.append(("mine_to_refinery", mine, ref, "REO", data.mines[mine].country, t, x,
                     x * data.mine_arcs[mine, ref].cost_usd_per_t))
    for (ref, fab, p, c, t), x in values[m.Deliver_T].above(TOL):
        rows.append(("refinery_to_fab", ref, fab, p, c, t, x, x * data.fab_arcs[ref, fab].cost_usd_per_t))
    for (ref, p, c, t), x in values[m.Sell_T].above(TOL):
        market = data.markets[p]  # the index holds the market id
        rows.append(("sale", ref, p, data.market_product(p), c, t, x, -x * market.price_usd_per_t))
    if hasattr(m, "Feed_T"):  # the purification stage (each row's cost is its arc's, as for the other stages)
        for (ref, q, p, c, t), x in values[m.Feed_T].above(TOL):
            rows.append(("refinery_to_purifier", ref, q, p, c, t, x, x * data.purify_arcs[ref, q].cost_usd_per_t))
        for (q, fab, p, c, _rc, t), x in values[m.Purified_T].above(TOL):
            rows.append(("purifier_to_fab", q, fab, p, c, t, x, x * data.purified_arcs[q, fab].cost_usd_per_t))
    cols = ["stage", "from", "to", "product", "origin_country", "period", "tonnes", "cost_usd_per_yr"]
    return _clean(pd.DataFrame(rows, columns=cols), ["period", "stage", "from", "to", "product", "origin_country"])


def builds_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Every build option with what was decided (rows with ``built`` false show the candidates left unbuilt).

    ``period`` and ``decided`` are the year of the decision, ``online`` the first year the capacity runs and
    ``retires`` the first year it no longer does (blank in a steady-state case, where years do not apply).  When a
    case can build other kinds of site than refineries (mines, purifiers, upgrades), a last column ``kind`` says which;
    ``refinery`` then names the site (the mine, purifier or upgrade) and ``new_tpa`` is in its unit.
    """
    rows = []
    sites = build_sites(data)
    for kind, site, country, t, var in build_options(m, data):
        e = sites[kind][site][1]
        built_var = getattr(m, KINDS[kind].built)
        new = _value(var)
        built = bool(round(_value(built_var[site, t]))) if (site, t) in built_var else new > TOL
        crf = capital_recovery_factor(data.discount_rate, e.lifetime_yr)
        capex = crf * (e.capex_usd_per_tpa * new + (e.fixed_capex_usd if built and e.build == "lumpy" else 0.0))
        start = online_period(data, e, t) if data.multi_period else None
        retires = None if start is None else last_year(e, start) + 1
        rows.append((site, country, t, new if new > TOL else 0.0, built, capex if built else 0.0,
                     t if data.multi_period else None, start, retires, kind))
    cols = ["refinery", "country", "period", "new_tpa", "built", "capex_usd_per_yr", "decided", "online", "retires",
            "kind"]
    # An empty table still has a boolean ``built`` column: ``builds[builds["built"]]`` must select rows, not columns.
    df = pd.DataFrame(rows, columns=cols).astype({"built": bool})
    for col in ("decided", "online", "retires"):  # years as whole numbers, blank where they do not apply
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    if set(m.build_kinds) == {"refinery"}:
        return _clean(df.drop(columns="kind"), ["period", "refinery"])
    return _clean(df, ["period", "kind", "refinery"])


def supply_table(m: pyo.ConcreteModel, data: ModelData, values: SolvedValues | None = None) -> pd.DataFrame:
    """Each fab's supply by provenance: (mine country, refinery country)."""
    values = values or SolvedValues(m)
    tonnes: dict[tuple, float] = defaultdict(float)
    country = {r: v.country for r, v in data.refineries.items()}
    for (ref, fab, p, c, t), x in values[m.Deliver_T].above(TOL):
        tonnes[fab, p, t, c, country[ref]] += x
    cols = ["fab", "product", "period", "mine_country", "refinery_country", "tonnes"]
    order = ["period", "fab", "product", "mine_country", "refinery_country"]
    if not hasattr(m, "Purified_T"):
        rows = [(*k, v) for k, v in tonnes.items()]
        return _clean(pd.DataFrame(rows, columns=cols), order)
    # With a purification stage each row also names the purifier (blank: delivered straight from the refinery).
    by_purifier: dict[tuple, float] = defaultdict(float)
    for k, v in tonnes.items():
        by_purifier[(*k, "")] += v
    for (q, fab, p, c, rc, t), x in values[m.Purified_T].above(TOL):
        by_purifier[fab, p, t, c, rc, q] += x
    rows = [(*k, v) for k, v in by_purifier.items()]
    return _clean(pd.DataFrame(rows, columns=[*cols[:5], "purifier", "tonnes"]), [*order, "purifier"])


def realised_shares(m: pyo.ConcreteModel, data: ModelData, cap: Cap,
                    values: SolvedValues | None = None) -> dict[int, tuple[float, float, float]]:
    """period -> (touched, delivered, demand) tonnes for a cap's scope, whether or not the cap is in the model.

    The sums run over the deliveries with a non-zero value (:mod:`optimizer.solver.values`: the same numbers as over
    all of them).  Where none is left in a period, the sum over all of them is ``0.0``, or ``0`` (as ``sum([])``)
    when the cap has no delivery there at all.
    """
    values = values or SolvedValues(m)
    deliver = values[m.Deliver_T].nonzero
    rows = cap_rows(data, cap, deliver)
    every: dict | None = None  # the rows over every delivery: kept on the model by the build, so asked only if needed
    out = {}
    for t, row in rows.items():
        if not (row.touched and row.scope) and every is None:
            every = cap_rows(data, cap, m.DELIVERIES)
        scope, touched = (True, True) if every is None else (bool(every[t].scope), bool(every[t].touched))
        out[t] = (sum(deliver[x] for x in row.touched) if row.touched else (0.0 if touched else 0),
                  sum(deliver[x] for x in row.scope) if row.scope else (0.0 if scope else 0), row.demand_t)
    if hasattr(m, "Purified_T"):  # purified tonnes count like deliveries (optimizer.model.policy.cap_rows)
        purified = values[m.Purified_T].nonzero
        for t, row in cap_rows(data, cap, m.DELIVERIES).items():
            touched_t, delivered_t, demand_t = out[t]
            out[t] = (touched_t + sum(purified.get(x, 0.0) for x in row.purified_touched),
                      delivered_t + sum(purified.get(x, 0.0) for x in row.purified_scope), demand_t)
    return out


def caps_realised(m: pyo.ConcreteModel, data: ModelData, solved: SolveResult,
                  values: SolvedValues | None = None) -> list[CapRealised]:
    """Each cap's realised share and its dual, per period."""
    out = []
    values = values or SolvedValues(m)
    rows = m.Dependence_Cap
    for k, cap in data.caps.items():
        for t, (touched, delivered, demand) in realised_shares(m, data, cap, values).items():
            dual = solved.duals.get(rows[k, t], 0.0) if (k, t) in rows else 0.0
            out.append(CapRealised(k, t, touched, delivered, demand, cap.share_in(t), dual / period_weight(data, t),
                                   marginal_usd_per_yr_per_pct(dual, data, t, demand)))
    return out


def dependence_table(realised: list[CapRealised]) -> pd.DataFrame:
    rows = [(c.cap, c.period, c.touched_t, c.delivered_t, c.demand_t, c.share, c.max_share, c.dual_usd_per_yr_per_pct,
             c.usd_per_yr_per_pct_tighter, c.usd_per_yr_per_pct_looser) for c in realised]
    cols = ["cap", "period", "touched_t", "delivered_t", "demand_t", "share", "max_share", "dual_usd_per_yr_per_pct",
            "usd_per_yr_per_pct_tighter", "usd_per_yr_per_pct_looser"]
    return _clean(pd.DataFrame(rows, columns=cols), ["cap", "period"])


def costs_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Cost by component and period: ``usd_pv`` discounted to the first period's year as the objective sums it (so the
    column sums to the objective), ``usd_undiscounted_over_period`` the same costs at face value over the period's
    years; for one steady-state year, ``usd_per_yr`` and ``usd_undiscounted_per_yr`` (the same number): the names
    come from :mod:`optimizer.solver.money`.

    With disruptions, the operating components (mining, refining, ...) are those of normal operations all year, and
    each ``disruption:<id>`` row is the disruption's *extra* expected cost over them, refilling the stockpiles it
    draws included (``stockpile_replenish`` keeps what no disruption's row takes): the objective weighs normal
    operations by the time expected outside every disruption and each disruption's operations by the time expected
    in it, and ``w_n x normal + sum_s pi_s x disrupted_s = normal + sum_s pi_s x (disrupted_s - normal)``.
    """
    totals: dict[tuple[str, int], list[float]] = {}
    for name, terms in m.cost_terms.items():
        for key, expr in terms.items():
            value = linear_value(expr)
            entry = totals.setdefault((name, entry_period(key)), [0.0, 0.0])
            entry[0] += entry_weight(data, key) * value
            entry[1] += entry_weight(data, key, discounted=False) * value
    if getattr(m, "operating_copies", None):
        _as_extra_costs(m, data, totals)
    rows = [(name, t, usd, face) for (name, t), (usd, face) in totals.items()]
    columns = ["component", "period", money_column("", data.multi_period), undiscounted_column("", data.multi_period)]
    return _clean(pd.DataFrame(rows, columns=columns), ["period", "component"])


def _as_extra_costs(m: pyo.ConcreteModel, data: ModelData, totals: dict[tuple[str, int], list[float]]) -> None:
    """Normal operations at full weight, and each disruption's row as its extra cost over them, refilling what it
    draws from stockpiles included (as ``disruptions.csv``'s expected cost; see :func:`costs_table`)."""
    from optimizer.model.network import OPERATING_COMPONENTS

    for t, w in m.operations.weight.items():
        if not 0.0 < w < 1.0:
            continue
        full = [0.0, 0.0]
        for name in OPERATING_COMPONENTS:
            entry = totals.get((name, t))
            if entry is not None:
                entry[0], entry[1] = entry[0] / w, entry[1] / w
                full[0], full[1] = full[0] + entry[0], full[1] + entry[1]
        for b in m.operating_copies:
            ops = b.operations
            entry = totals.get((f"disruption:{ops.state}", t))
            if entry is not None and t in ops.weight:
                entry[0] -= ops.weight[t] * full[0]
                entry[1] -= ops.weight[t] * full[1]
    if not hasattr(m, "Draw_T"):
        return
    for (s, k, _f, t), var in m.Draw_T.items():  # refilling: from the stockpiles' row to the disruption's
        refill = data.disruptions[s].expected_yr * data.stockpiles[k].replenish_usd_per_t * _value(var)
        target, source = totals.get((f"disruption:{s}", t)), totals.get(("stockpile_replenish", t))
        if refill and target is not None and source is not None:
            for i, discounted in ((0, True), (1, False)):
                moved = entry_weight(data, t, discounted=discounted) * refill
                target[i] += moved
                source[i] -= moved


_MEANINGS = {
    "Demand_Balance": "delivered marginal price: cost of one more t of demand, USD/t",
    "Dependence_Cap": "cost change per t more that the supplier may touch, USD/t (<= 0 when binding)",
    "Refinery_Capacity": "cost change per t/yr more refinery capacity, USD/t (<= 0 when full)",
    "Mine_Capacity": "cost change per t/yr more mine output, USD/t REO (<= 0 when exhausted)",
    "Market_Limit": "cost change per t more co-product that could be sold, USD/t",
    "Fab_Arc_Limit": "cost change per t more that the arc may carry, USD/t",
    "Fab_Grade_Limit": "cost change per t more fab-grade oxide the plant could deliver, USD/t",
    "Build_Limit": "cost change per t/yr more buildable capacity, USD/(t/yr) over the horizon",
}


def _meaning(name: str, data: ModelData) -> str:
    """What a dual means, with its money: a build limit's spans the horizon, a present value on a pathway."""
    if name == "Build_Limit":
        return _MEANINGS[name] + (f" (present value, USD of {data.periods[0]})" if data.multi_period else
                                  " (one steady-state year: per year)")
    return _MEANINGS[name]


def duals_table(m: pyo.ConcreteModel, data: ModelData, solved: SolveResult) -> pd.DataFrame:
    """Every dual of interest, per year of its period (a build limit's over the horizon), with what it means."""
    suffix = " [LP with integer decisions fixed at the optimum]" if solved.duals_source == "milp_fixed" else ""
    rows = []
    for name in _MEANINGS:
        component = getattr(m, name, None)
        if component is None:
            continue
        meaning = _meaning(name, data)
        for index, con in component.items():
            idx = index if isinstance(index, tuple) else (index,)
            y = solved.duals.get(con, 0.0)
            if name != "Build_Limit":
                y /= period_weight(data, idx[-1])
            rows.append((name, ",".join(str(i) for i in idx), y, meaning + suffix))
    return _clean(pd.DataFrame(rows, columns=["constraint", "index", "value", "meaning"]), ["constraint", "index"])


def unmet_demand(m: pyo.ConcreteModel, values: SolvedValues | None = None) -> list[tuple[str, str, int, float]]:
    """(fab, product, period, tonnes) for every demand not fully delivered."""
    return sorted((f, p, t, x) for (f, p, t), x in (values or SolvedValues(m))[m.Unmet_T].above(TOL))
