"""What the caps cost and what they cause, from a results folder: the capped plan against the uncapped one.

``solve`` also solves the case without caps (unless ``--no-baseline``) and records that plan's cost by component
and its builds in ``summary.json`` (``uncapped``); a sweep records the uncapped plan's cost.  These functions turn
that into the numbers the report draws; each returns an empty table (or None) when the folder does not have them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.report.data import RunFolder

TOL_USD = 0.5  # a component that moves by less is left out of the waterfall
TOL_TPA = 1e-6


def _uncapped(run: RunFolder) -> dict[str, Any]:
    doc = run.summary.get("uncapped")
    return doc if isinstance(doc, dict) else {}


def caps_cost(run: RunFolder) -> pd.DataFrame:
    """The caps' cost as a waterfall from zero: one step per cost component's change from the uncapped plan to the
    capped one, ending at the caps' cost (the whole chain's totals, tens of billions, are left out: on their scale
    the caps' cost would not show).

    Returns
    -------
    DataFrame
        ``step``, ``usd``, ``measure`` (``relative`` for each component's change, ``total`` for the caps' cost);
        empty when ``summary.json`` lacks either breakdown.
    """
    before = _uncapped(run).get("cost_breakdown_usd")
    after = run.summary.get("cost_breakdown_usd")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return pd.DataFrame(columns=["step", "usd", "measure"])
    rows: list[tuple[str, float, str]] = []
    for component in sorted(set(before) | set(after)):
        change = float(after.get(component, 0.0)) - float(before.get(component, 0.0))
        if abs(change) > TOL_USD:
            rows.append((component, change, "relative"))
    rows.append(("caps cost", float(sum(after.values())) - float(sum(before.values())), "total"))
    return pd.DataFrame(rows, columns=["step", "usd", "measure"])


def money_unit(run: RunFolder) -> str:
    """``USD, present value (2025)`` on a pathway, ``USD per year`` for one steady-state year (or a folder without a
    headline)."""
    head = run.summary.get("headline")
    money = head.get("money") if isinstance(head, dict) else run.summary.get("money")  # a solve's, or a sweep's
    if isinstance(money, dict) and money.get("base_year") is not None:
        return f"USD, present value ({money['base_year']})"
    horizon = run.summary.get("horizon")
    if isinstance(horizon, dict) and horizon.get("first_year") is not None:
        return f"USD, present value ({horizon['first_year']})"
    return "USD per year"


def builds_by_plant(run: RunFolder) -> pd.DataFrame:
    """New capacity by plant and period, and whether the caps caused it.

    Returns
    -------
    DataFrame
        ``refinery``, ``country``, ``period``, ``new_tpa``, ``uncapped_tpa`` (what the uncapped plan builds there in
        that period; NaN when unknown), ``caused_by_caps`` (built in the capped plan, not at all in the uncapped one;
        None when the uncapped plan is unknown), largest first.
    """
    builds = run.tables["builds"]
    built = builds[builds["built"].astype(str).str.lower().isin(["true", "1"]) & (builds["new_tpa"] > TOL_TPA)]
    table = built[["refinery", "country", "period", "new_tpa"]].copy()
    uncapped = _uncapped(run).get("builds")
    if not isinstance(uncapped, list):
        table["uncapped_tpa"] = float("nan")
        table["caused_by_caps"] = None
    else:
        tpa = {(str(b["refinery"]), int(b["period"])): float(b["new_tpa"]) for b in uncapped}
        anywhere = {r for (r, _), x in tpa.items() if x > TOL_TPA}
        table["uncapped_tpa"] = [tpa.get((r, int(t)), 0.0) for r, t in zip(table["refinery"], table["period"])]
        table["caused_by_caps"] = [r not in anywhere for r in table["refinery"]]
    return table.sort_values(["new_tpa", "refinery"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def uncapped_usd(run: RunFolder) -> float | None:
    """The uncapped plan's total cost, USD (a solve's or a sweep's ``summary.json``), or None."""
    value = _uncapped(run).get("objective_usd")
    return None if value is None else float(value)


def over_uncapped(fr: pd.DataFrame, run: RunFolder) -> pd.Series | None:
    """Each frontier point's cost increase over the uncapped plan, USD (None when the sweep did not record it)."""
    base = uncapped_usd(run)
    return None if base is None else fr["total_cost_usd"] - base


__all__ = ["builds_by_plant", "caps_cost", "money_unit", "over_uncapped", "uncapped_usd"]
