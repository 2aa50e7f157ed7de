"""Solved model -> tidy result tables (pure: no I/O).

Every table is sorted and rounded the same way every time, so that the same input gives byte-identical CSV files.
Values are read once per variable family into arrays (:func:`solution`), and only the positive flows are turned
into rows; sums are taken in the same order as before, so the numbers are the same to the last bit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.core as pyo

from optimizer.io.data import Cap, ModelData
from optimizer.model.investment import capital_recovery_factor, last_year, online_period
from optimizer.model.objective import entry_period, entry_weight, period_weight
from optimizer.model.policy import cap_rows
from optimizer.solver.compile import expression_value
from optimizer.solver.highs import SolveResult

TOL = 1e-7  # tonnes below this are solver noise, not flows
DECIMALS = 6


@dataclass(frozen=True)
class CapRealised:
    """A cap's realised share of demand in one period, with its price.

    ``share`` is touched / demand in scope (delivered + unmet), the quantity the cap bounds.  The dual gives the
    marginal cost at the optimum; where the cost is not differentiable (a lumpy build switching, a binding
    capacity), tightening and loosening cost different amounts, given by ``usd_per_pct_tighter`` and
    ``usd_per_pct_looser`` when they are measured (``None`` when not).
    """

    cap: str
    period: int
    touched_t: float
    delivered_t: float
    demand_t: float
    max_share: float
    dual_usd_per_t: float  # d cost / d (touched allowance), USD per t; <= 0 when the cap binds
    dual_usd_per_pct: float  # the dual as USD per percentage point tighter; >= 0
    usd_per_pct_tighter: float | None = None  # cost of one point tighter, measured by re-solving
    usd_per_pct_looser: float | None = None  # saving of one point looser, measured by re-solving

    @property
    def share(self) -> float:
        return self.touched_t / self.demand_t if self.demand_t > TOL else 0.0


def _clean(df: pd.DataFrame, sort_by: list[str]) -> pd.DataFrame:
    df = df.sort_values(sort_by, kind="mergesort").reset_index(drop=True) if len(df) else df
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].round(DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return df


def _value(var: pyo.Var) -> float:
    return float(var.value or 0.0)


def solution(component: pyo.Var) -> tuple[list, np.ndarray]:
    """(indices, values) of a variable family, in index order (an unset value counts as 0)."""
    keys = list(component.keys())
    data = component._data  # the index -> variable dict behind component[index], read directly (a third the time)
    values = np.fromiter((data[k]._value or 0.0 for k in keys), dtype=float, count=len(keys))
    return keys, values


def positive(component: pyo.Var) -> list[tuple[tuple, float]]:
    """(index, value) of the variables above :data:`TOL`, in index order."""
    keys, values = solution(component)
    return [(keys[i], x) for i, x in zip(np.flatnonzero(values > TOL).tolist(), values[values > TOL].tolist())]


def values_by_index(component: pyo.Var) -> dict:
    """index -> value of a variable family."""
    keys, values = solution(component)
    return dict(zip(keys, values.tolist()))


def flows_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Every positive flow: concentrate to refineries, oxides to fabs, co-products sold."""
    rows = []
    for (mine, ref, t), x in positive(m.Ore_T):
        rows.append(("mine_to_refinery", mine, ref, "REO", data.mines[mine].country, t, x,
                     x * data.mine_arcs[mine, ref].cost_usd_per_t))
    for (ref, fab, p, c, t), x in positive(m.Deliver_T):
        rows.append(("refinery_to_fab", ref, fab, p, c, t, x, x * data.fab_arcs[ref, fab].cost_usd_per_t))
    for (ref, p, c, t), x in positive(m.Sell_T):
        market = data.markets[p]  # the index holds the market id
        rows.append(("sale", ref, p, data.market_product(p), c, t, x, -x * market.price_usd_per_t))
    cols = ["stage", "from", "to", "product", "origin_country", "period", "tonnes", "cost_usd"]
    return _clean(pd.DataFrame(rows, columns=cols), ["period", "stage", "from", "to", "product", "origin_country"])


