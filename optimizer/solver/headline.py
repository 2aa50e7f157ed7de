"""The headline of a solve: what the caps cost, China's share and its floor, what is built, stockpiles, disruptions.

``summary.json`` opens with it (``headline``) and the terminal prints it first, from the same document, so the two
agree.  Every money figure says its unit in its key: ``pv_usd`` (present value, discounted to ``base_year``),
``usd_per_yr`` (per year), ``usd_per_occurrence`` (each time a disruption happens, in its period's money).  The whole
chain's total cost (the world rare-earth industry's discounted margin, mostly co-product sales) is not a headline:
it stays in the breakdown (``objective_usd``, ``cost_breakdown_usd``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.io.data import ModelData
from optimizer.model.objective import horizon_end
from optimizer.solver.measures import caps_cost, china_reference, discounted_years, wafer_starts

TONNES_TOL = 1e-6


def china_cap(data: ModelData) -> str | None:
    """The case's cap whose scope is China's headline share (any stage, every product, every fab), if any."""
    ref = china_reference(data)
    if ref is None:
        return None
    for k, c in data.caps.items():
        if (c.stage, c.supplier_countries, c.products, c.fabs) == (ref.stage, ref.supplier_countries, ref.products,
                                                                   ref.fabs):
            return k
    return None


def _none(x: Any) -> Any:
    return None if x is None or (isinstance(x, float) and x != x) else x


def china_rows(run: Any) -> list[dict[str, Any]]:
    """Per period: China's share of demand in scope, the China cap, its floor (fastest reachable), without caps."""
    data = run.data
    cap = china_cap(data)
    pathway = run.tables.get("pathway")
    floors = {} if pathway is None else {int(r.period): _none(r.floor) for r in pathway.itertuples()}
    free = (run.uncapped or {}).get("china_share") or {}
    rows = []
    for t, share in run.china_share.items():
        rows.append({"period": t, "share": round(share, 6),
                     "max_share": data.caps[cap].share_in(t) if cap is not None else None,
                     "floor": None if floors.get(t) is None else round(floors[t], 6),
                     "without_caps": None if t not in free else round(free[t], 6)})
    return rows


def built_rows(run: Any) -> list[dict[str, Any]]:
    """What is built: site, its kind (where a case builds other kinds than refineries), country, t/yr and, on a
    pathway, the year decided and the year online."""
    builds = run.tables["builds"]
    out = []
    for b in builds[builds["built"].astype(bool)].itertuples():
        item: dict[str, Any] = {"refinery": b.refinery, "country": b.country, "new_tpa": round(float(b.new_tpa), 6)}
        if "kind" in builds.columns:
            item["kind"] = b.kind
        if run.data.multi_period and pd.notna(b.online):
            item.update(decided=int(b.decided), online=int(b.online))
        out.append(item)
    return out


def stockpile_rows(run: Any) -> list[dict[str, Any]]:
    """Stockpiles held: holder, product, period, tonnes and holding cost per year."""
    stock = run.tables.get("stockpiles")
    if stock is None:
        return []
    return [{"stockpile": r.stockpile, "holder": r.holder, "product": r.product, "period": int(r.period),
             "tonnes": round(float(r.tonnes), 6), "holding_usd_per_yr": round(float(r.holding_usd_per_yr), 2)}
            for r in stock.itertuples() if r.tonnes > TONNES_TOL]


def disruption_rows(run: Any) -> list[dict[str, Any]]:
    """Each disruption and period: its extra cost over normal operations and what it leaves short, in all and per
    product (``disruptions.csv`` has a row per product; the disruption's own figures repeat on each)."""
    table = run.tables.get("disruptions")
    if table is None:
        return []
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for r in table.to_dict("records"):
        key = (r["disruption"], int(r["period"]))
        row = out.get(key)
        if row is None:
            row = out[key] = {
                "disruption": r["disruption"], "period": int(r["period"]), "must_survive": bool(r["must_survive"]),
                "probability_per_yr": _none(r["probability_per_yr"]), "duration_months": r["duration_months"],
                "extra_cost_usd_per_occurrence": _none(r["extra_cost_usd_per_occurrence"]),
                "extra_cost_usd_per_yr_expected": _none(r["extra_cost_usd_per_yr_expected"]),
                "short_t": 0.0, "short_wafer_starts": None, "short_without_plan_t": None, "products": []}
        row["short_t"] += float(r["unmet_t"])
        for name, column in (("short_wafer_starts", "unmet_wafer_starts"), ("short_without_plan_t",
                                                                              "unmet_without_plan_t")):
            x = _none(r.get(column))
            if x is not None:
                row[name] = (row[name] or 0.0) + float(x)
        if "product" in r:
            row["products"].append({"product": r["product"], "demand_t": _none(r.get("demand_t")),
                                    "short_t": r["unmet_t"], "short_wafer_starts": _none(r.get("unmet_wafer_starts"))})
    pooled = _pooled_wafer_starts(run)
    for key, row in out.items():
        if row["short_wafer_starts"] is not None and pooled is not None:
            row["short_wafer_starts"] = pooled.get(key, 0.0)
    return list(out.values())


def _pooled_wafer_starts(run: Any) -> dict[tuple[str, int], float] | None:
    """(disruption, period) -> wafer starts its shortage stops, all products together: a wafer pool short of two
    products is counted once (:func:`optimizer.solver.measures.wafer_starts`), where the per-product rows of
    ``disruptions.csv`` count it in each.  None without ``wafer_starts.csv``."""
    table = run.tables.get("wafer_starts")
    if table is None:
        return None
    short: dict[tuple[str, int], dict[tuple[str, str, int], float]] = {}
    for r in table.to_dict("records"):
        if r["disruption"]:
            short.setdefault((r["disruption"], int(r["period"])), {})[r["fab"], r["product"], int(r["period"])] = \
                float(r["unmet_t"])
    return {key: sum((wafer_starts(run.data, tonnes) or {}).values()) for key, tonnes in short.items()}


def money_basis(data: ModelData) -> dict[str, Any]:
    """What the present values are: the base year, the horizon and the rate (``None`` base year: one year)."""
    if not data.multi_period:
        return {"base_year": None, "years": "one steady-state year", "discount_rate": data.discount_rate,
                "discounted_years": discounted_years(data)}
    return {"base_year": data.periods[0], "years": f"{data.periods[0]}-{horizon_end(data)}",
            "discount_rate": data.discount_rate, "discounted_years": round(discounted_years(data), 6)}


def headline(run: Any) -> dict[str, Any]:
    """The ``headline`` section of ``summary.json`` for a solved run (see the module docstring)."""
    data = run.data
    free = run.uncapped["objective_usd"] if run.uncapped is not None else None
    cost = caps_cost(data, run.result.objective_usd, free) if data.caps else None
    return {
        "money": money_basis(data),
        "caps_cost": None if cost is None else cost.as_dict(),
        "china_share": china_rows(run),
        "built": built_rows(run),
        "stockpiles": stockpile_rows(run),
        "disruptions": disruption_rows(run),
    }


__all__ = ["china_cap", "headline", "money_basis"]
