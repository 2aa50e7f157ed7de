"""The figures that prose in README.md quotes, each computed from the files the page's examples wrote.

``<!--fig:NAME-->text<!--/fig-->`` in a page is checked against ``FIGURES[NAME](cwd)`` (see :mod:`tests.docs.pages`),
where ``cwd`` is the folder the page's examples ran in.  A figure reads a results folder an example wrote, so it
costs no solve of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

BASE = Path("outputs") / "pax_silica_2025" / "base"


def _summary(cwd: Path, run: Path = BASE) -> dict[str, Any]:
    return json.loads((cwd / run / "summary.json").read_text())


def usd_short(x: float) -> str:
    """US$ as prose writes it: US$0.54M, US$149M, US$2.1bn, US$0."""
    if abs(x) < 0.5:
        return "US$0"
    for scale, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            v = x / scale
            return f"US${v:.2f}{unit}" if abs(v) < 10 else f"US${v:.3g}{unit}" if abs(v) < 100 else f"US${v:.0f}{unit}"
    return f"US${x:,.0f}"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%".replace(".0%", "%")


def caps_cost(cwd: Path, run: Path = BASE) -> str:
    """What the caps cost: the plan's total less the plan's without caps (present value on a pathway)."""
    doc = _summary(cwd, run)
    return usd_short(doc["objective_usd"] - doc["uncapped"]["objective_usd"])


def _pathway(cwd: Path) -> pd.DataFrame:
    return pd.read_csv(cwd / BASE / "pathway.csv")


def fastest_shares(cwd: Path) -> str:
    """The lowest share of China reachable in each period: ``2025: 0%, 2027: 9.6%, ...``."""
    table = _pathway(cwd)
    return ", ".join(f"{int(r.period)}: {pct(r.floor)}" for r in table.itertuples())


def share_in(period: int, uncapped: bool = False) -> Callable[[Path], str]:
    """China's share in one period, of the capped plan (or the plan without caps)."""
    def figure(cwd: Path) -> str:
        doc = _summary(cwd)
        shares = doc["uncapped"]["china_share"] if uncapped else doc["china_share"]
        return pct(shares[str(period)])
    return figure


STEADY = Path("outputs") / "pax_silica_2025" / "steady_state_2025"
BAN = Path("outputs") / "pax_silica_2025" / "china_ban_6m"
SWEEP = Path("outputs") / "pax_silica_2025" / "sweep-CHN-any-2035"
STRESS = Path("outputs") / "pax_silica_2025" / "stress-n-1-country"


def built(run: Path, none: str) -> Callable[[Path], str]:
    """What a plan builds: ``none`` when nothing, else ``1,000 t/yr at a (USA) in 2030, ...``."""
    def figure(cwd: Path) -> str:
        builds = _summary(cwd, run)["builds"]
        return none if not builds else ", ".join(
            f"{b['new_tpa']:,.0f} t/yr at {b['refinery']} ({b['country']})" for b in builds)
    return figure


def steady_share(cwd: Path) -> str:
    return pct(next(iter(_summary(cwd, STEADY)["china_share"].values())))


def fastest_in(period: int) -> Callable[[Path], str]:
    def figure(cwd: Path) -> str:
        table = _pathway(cwd)
        return pct(float(table.loc[table["period"] == period, "floor"].iloc[0]))
    return figure


def _feasible_frontier(cwd: Path) -> pd.DataFrame:
    frontier = pd.read_csv(cwd / SWEEP / "frontier.csv")
    return frontier[frontier["status"].isin(["optimal", "feasible"])]


def sweep_tightest(cwd: Path) -> str:
    return pct(float(_feasible_frontier(cwd)["max_share"].min()))


def sweep_increase(cwd: Path) -> str:
    frontier = _feasible_frontier(cwd)
    return usd_short(float(frontier.loc[frontier["max_share"].idxmin(), "cost_increase_usd_pv"]))


def stress_worst(cwd: Path) -> str:
    table = pd.read_csv(cwd / STRESS / "stress.csv", keep_default_na=False)
    return str(table.loc[table["case"] != "base", "removed"].iloc[0])


