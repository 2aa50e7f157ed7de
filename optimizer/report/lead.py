"""The lines a solve's print-out opens with, from ``summary.json``'s ``headline`` (:mod:`optimizer.solver.headline`).

What the caps cost (present value with its base year, per year, per tonne of fab oxide, per wafer start), China's
share with its cap and floor per period, stockpiles and each disruption's extra cost and shortfall.  Every money
figure says whether it is a present value or per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizer.report.format import pct, usd, usd_each


def pv_label(money: Mapping[str, Any]) -> str:
    """``PV 2025`` on a pathway (present value, USD discounted to 2025); ``per year`` for one steady-state year."""
    return f"PV {money['base_year']}" if money.get("base_year") is not None else "per year"


def caps_cost_line(head: Mapping[str, Any]) -> str:
    """``caps cost: $544.87k PV 2025 (2025-2039 at 8%) = $62.10k per year; $0.52 per t of fab oxide; ...``."""
    cost, money = head.get("caps_cost"), head["money"]
    if cost is None:
        return "caps cost: not measured (no caps, or no plan without them)"
    parts = []
    if money.get("base_year") is not None:
        text = (f"caps cost: {usd(cost['pv_usd'])} {pv_label(money)} ({money['years']} at "
                f"{100 * money['discount_rate']:g}%) = {usd(cost['usd_per_yr'])} per year")
    else:
        text = f"caps cost: {usd(cost['usd_per_yr'])} per year"
    if cost.get("usd_per_t") is not None:
        parts.append(f"{usd_each(cost['usd_per_t'])} per t of fab oxide")
    if cost.get("usd_per_wafer_start") is not None:
        parts.append(f"{usd_each(cost['usd_per_wafer_start'])} per wafer start")
    return text + ("; " + "; ".join(parts) if parts else "")


def china_lines(head: Mapping[str, Any], multi_period: bool) -> list[str]:
    """One line per period: China's share of demand, its cap, its floor and the share without caps."""
    lines = []
    for row in head.get("china_share", []):
        when = f" in {row['period']}" if multi_period else ""
        notes = []
        if row.get("max_share") is not None and row["max_share"] < 1.0:
            notes.append(f"cap {pct(row['max_share'])}")
        if row.get("floor") is not None:
            notes.append(f"floor {pct(row['floor'])}")
        if row.get("without_caps") is not None:
            notes.append(f"without caps {pct(row['without_caps'])}")
        lines.append(f"China's share of demand{when}: {pct(row['share'])}" + (f" ({'; '.join(notes)})" if notes else ""))
    return lines


def two_stage_lines(head: Mapping[str, Any], multi_period: bool) -> list[str]:
    """One line per stockpile held and per disruption: its extra cost over normal operations, what it leaves short."""
    lines = []
    if not head.get("stockpiles"):
        lines.append("stockpiles: none held")
    for r in head.get("stockpiles", []):
        when = f" in {r['period']}" if multi_period else ""
        lines.append(f"stockpile {r['stockpile']} ({r['holder']}, {r['product']}){when}: {r['tonnes']:,.1f} t, "
                     f"holding {usd(r['holding_usd_per_yr'])} per year")
    for r in head.get("disruptions", []):
        when = f" in {r['period']}" if multi_period else ""
        odds = "must survive" if r["must_survive"] else f"{r['probability_per_yr']:g}/yr"
        short = f"short {r['short_t']:,.1f} t"
        if r.get("short_wafer_starts"):  # none short: "short 0.0 t" says it
            short += f" ({r['short_wafer_starts']:,.0f} wafer starts)"
        if r.get("short_without_plan_t") is not None:
            short += f", {r['short_without_plan_t']:,.1f} t without the plan"
        cost = "" if r.get("extra_cost_usd_per_occurrence") is None else (
            f"; extra cost over normal operations {usd(r['extra_cost_usd_per_occurrence'])} each time, "
            f"{usd(r['extra_cost_usd_per_yr_expected'])} per year expected")
        lines.append(f"disruption {r['disruption']}{when} ({odds}, {r['duration_months']:g} months): {short}{cost}")
    return lines


def lead_lines(head: Mapping[str, Any], multi_period: bool) -> list[str]:
    """The caps' cost, then China's share per period."""
    return [caps_cost_line(head), *china_lines(head, multi_period)]


__all__ = ["caps_cost_line", "china_lines", "lead_lines", "pv_label", "two_stage_lines"]
