"""The report's disruption section: what each disruption leaves unmet with the plan and without it.

``disruptions.csv`` (written by ``solve`` for an input with a disruptions sheet) gives, per disruption and period,
the tonnes left unmet over the disruption with the plan (its builds and stockpiles) and on today's network without
it (no new capacity, no stockpiles); ``stockpiles.csv`` what is held.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from optimizer.report.charts import _LAYOUT, CHINA_SOLID, FREE_SOLID, _num
from optimizer.report.data import RunFolder
from optimizer.report.terminal import usd
from optimizer.solver.two_stage import per_disruption


def disruption_rows(run: RunFolder) -> pd.DataFrame:
    """One row per disruption and period, with a label (the period added when there are several)."""
    df = per_disruption(run.tables["disruptions"]).copy()
    multi = df["period"].nunique() > 1
    odds = ["must survive" if str(m).lower() in ("true", "1") else f"{_num(p):g}/yr"
            for m, p in zip(df["must_survive"], df["probability_per_yr"])]
    df["label"] = [f"{d}{' ' + str(t) if multi else ''} ({o}, {_num(n):g} months)"
                   for d, t, o, n in zip(df["disruption"], df["period"], odds, df["duration_months"])]
    return df


def disruptions_figure(df: pd.DataFrame) -> go.Figure:
    """Unmet tonnes per disruption: without the plan (today's network) beside with the plan."""
    labels = df["label"].tolist()
    fig = go.Figure()
    if "unmet_without_plan_t" in df.columns and df["unmet_without_plan_t"].notna().any():
        fig.add_trace(go.Bar(y=labels, x=[_num(x) for x in df["unmet_without_plan_t"]], orientation="h",
                             name="without the plan (today's plants, no stockpiles)", marker_color=CHINA_SOLID,
                             text=[f"{_num(x):,.1f} t" for x in df["unmet_without_plan_t"]], textposition="outside"))
    hover = [f"drawn {_num(d):,.1f} t; costs {usd(_num(c))} while it lasts, {usd(_num(e))}/yr expected"
             for d, c, e in zip(df["stockpile_drawn_t"], df["cost_while_it_lasts_usd"],
                                df["expected_cost_usd_per_yr"])]
    fig.add_trace(go.Bar(y=labels, x=[_num(x) for x in df["unmet_t"]], orientation="h", name="with the plan",
                         marker_color=FREE_SOLID, text=[f"{_num(x):,.1f} t" for x in df["unmet_t"]],
                         textposition="outside", customdata=hover,
                         hovertemplate="%{y}: %{x:,.1f} t unmet<br>%{customdata}<extra></extra>"))
    fig.update_layout(**_LAYOUT, height=max(300, 120 + 60 * len(df)), barmode="group",
                      xaxis={"title": "demand left unmet over the disruption, t"}, yaxis={"autorange": "reversed"},
                      title="What each disruption leaves unmet, with the plan and without it")
    return fig


def stockpile_note(run: RunFolder) -> str:
    """One line: the stockpiles the plan holds (empty when there is no stockpiles.csv)."""
    if not run.has("stockpiles"):
        return ""
    held = run.tables["stockpiles"]
    held = held[held["tonnes"] > 0]
    if held.empty:
        return "The plan holds no stockpile."
    parts = [f"{r.stockpile} ({r.holder}, {r.product}) {r.tonnes:,.1f} t" for r in held.itertuples()]
    return "Stockpiles held: " + "; ".join(parts) + "."