def builds_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Every build option with what was decided (rows with ``built`` false show the candidates left unbuilt).

    ``period`` and ``decided`` are the year of the decision, ``online`` the first year the capacity runs and
    ``retires`` the first year it no longer does (blank in a steady-state case, where years do not apply).
    """
    rows = []
    for (ref, t), var in m.Build_TPA.items():
        r = data.refineries[ref]
        new = _value(var)
        built = bool(round(_value(m.Built[ref, t]))) if (ref, t) in m.Built else new > TOL
        crf = capital_recovery_factor(data.discount_rate, r.lifetime_yr)
        capex = crf * (r.capex_usd_per_tpa * new + (r.fixed_capex_usd if built and r.build == "lumpy" else 0.0))
        start = online_period(data, r, t) if data.multi_period else None
        retires = None if start is None else last_year(r, start) + 1
        rows.append((ref, r.country, t, new if new > TOL else 0.0, built, capex if built else 0.0,
                     t if data.multi_period else None, start, retires))
    cols = ["refinery", "country", "period", "new_tpa", "built", "capex_usd_per_yr", "decided", "online", "retires"]
    # An empty table still has a boolean ``built`` column: ``builds[builds["built"]]`` must select rows, not columns.
    df = pd.DataFrame(rows, columns=cols).astype({"built": bool})
    for col in ("decided", "online", "retires"):  # years as whole numbers, blank where they do not apply
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return _clean(df, ["period", "refinery"])


def supply_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Each fab's supply by provenance: (mine country, refinery country)."""
    tonnes: dict[tuple, float] = defaultdict(float)
    country = {r: v.country for r, v in data.refineries.items()}
    for (ref, fab, p, c, t), x in positive(m.Deliver_T):
        tonnes[fab, p, t, c, country[ref]] += x
    rows = [(*k, v) for k, v in tonnes.items()]
    cols = ["fab", "product", "period", "mine_country", "refinery_country", "tonnes"]
    return _clean(pd.DataFrame(rows, columns=cols), ["period", "fab", "product", "mine_country", "refinery_country"])


def realised_shares(m: pyo.ConcreteModel, data: ModelData, cap: Cap,
                    deliver: dict | None = None) -> dict[int, tuple[float, float, float]]:
    """period -> (touched, delivered, demand) tonnes for a cap's scope, whether or not the cap is in the model.

    ``deliver`` is :func:`values_by_index` of ``Deliver_T`` when the caller has it already.
    """
    deliver = values_by_index(m.Deliver_T) if deliver is None else deliver
    return {t: (sum(deliver[x] for x in row.touched), sum(deliver[x] for x in row.scope), row.demand_t)
            for t, row in cap_rows(data, cap, m.DELIVERIES).items()}


def caps_realised(m: pyo.ConcreteModel, data: ModelData, solved: SolveResult) -> list[CapRealised]:
    """Each cap's realised share and its dual, per period."""
    out = []
    deliver = values_by_index(m.Deliver_T)
    rows = m.Dependence_Cap
    for k, cap in data.caps.items():
        for t, (touched, delivered, demand) in realised_shares(m, data, cap, deliver).items():
            y = solved.duals.get(rows[k, t], 0.0) / period_weight(data, t) if (k, t) in rows else 0.0
            # The allowance is max_share * demand_t: d cost / d max_share = y * demand_t; one point is 0.01.
            out.append(CapRealised(k, t, touched, delivered, demand, cap.share_in(t), y, -y * demand / 100.0))
    return out


def dependence_table(realised: list[CapRealised]) -> pd.DataFrame:
    rows = [(c.cap, c.period, c.touched_t, c.delivered_t, c.demand_t, c.share, c.max_share, c.dual_usd_per_pct,
             c.usd_per_pct_tighter, c.usd_per_pct_looser) for c in realised]
    cols = ["cap", "period", "touched_t", "delivered_t", "demand_t", "share", "max_share", "dual_usd_per_pct",
            "usd_per_pct_tighter", "usd_per_pct_looser"]
    return _clean(pd.DataFrame(rows, columns=cols), ["cap", "period"])


def costs_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Cost by component and period: ``usd`` discounted to the first period's year as the objective sums it (so the
    column sums to the objective), ``usd_undiscounted`` the same costs at face value over the period's years."""
    totals: dict[tuple[str, int], list[float]] = {}
    for name, terms in m.cost_terms.items():
        for key, expr in terms.items():
            value = expression_value(expr)
            entry = totals.setdefault((name, entry_period(key)), [0.0, 0.0])
            entry[0] += entry_weight(data, key) * value
            entry[1] += entry_weight(data, key, discounted=False) * value
    rows = [(name, t, usd, face) for (name, t), (usd, face) in totals.items()]
    return _clean(pd.DataFrame(rows, columns=["component", "period", "usd", "usd_undiscounted"]),
                  ["period", "component"])


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


def duals_table(m: pyo.ConcreteModel, data: ModelData, solved: SolveResult) -> pd.DataFrame:
    """Every dual of interest, per year of its period, with what it means."""
    suffix = " [LP with integer decisions fixed at the optimum]" if solved.duals_source == "milp_fixed" else ""
    rows = []
    for name, meaning in _MEANINGS.items():
        component = getattr(m, name, None)
        if component is None:
            continue
        for index, con in component.items():
            idx = index if isinstance(index, tuple) else (index,)
            y = solved.duals.get(con, 0.0)
            if name != "Build_Limit":
                y /= period_weight(data, idx[-1])
            rows.append((name, ",".join(str(i) for i in idx), y, meaning + suffix))
    return _clean(pd.DataFrame(rows, columns=["constraint", "index", "value", "meaning"]), ["constraint", "index"])


def unmet_demand(m: pyo.ConcreteModel) -> list[tuple[str, str, int, float]]:
    """(fab, product, period, tonnes) for every demand not fully delivered."""
    return sorted((f, p, t, _value(v)) for (f, p, t), v in m.Unmet_T.items() if _value(v) > TOL)
