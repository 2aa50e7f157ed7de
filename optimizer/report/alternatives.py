"""The report's near-optimal section: each group's range of new capacity beside the optimum's.

``alternatives.csv`` (written by ``paxsilica alternatives``) gives, per group of new capacity and period, the least
and the most any plan within the cost slack builds, and what the optimum builds.  A bar runs from the least to the
most; the diamond is the optimum.  Blue bars are built in every near-optimal plan (their least is above zero).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from optimizer.report.charts import _LAYOUT, CHINA_SOLID, FREE_SOLID, GREY, _num
from optimizer.report.data import RunFolder, _truthy


def alternatives_rows(run: RunFolder) -> pd.DataFrame:
    """One row per group, labelled (with its period when there are several), in the file's order."""
    df = run.tables["alternatives"].copy()
    multi = df["period"].nunique() > 1
    df["label"] = [f"{g}{'' if g == k else ' ' + str(k)}{' ' + str(t) if multi else ''}"
                   for g, k, t in zip(df["group"], df["kind"], df["period"])]
    df["always"] = [_truthy(v) for v in df["built_in_every_plan"]]
    return df


def alternatives_figure(df: pd.DataFrame, slack: float | None = None) -> go.Figure:
    """Each group's least-to-most range of new capacity (a bar) and the optimum's (a diamond), t/yr."""
    least = [_num(x) for x in df["least_tpa"]]
    most = [_num(x) for x in df["most_tpa"]]
    labels = df["label"].tolist()
    hover = [f"{lab}: {lo:,.1f} to {hi:,.1f} t/yr" + (" (built in every near-optimal plan)" if a else "")
             for lab, lo, hi, a in zip(labels, least, most, df["always"])]
    fig = go.Figure(go.Bar(y=labels, x=[hi - lo for lo, hi in zip(least, most)], base=least, orientation="h",
                           name="near-optimal range", marker_color=[FREE_SOLID if a else GREY for a in df["always"]],
                           customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(y=labels, x=[_num(x) for x in df["optimum_tpa"]], mode="markers", name="optimum",
                             marker={"symbol": "diamond", "size": 11, "color": CHINA_SOLID}))
    within = "" if slack is None else f" within {100 * slack:g}% of the optimum's cost"
    fig.update_layout(**_LAYOUT, height=max(260, 60 + 36 * len(labels)),
                      title=f"New capacity in every plan{within}: least to most, and the optimum",
                      xaxis_title="new capacity, t/yr", yaxis={"autorange": "reversed"})
    return fig
