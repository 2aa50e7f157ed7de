"""One definition of every measure a command reports; solve, sweep, stress, batch, sensitivity, the report and the
API all call these functions, so the same case gives the same figure everywhere.

China's share
    Per period: the tonnes that China touches (mines or refines, any stage) over the demand in scope (delivered +
    unmet) of every product at every fab.  Never pooled over periods, never of delivered tonnes only.
A cap's marginal
    Per cap, per period, per percentage point of share, in USD per year of that period: the dual (one slope) and,
    where measured, one point tighter and one point looser (the two sides of a kink).  One point of a cap on
    ``D`` t of demand in scope is ``D / 100`` t, so per point and per tonne differ by that factor.
The fastest reachable share
    Per period, the lowest share of China's any-stage cap that any plan reaches, given lead times
    (:func:`optimizer.analysis.pathway.fastest_fall`); ``floor`` in every table and print-out.
The caps' cost
    Total cost with the caps less total cost without them, as a present value (USD discounted to the first
    period's year, the base year), as an equivalent annual cost (the present value over the discounted years of
    the horizon), per tonne of fab oxide in the caps' scope and per wafer start (both levelised: the present value
    over the discounted tonnes or wafer starts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optimizer.io.data import Cap, ModelData
from optimizer.model.objective import period_weight

DEMAND_TOL_T = 1e-9  # demand in scope below this is none: the share is 0


def share(touched_t: float, demand_t: float) -> float:
    """The share a cap measures: tonnes touched over the demand in scope (0 without demand)."""
    return touched_t / demand_t if demand_t > DEMAND_TOL_T else 0.0


def china_reference(data: ModelData) -> Cap | None:
    """China's share at any stage, all products, every fab: the headline dependence figure."""
    if "CHN" in data.country_bloc:
        return data.make_cap("CHN", "any", 1.0)
    if data.countries_of("china"):
        return data.make_cap("china", "any", 1.0)
    return None


def china_share(m: Any, data: ModelData, values: Any = None) -> dict[int, float]:
    """period -> China's share of the demand in scope in a solved model (empty when the case has no China)."""
    from optimizer.solver.results import realised_shares

    ref = china_reference(data)
    if ref is None:
        return {}
    return {t: share(touched, demand) for t, (touched, _delivered, demand) in
            realised_shares(m, data, ref, values).items()}


def period_column(name: str, period: int | str, multi_period: bool) -> str:
    """A per-period column's name: ``china_share_2030`` on a pathway, ``china_share`` for one steady-state year."""
    return f"{name}_{period}" if multi_period else name


def share_columns(name: str, shares: Mapping[Any, float | None], multi_period: bool) -> dict[str, float | None]:
    """``{china_share_<period>: share}`` for a table row (see :func:`period_column`)."""
    return {period_column(name, t, multi_period): v for t, v in shares.items()}


def marginal_usd_per_yr_per_pct(dual: float, data: ModelData, period: int, demand_t: float) -> float:
    """A cap row's dual (objective USD per t of allowance) as USD per year of ``period`` per point tighter (>= 0
    when the cap binds).  The allowance is ``max_share * demand_t``: one point is ``demand_t / 100`` t."""
    return -dual / period_weight(data, period) * demand_t / 100.0


def discounted_years(data: ModelData) -> float:
    """The years of the horizon, each weighted by its discount factor: PV / this = equivalent annual cost."""
    return sum(period_weight(data, t) for t in data.periods)


def base_year(data: ModelData) -> int | None:
    """The year present values are discounted to (None for one steady-state year: its costs are per year)."""
    return data.periods[0] if data.multi_period else None


def caps_scope_demand_t(data: ModelData) -> dict[int, float]:
    """period -> tonnes of fab oxide demanded in the scope of any cap of the case."""
    pairs = {(f, p) for c in data.caps.values() for f, p in data.fab_products if f in c.fabs and p in c.products}
    out = {t: 0.0 for t in data.periods}
    for (f, p, t), x in data.demand_t.items():
        if (f, p) in pairs and t in out:
            out[t] += x
    return out