def ban_stockpile(cwd: Path) -> str:
    """The largest stockpile the ban's plan holds: ``186 t of CeO2 in 2035``."""
    table = pd.read_csv(cwd / BAN / "stockpiles.csv")
    top = table.loc[table["tonnes"].idxmax()]
    return f"{top['tonnes']:,.0f} t of {top['product']} in {int(top['period'])}"


def holding(run: Path) -> Callable[[Path], str]:
    """What holding the stockpiles costs over the horizon (present value)."""
    def figure(cwd: Path) -> str:
        return usd_short(_summary(cwd, run)["cost_breakdown_usd"].get("stockpile_holding", 0.0))
    return figure


def caps_cost_per_yr(cwd: Path, run: Path = BASE) -> str:
    """The caps' cost as an equivalent annual cost (the headline's one definition)."""
    return usd_short(_summary(cwd, run)["headline"]["caps_cost"]["usd_per_yr"])


HINDCAST = Path("outputs") / "pax_silica_2025" / "hindcast_2025"


def hindcast_short(product: str) -> Callable[[Path], str]:
    """What the hindcast's licensing leaves the coalition's fabs short of one product: ``72.3 t of 78.9 t``."""
    def figure(cwd: Path) -> str:
        table = pd.read_csv(cwd / HINDCAST / "disruptions.csv")
        row = table.loc[table["product"] == product].iloc[0]
        return f"{row['unmet_t']:,.1f} t of {row['demand_t']:,.1f} t"
    return figure


def hindcast_wafers(product: str) -> Callable[[Path], str]:
    """The wafer starts the hindcast's licensing stops and what they are worth each time: ``90.3M wafer starts,
    US$172bn``."""
    def figure(cwd: Path) -> str:
        table = pd.read_csv(cwd / HINDCAST / "disruptions.csv")
        row = table.loc[table["product"] == product].iloc[0]
        return (f"{row['unmet_wafer_starts'] / 1e6:,.1f}M wafer starts, "
                f"{usd_short(float(row['extra_cost_usd_per_occurrence']))}")
    return figure


ALTERNATIVES = Path("outputs") / "pax_silica_2025" / "alternatives-country-usd5e+06"


def always_built(cwd: Path) -> str:
    """The groups every near-optimal plan of the README's example builds: ``MWI mine 2025`` (or ``nothing``)."""
    groups = _summary(cwd, ALTERNATIVES)["built_in_every_plan"]
    return ", ".join(groups) if groups else "nothing"


FIGURES: dict[str, Callable[[Path], str]] = {
    "alternatives.always": always_built,
    "pathway.caps_cost_per_yr": caps_cost_per_yr,
    "pathway.share_2027": share_in(2027),
    "pathway.fastest_2027": fastest_in(2027),
    "steady.caps_cost_per_yr": lambda cwd: caps_cost_per_yr(cwd, STEADY),
    "hindcast.y2o3_short": hindcast_short("Y2O3"),
    "hindcast.sc2o3_short": hindcast_short("Sc2O3"),
    "hindcast.y2o3_wafers": hindcast_wafers("Y2O3"),
    "pathway.fastest_2025": fastest_in(2025),
    "pathway.caps_cost": caps_cost,
    "pathway.fastest": fastest_shares,
    "pathway.fastest_2035": fastest_in(2035),
    "pathway.share_2025": share_in(2025),
    "pathway.uncapped_2035": share_in(2035, uncapped=True),
    "pathway.holding": holding(BASE),
    "steady.caps_cost": lambda cwd: caps_cost(cwd, STEADY),
    "steady.share": steady_share,
    "steady.built": built(STEADY, "nothing is built"),
    "sweep.tightest": sweep_tightest,
    "sweep.increase": sweep_increase,
    "stress.worst": stress_worst,
    "ban.stockpile": ban_stockpile,
    "ban.holding": holding(BAN),
    "ban.built": built(BAN, "nothing"),
}
