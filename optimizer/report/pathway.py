"""The pathway's two charts: when each plant is decided, built and runs (a Gantt), and China's share by period
against the cap trajectory and the fastest fall reachable.

Both read a results folder only: ``builds.csv`` (``decided``, ``online``, ``retires``), ``summary.json``
(``horizon``, ``china_share``, ``uncapped``) and ``pathway.csv`` when ``solve`` wrote it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from optimizer.report.charts import _LAYOUT, CHINA_SOLID, FREE_SOLID, GREY
from optimizer.report.data import RunFolder
from optimizer.report.terminal import pct

CONSTRUCTION = "rgba(127, 127, 127, 0.45)"


def is_pathway(run: RunFolder) -> bool:
    """True for a run of a case with a periods sheet (``summary.json`` records its horizon)."""
    return isinstance(run.summary.get("horizon"), dict)


def timeline(run: RunFolder) -> pd.DataFrame:
    """One row per plant built: refinery, country, t/yr, decided, online, and the last year it runs in the horizon."""
    builds = run.tables.get("builds")
    if builds is None or "online" not in builds.columns:
        return pd.DataFrame()
    built = builds[builds["built"].astype(str).str.lower().isin(["true", "1"]) & (builds["new_tpa"] > 0)]
    last = int(run.summary["horizon"]["last_year"])
    rows = []
    for b in built.itertuples():
        retires = int(b.retires) if "retires" in built.columns and pd.notna(b.retires) else last + 1
        rows.append({"refinery": b.refinery, "country": b.country, "new_tpa": float(b.new_tpa),
                     "decided": int(b.decided), "online": int(b.online), "runs_until": min(last, retires - 1)})
    return pd.DataFrame(rows).sort_values(["online", "decided", "refinery"]).reset_index(drop=True) if rows \
        else pd.DataFrame()


def timeline_figure(plan: pd.DataFrame, first_year: int, last_year: int) -> go.Figure:
    """A Gantt of the build plan: a decision marker, construction (decided to online) and operation (to the end of
    the horizon or of the plant's life)."""
    labels = [f"{r} ({c}, {t:,.0f} t/yr)" for r, c, t in zip(plan["refinery"], plan["country"], plan["new_tpa"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=(plan["online"] - plan["decided"]).tolist(), base=plan["decided"].tolist(),
                         orientation="h", name="construction (lead time)", marker_color=CONSTRUCTION,
                         hovertemplate="%{y}: decided %{base}, building<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=(plan["runs_until"] + 1 - plan["online"]).tolist(), base=plan["online"].tolist(),
                         orientation="h", name="operation", marker_color=FREE_SOLID,
                         hovertemplate="%{y}: runs from %{base}<extra></extra>"))
    fig.add_trace(go.Scatter(y=labels, x=plan["decided"].tolist(), mode="markers", name="decision",
                             marker={"symbol": "diamond", "size": 11, "color": "#222"},
                             hovertemplate="%{y}: decided in %{x}<extra></extra>"))
    fig.update_layout(**_LAYOUT, height=max(280, 110 + 40 * len(plan)), barmode="overlay",
                      xaxis={"title": "year", "range": [first_year - 0.5, last_year + 1.5], "dtick": 1},
                      yaxis={"autorange": "reversed"},
                      title=f"Build timeline {first_year}-{last_year}: decision, construction, operation")
    return fig


def shares_by_period(run: RunFolder) -> pd.DataFrame:
    """Per period: China's share in the plan and without caps, the cap trajectory, the tightest share reachable."""
    if "pathway" in run.tables:
        return run.tables["pathway"].copy()
    s = run.summary
    without = (s.get("uncapped") or {}).get("china_share") or {}
    rows: list[dict[str, Any]] = [{"period": int(t), "share": float(v), "share_without_caps": without.get(t),
                                   "max_share": None, "floor": None}
                                  for t, v in (s.get("china_share") or {}).items()]
    return pd.DataFrame(rows)


def _line(fig: go.Figure, df: pd.DataFrame, column: str, name: str, end_year: int, **style: Any) -> None:
    """A step line: a period's value holds over its years, so the last one is drawn to the end of the horizon."""
    ok = df[df[column].notna()] if column in df.columns else df.iloc[0:0]
    if not len(ok):
        return
    x = ok["period"].astype(int).tolist() + [end_year + 1]
    y = (100 * ok[column].astype(float)).tolist()
    text = [pct(float(v)) for v in ok[column]]
    fig.add_trace(go.Scatter(x=x, y=y + y[-1:], name=name, text=text + [""], hovertemplate="%{x}: %{text}",
                             line={"shape": "hv", **style.pop("line", {})}, **style))


def shares_figure(df: pd.DataFrame, end_year: int) -> go.Figure:
    """China's share of demand by period: the plan, the plan without caps, the cap, and how fast it can fall.

    Each period's share holds over the years it covers (to ``end_year``, the horizon's last year).
    """
    fig = go.Figure()
    _line(fig, df, "max_share", "cap", end_year, mode="lines", line={"color": "#333", "dash": "dot", "width": 2})
    _line(fig, df, "share_without_caps", "without caps", end_year, mode="lines", line={"color": GREY})
    _line(fig, df, "floor", "floor: fastest reachable (lead times)", end_year, mode="lines",
          line={"color": FREE_SOLID, "dash": "dash", "width": 3})
    _line(fig, df, "share", "plan", end_year, mode="lines+markers+text", textposition="top right",
          line={"color": CHINA_SOLID, "width": 2})
    fig.update_layout(**_LAYOUT, height=420, yaxis={"title": "% of demand touched by China", "range": [-5, 110]},
                      xaxis={"title": "year", "tickvals": df["period"].astype(int).tolist() + [end_year + 1]},
                      title="China's share by period: the plan against the cap trajectory and the fastest fall")
    return fig


def pathway_sections(run: RunFolder) -> list[tuple[str, str, str, go.Figure]]:
    """(key, title, lead, figure) of the pathway charts the folder has data for."""
    if not is_pathway(run):
        return []
    out = []
    shares = shares_by_period(run)
    if len(shares):
        out.append(("shares", "How fast dependence falls",
                    "China's share of fab demand (mined or refined there) in each period of the plan, against the "
                    "cap trajectory; the dashed line is the tightest share reachable in that period given lead "
                    "times and announced start years, whatever the cost.",
                    shares_figure(shares, int(run.summary["horizon"]["last_year"]))))
    plan = timeline(run)
    if len(plan):
        horizon = run.summary["horizon"]
        out.append(("timeline", "When to build",
                    "Each plant the plan builds: the diamond is the decision, grey the construction (lead time), "
                    "blue the years it runs within the horizon.",
                    timeline_figure(plan, int(horizon["first_year"]), int(horizon["last_year"]))))
    return out