def wafer_starts_per_t(data: ModelData, fab: str, product: str) -> float | None:
    """Wafer starts one tonne of ``product`` serves at ``fab``, where the fabs sheet gives it (else None)."""
    given = getattr(data, "wafer_starts_per_t", None)
    if not given:
        return None
    value = given.get((fab, product), given.get(fab)) if isinstance(given, Mapping) else None
    return float(value) if isinstance(value, (int, float)) and value == value and value > 0 else None


def wafer_pool(data: ModelData, fab: str) -> str:
    """The pool of fab nodes that start the same wafers as ``fab`` (the fabs sheet's ``wafer_pool``, else the fab)."""
    pools = getattr(data, "wafer_pool", None) or {}
    return pools.get(fab, fab)


def wafer_starts(data: ModelData, tonnes: Mapping[tuple[str, str, int], float]) -> dict[int, float] | None:
    """period -> wafer starts that ``tonnes`` ((fab, product, period) -> t) serve.  None when the case gives no wafer
    starts per tonne.

    The products of one wafer pool (a fab node, or the nodes the fabs sheet puts in one ``wafer_pool``: a country's
    light and heavy nodes) serve the same wafers, so a pool counts the most any of its products serves, never their
    sum: a wafer short of ceria and of yttria is one wafer.  Pools are other wafers and add up (a country's RF-filter
    fabs start other wafers than its logic and memory fabs).  The count is thus the wafer starts certainly served
    (or stopped); the objective prices each product's shortage on its own (``wafer_starts_per_t`` x
    ``value_per_wafer_start_usd`` a tonne), which is the most two shortages at once can stop.
    """
    per_pool: dict[tuple[str, int], float] = {}
    found = False
    for (f, p, t), x in tonnes.items():
        rate = wafer_starts_per_t(data, f, p)
        if rate is None:
            continue
        found = True
        key = (wafer_pool(data, f), t)
        per_pool[key] = max(per_pool.get(key, 0.0), x * rate)
    if not found:
        return None
    out: dict[int, float] = {}
    for (_pool, t), n in per_pool.items():
        out[t] = out.get(t, 0.0) + n
    return out


@dataclass(frozen=True)
class CapsCost:
    """What the caps cost: see the module docstring.  ``None`` figures are not measured (no such data)."""

    pv_usd: float
    base_year: int | None
    usd_per_yr: float
    usd_per_t: float | None
    usd_per_wafer_start: float | None

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 6) + 0.0

        return {"pv_usd": r(self.pv_usd), "base_year": self.base_year, "usd_per_yr": r(self.usd_per_yr),
                "usd_per_t": r(self.usd_per_t), "usd_per_wafer_start": r(self.usd_per_wafer_start)}


def caps_cost(data: ModelData, capped_usd: float | None, uncapped_usd: float | None) -> CapsCost | None:
    """The caps' cost from the two plans' total costs (None when either has no plan)."""
    if capped_usd is None or uncapped_usd is None:
        return None
    pv = capped_usd - uncapped_usd
    years = discounted_years(data)
    tonnes = sum(period_weight(data, t) * x for t, x in caps_scope_demand_t(data).items())
    scope = {(f, p) for c in data.caps.values() for f, p in data.fab_products if f in c.fabs and p in c.products}
    starts = wafer_starts(data, {k: x for k, x in data.demand_t.items() if k[:2] in scope})
    discounted_starts = None if starts is None else sum(period_weight(data, t) * n for t, n in starts.items())
    return CapsCost(pv, base_year(data), pv / years if years > 0 else pv,
                    pv / tonnes if tonnes > DEMAND_TOL_T else None,
                    pv / discounted_starts if discounted_starts else None)


__all__ = ["CapsCost", "caps_cost", "caps_scope_demand_t", "china_reference", "china_share", "discounted_years",
           "marginal_usd_per_yr_per_pct", "period_column", "share", "share_columns", "wafer_pool",
           "wafer_starts", "wafer_starts_per_t"]
