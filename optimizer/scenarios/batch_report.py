"""A batch's consolidated tables (pure: rows in, DataFrames out).

``batch.csv``: one row per scenario, sorted by name, so that it is identical whatever the number of workers or the
scheduler.  A scenario's total cost is a present value on a pathway (``total_cost_usd_pv``, USD discounted to its
base year) and USD per year for one steady-state year (``total_cost_usd_per_yr``); a batch of both kinds has both
columns, each filled for its own scenarios (:mod:`optimizer.solver.money`).  For sampled batches, ``samples.csv`` (what each sample drew), ``uncertainty.csv`` (quantiles of cost,
China's share and unmet demand, and of every drawn parameter) and ``build_frequency.csv`` (how often each candidate
refinery is built, and how much).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from optimizer.solver.measures import period_column
from optimizer.solver.money import money_column, money_columns

QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
DECIMALS = 6


def _round(x: Any, decimals: int = DECIMALS) -> Any:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return round(float(x), decimals) + 0.0


def share_periods(rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], bool]:
    """The periods of the rows' China shares (as text, in time order) and whether any row is a pathway."""
    rows = list(rows)
    periods = sorted({str(t) for r in rows for t in (r.get("china_share") or {})}, key=int)
    return periods, any(r.get("multi_period") for r in rows)


def cost_columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """``total_cost_usd_pv`` where a scenario is a pathway, ``total_cost_usd_per_yr`` where one is one year."""
    rows = list(rows)
    known = [bool(r["multi_period"]) for r in rows if r.get("multi_period") is not None]
    return money_columns("total_cost", known) or [money_column("total_cost", share_periods(rows)[1])]


def batch_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """scenario, status, total_cost_usd_pv (or _per_yr, see the module docstring), china_share_<PERIOD>...,
    new_tpa_<COUNTRY>..., unmet_t, input_sha256, message (``china_share`` alone when every scenario is one
    steady-state year)."""
    rows = sorted(rows, key=lambda r: r["scenario"])
    countries = sorted({str(b["country"]) for r in rows for b in r.get("builds", [])}
                       | {c for r in rows for c in r.get("new_tpa", {})})
    periods, multi = share_periods(rows)
    costs = cost_columns(rows)
    out = []
    for r in rows:
        ok = r.get("status") in ("optimal", "feasible")
        record: dict[str, Any] = {"scenario": r["scenario"], "status": r.get("status")}
        kind = r.get("multi_period")  # None: the scenario's input could not be read (no cost either)
        mine = None if kind is None else money_column("total_cost", bool(kind))
        for column in costs:
            record[column] = _round(r.get("total_cost_usd"), 2) if column == mine else None
        shares = r.get("china_share") or {}
        for t in periods:
            record[period_column("china_share", t, multi)] = _round(shares.get(t)) if ok else None
        for c in countries:
            record[f"new_tpa_{c}"] = _round(r.get("new_tpa", {}).get(c, 0.0)) if ok else None
        record["unmet_t"] = _round(r.get("unmet_t")) if ok else None
        record["input_sha256"] = r.get("input_sha256")
        record["message"] = r.get("message") or ""
        out.append(record)
    columns = ["scenario", "status", *costs, *[period_column("china_share", t, multi) for t in periods],
               *[f"new_tpa_{c}" for c in countries],
               "unmet_t", "input_sha256", "message"]
    return pd.DataFrame(out, columns=columns)


def samples_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sample: the scenario it belongs to, its number and every value drawn."""
    rows = sorted((r for r in rows if r.get("sample") is not None), key=lambda r: r["scenario"])
    names = list(dict.fromkeys(k for r in rows for k in r.get("draws", {})))
    out = [{"scenario": r["scenario"], "group": r["group"], "sample": r["sample"] + 1,
            **{n: _round(r.get("draws", {}).get(n)) for n in names}} for r in rows]
    return pd.DataFrame(out, columns=["scenario", "group", "sample", *names])


def _stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"mean": None, "std": None, "min": None, **{f"p{round(q * 100):02d}": None for q in QUANTILES},
                "max": None}
    a = np.asarray(values, dtype=float)
    stats = {"mean": a.mean(), "std": a.std(ddof=1) if len(a) > 1 else 0.0, "min": a.min()}
    stats.update({f"p{round(q * 100):02d}": np.quantile(a, q) for q in QUANTILES})
    stats["max"] = a.max()
    return {k: _round(v) for k, v in stats.items()}


def uncertainty_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Per sampled scenario and metric: samples solved, failed, and the distribution's mean, sd and quantiles."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("sample") is not None:
            groups[r["group"]].append(r)
    out = []
    for group in sorted(groups):
        members = groups[group]
        ok = [r for r in members if r.get("status") in ("optimal", "feasible")]
        periods, multi = share_periods(members)
        metrics: dict[str, list[float]] = {money_column("total_cost", multi): [r["total_cost_usd"] for r in ok]}
        for t in periods:
            metrics[period_column("china_share", t, multi)] = [
                r["china_share"][t] for r in ok if (r.get("china_share") or {}).get(t) is not None]
        metrics["unmet_t"] = [r.get("unmet_t") or 0.0 for r in ok]
        for name in dict.fromkeys(k for r in members for k in r.get("draws", {})):
            metrics[f"draw:{name}"] = [r["draws"][name] for r in members if name in r.get("draws", {})]
        for metric, values in metrics.items():
            failed = len(members) - len(ok) if not metric.startswith("draw:") else 0
            out.append({"scenario": group, "metric": metric, "n": len(values), "failed": failed, **_stats(values)})
    columns = ["scenario", "metric", "n", "failed", "mean", "std", "min",
               *[f"p{round(q * 100):02d}" for q in QUANTILES], "max"]
    return pd.DataFrame(out, columns=columns)


def build_frequency_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Per sampled scenario and build option: how often it is built and its mean new capacity."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("sample") is not None and r.get("status") in ("optimal", "feasible"):
            groups[r["group"]].append(r)
    out = []
    for group in sorted(groups):
        members = groups[group]
        options: dict[tuple[str, str, int], list[tuple[bool, float]]] = defaultdict(list)
        for r in members:
            for b in r.get("builds", []):
                options[str(b["refinery"]), str(b["country"]), int(b["period"])].append(
                    (bool(b["built"]), float(b["new_tpa"])))
        for (refinery, country, period), seen in sorted(options.items()):
            built = [tpa for flag, tpa in seen if flag]
            out.append({"scenario": group, "refinery": refinery, "country": country, "period": period,
                        "samples": len(members), "built": len(built), "built_share": _round(len(built) / len(members)),
                        "mean_new_tpa": _round(sum(built) / len(members)),
                        "mean_new_tpa_if_built": _round(sum(built) / len(built)) if built else None})
    columns = ["scenario", "refinery", "country", "period", "samples", "built", "built_share", "mean_new_tpa",
               "mean_new_tpa_if_built"]
    return pd.DataFrame(out, columns=columns)
