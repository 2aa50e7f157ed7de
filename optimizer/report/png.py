"""PNG versions of the report's main charts, drawn with matplotlib for slides and papers.

matplotlib, not plotly's static export: that needs kaleido and a Chrome of its own, which a fresh machine without
network access cannot fetch; matplotlib draws offline from its wheel alone.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from optimizer.report import data as rd  # noqa: E402
from optimizer.report.caps import money_unit  # noqa: E402
from optimizer.report.format import pct, usd  # noqa: E402

CHINA, FREE, GREY = "#c82828", "#2864b4", "#7f7f7f"
_STAGE = {"mine": "#8c6d31", "refinery": "#636363", "fabs": "#3182bd"}


def _usd_axis(ax: plt.Axes, axis: str = "y") -> None:
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _: usd(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def sankey_png(sd: rd.SankeyData) -> Figure:
    """A three-column alluvial diagram: mine country, refinery country, fab country."""
    fig, ax = plt.subplots(figsize=(11, 6.5))
    links = sd.links
    inflow: defaultdict[int, float] = defaultdict(float)
    outflow: defaultdict[int, float] = defaultdict(float)
    for s, t, x in zip(links["source"], links["target"], links["tonnes"]):
        outflow[s] += x
        inflow[t] += x
    stage = [n.rsplit("(", 1)[1].rstrip(")") for n in sd.nodes]
    column = {"mine": 0, "refinery": 1, "fabs": 2}
    total = max(sd.total_t, 1e-9)
    gap = 0.03 * total
    size = [max(inflow[i], outflow[i]) for i in range(len(sd.nodes))]
    top: dict[int, float] = {}
    for col in column:
        y = 0.0
        for i in (i for i, s in enumerate(stage) if s == col):
            top[i] = y
            y += size[i] + gap
    width = 0.06
    out_at, in_at = dict(top), dict(top)
    xs = np.linspace(0, 1, 40)
    ease = 3 * xs**2 - 2 * xs**3
    for s, t, x, touched, _ in links.sort_values(["source", "target"]).itertuples(index=False):
        x0, x1 = column[stage[s]] + width, column[stage[t]]
        y0, y1 = out_at[s], in_at[t]
        out_at[s] += x
        in_at[t] += x
        upper = y0 + (y1 - y0) * ease
        ax.fill_between(x0 + (x1 - x0) * xs, upper, upper + x, color=CHINA if touched else FREE, alpha=0.5, lw=0)
    for i, label in enumerate(sd.nodes):
        c = column[stage[i]]
        ax.add_patch(plt.Rectangle((c, top[i]), width, size[i], color=_STAGE[stage[i]]))
        ax.text(c + width + 0.01, top[i] + size[i] / 2, f"{label.split(' ')[0]} {size[i]:,.0f} t", va="center",
                ha="left", fontsize=9)
    ax.set_xlim(-0.05, 2.4)
    ax.invert_yaxis()
    ax.axis("off")
    for name, c in column.items():
        ax.text(c + width / 2, -gap, name, ha="center", va="bottom", fontsize=10, weight="bold")
    ax.set_title(f"Oxide delivered to fabs: {sd.total_t:,.0f} t of {', '.join(sd.products)}{sd.when}; "
                 "red = mined or refined in China", fontsize=11)
    return fig


def _bars(table: pd.DataFrame, title: str, ylabel: str, money: bool) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5))
    n = len(table.columns)
    pos = np.arange(len(table.index))
    for k, period in enumerate(table.columns):
        vals = table[period].to_numpy(dtype=float)
        bars = ax.bar(pos + (k - (n - 1) / 2) * 0.8 / n, vals, 0.8 / n, label=str(period),
                      color=[GREY if v < 0 else FREE for v in vals] if n == 1 else None)
        ax.bar_label(bars, labels=[usd(v) if money else f"{v:,.0f}" for v in vals], fontsize=8)
    ax.set_xticks(pos, list(table.index), rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.axhline(0, color="#333", lw=0.8)
    if money:
        _usd_axis(ax)
    if n > 1:
        ax.legend(title="period")
    fig.tight_layout()
    return fig


def costs_png(table: pd.DataFrame, unit: str = "USD") -> Figure:
    return _bars(table, f"Whole-chain cost {usd(float(table.to_numpy().sum()))} by component", unit, money=True)


def builds_png(table: pd.DataFrame) -> Figure:
    return _bars(table, f"New refining capacity: {table.to_numpy().sum():,.0f} t/yr", "t/yr", money=False)


def dependence_png(dep: pd.DataFrame) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5))
    pos = np.arange(len(dep))
    bars = ax.bar(pos - 0.2, 100 * dep["share"], 0.4, color=CHINA, label="realised share")
    ax.bar(pos + 0.2, 100 * dep["max_share"], 0.4, color="#ddd", edgecolor="#333", label="cap")
    ax.bar_label(bars, labels=[f"{pct(s)}\n{usd(d)}/yr/pt" if d > 1e-6 else pct(s)
                               for s, d in zip(dep["share"], dep["dual_usd_per_yr_per_pct"])], fontsize=8)
    ax.set_xticks(pos, dep["label"])
    ax.set_ylim(0, 115)
    ax.set_ylabel("% of demand in scope")
    ax.set_title("Dependence caps: realised share vs cap, and the cost of one point tighter")
    ax.legend()
    fig.tight_layout()
    return fig


def frontier_png(fr: pd.DataFrame, swept: str = "China's share", unit: str = "USD") -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ok = fr[fr["feasible"]]
    ax.plot(100 * ok["max_share"], ok["total_cost_usd"], "o-", color=CHINA)
    marked = ok[ok["is_breakpoint"]]
    for share, cost, note in zip(marked["max_share"], marked["total_cost_usd"], marked["note"]):
        ax.annotate(str(note), (100 * share, cost), xytext=(-15, 25), textcoords="offset points", ha="right",
                    fontsize=8, arrowprops={"arrowstyle": "->", "color": "#333"})
    ax.invert_xaxis()
    ax.set_xlabel(f"cap on {swept} of demand in scope, %")
    ax.set_ylabel(f"total cost, {unit}")
    _usd_axis(ax)
    ax.set_title("Cost of independence")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def stress_png(st: pd.DataFrame, unit: str = "USD") -> Figure:
    fig, ax = plt.subplots(figsize=(10, max(3.0, 0.9 + 0.4 * len(st))))
    worst = float(st["cost_increase_usd"].max()) if st["cost_increase_usd"].notna().any() else 1.0
    length = [(0.0 if pd.isna(c) else float(c)) if f else 1.1 * max(worst, 1.0)
              for c, f in zip(st["cost_increase_usd"], st["feasible"])]
    colour = ["#7a0000" if not f else CHINA if (u or 0) > 0.5 else FREE for f, u in zip(st["feasible"], st["unmet_t"])]
    bars = ax.barh(st["label"].tolist(), length, color=colour)
    ax.bar_label(bars, labels=[f"+{usd(x)}" if f else "no feasible plan" for x, f in zip(length, st["feasible"])],
                 fontsize=8, padding=3)
    ax.invert_yaxis()
    _usd_axis(ax, "x")
    ax.set_xlabel(f"cost increase, {unit}")
    ax.set_title("Chokepoints: cost of losing each one")
    fig.tight_layout()
    return fig


def _save(fig: Figure, path: Path) -> Path:
    tmp = path.parent / f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.png"
    try:
        fig.savefig(tmp, dpi=150)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        plt.close(fig)
    return path


def write_pngs(run: rd.RunFolder, stem: Path, period: int | None = None, product: str | None = None) -> list[Path]:
    """Write ``<stem>-<chart>.png`` for each main chart the run has data for; returns the files written."""
    charts: list[tuple[str, Callable[[], Figure]]] = []
    unit = money_unit(run)
    if run.has("supply"):
        charts.append(("sankey", lambda: sankey_png(rd.sankey_data(run, period, product))))
    if run.has("frontier"):
        charts.append(("frontier", lambda: frontier_png(rd.frontier(run), rd.swept_label(run), unit)))
    if run.has("stress"):
        charts.append(("stress", lambda: stress_png(rd.stress_ranking(run), unit)))
    if run.has("costs"):
        charts.append(("costs", lambda: costs_png(rd.costs_by_component(run), unit)))
    if run.has("builds") and not rd.new_capacity(run).empty:
        charts.append(("builds", lambda: builds_png(rd.new_capacity(run))))
    if run.has("dependence") and len(run.tables["dependence"]):
        charts.append(("dependence", lambda: dependence_png(rd.dependence(run))))
    return [_save(make(), Path(f"{stem}-{name}.png")) for name, make in charts]
