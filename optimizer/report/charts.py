"""The report's charts as plotly figures, built from the tables of :mod:`optimizer.report.data`.

Colours carry one meaning throughout: red is what China (or its bloc) mined or refined, blue what it did not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from optimizer.report.data import SankeyData
from optimizer.report.terminal import pct, usd

CHINA = "rgba(200, 40, 40, 0.55)"
FREE = "rgba(40, 100, 180, 0.45)"
CHINA_SOLID, FREE_SOLID, GREY = "#c82828", "#2864b4", "#7f7f7f"
_STAGE_COLOURS = {"mine": "#8c6d31", "refinery": "#636363", "fabs": "#3182bd"}
_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 50, "b": 50}, "font": {"size": 13}}


def _num(x: Any) -> float:
    """A number from a CSV cell, 0 where it is blank."""
    return 0.0 if x is None or pd.isna(x) else float(x)


def _period_label(period: object, multi: bool) -> str:
    return str(period) if multi else "steady state"


def sankey_figure(sd: SankeyData) -> go.Figure:
    """Oxide delivered to fabs, from mine country through refinery country to fab country."""
    links = sd.links
    hover = [f"{sd.nodes[s]} -> {sd.nodes[t]}: {x:,.1f} t" + (" (China-touched)" if c else "")
             for s, t, x, c in zip(links["source"], links["target"], links["tonnes"], links["touched"])]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": sd.labels, "pad": 18, "thickness": 16,
              "color": [_STAGE_COLOURS[n.rsplit("(", 1)[1].rstrip(")")] for n in sd.nodes]},
        link={"source": links["source"].tolist(), "target": links["target"].tolist(),
              "value": links["tonnes"].tolist(), "color": [CHINA if c else FREE for c in links["touched"]],
              "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>"},
    ))
    products = ", ".join(sd.products)
    fig.update_layout(**_LAYOUT, height=480,
                      title=f"Where the oxide comes from: {sd.total_t:,.0f} t of {products}{sd.when}; "
                            "red = mined or refined in China")
    return fig


def costs_figure(table: pd.DataFrame, unit: str = "USD") -> go.Figure:
    """The whole chain's cost by component, one bar per component (and period); ``unit`` the money's unit.

    With several periods the bars of one component stand side by side, too narrow for their labels: the values are
    in the hover only, so that no label overlaps another.
    """
    multi = len(table.columns) > 1
    fig = go.Figure()
    for period in table.columns:
        values = table[period]
        text = [usd(v) for v in values]
        fig.add_trace(go.Bar(x=list(table.index), y=values.tolist(), name=_period_label(period, multi),
                             text=None if multi else text, textposition="none" if multi else "outside",
                             cliponaxis=False, customdata=text,
                             hovertemplate="%{x}: %{customdata}<extra>" + _period_label(period, multi) + "</extra>",
                             marker_color=[GREY if v < 0 else FREE_SOLID for v in values] if not multi else None))
    total = float(table.to_numpy().sum())
    fig.update_layout(**_LAYOUT, height=400, barmode="group", showlegend=multi, yaxis_title=unit,
                      title=f"Whole-chain cost {usd(total)} by component ({unit}; negative: co-product sales)")
    return fig


def nothing_built_figure() -> go.Figure:
    """An empty chart that says so: the plan builds no new capacity."""
    fig = go.Figure()
    fig.add_annotation(text="Nothing built: the plan uses existing capacity only", showarrow=False,
                       x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    fig.update_layout(**_LAYOUT, height=160, xaxis={"visible": False}, yaxis={"visible": False},
                      title="New refining capacity: none")
    return fig


def builds_figure(plants: pd.DataFrame) -> go.Figure:
    """New refining capacity by plant, largest first, coloured by whether the caps caused it.

    ``plants`` is :func:`optimizer.report.caps.builds_by_plant`: red where the uncapped plan builds nothing at that
    plant (the caps caused it), blue where it is built anyway, grey where the uncapped plan is not known.
    """
    multi = plants["period"].nunique() > 1
    labels = [f"{r} ({c}{', ' + str(t) if multi else ''})"
              for r, c, t in zip(plants["refinery"], plants["country"], plants["period"])]
    why = ["not known" if c is None else "caused by the caps" if c else "built without caps too"
           for c in plants["caused_by_caps"]]
    colour = {"caused by the caps": CHINA_SOLID, "built without caps too": FREE_SOLID, "not known": GREY}
    uncapped = ["" if pd.isna(u) else f"; without caps {u:,.0f} t/yr" for u in plants["uncapped_tpa"]]
    fig = go.Figure()
    for reason in colour:  # one trace per reason, so the legend explains the colours
        pick = [i for i, w in enumerate(why) if w == reason]
        if not pick:
            continue
        fig.add_trace(go.Bar(x=[float(plants["new_tpa"].iloc[i]) for i in pick], y=[labels[i] for i in pick],
                             orientation="h", name=reason, marker_color=colour[reason],
                             text=[f"{plants['new_tpa'].iloc[i]:,.0f} t/yr" for i in pick], textposition="outside",
                             customdata=[f"{labels[i]}: {plants['new_tpa'].iloc[i]:,.0f} t/yr{uncapped[i]}"
                                         for i in pick],
                             hovertemplate="%{customdata}<extra></extra>"))
    total = float(plants["new_tpa"].sum())
    fig.update_layout(**_LAYOUT, height=max(300, 90 + 34 * len(plants)), barmode="overlay",
                      xaxis={"title": "new capacity, t/yr", "range": [0, 1.3 * max(total, 1.0)]},
                      yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
                      title=f"New refining capacity by plant: {total:,.0f} t/yr")
    return fig


def caps_cost_figure(steps: pd.DataFrame, unit: str = "USD") -> go.Figure:
    """A waterfall from zero to the caps' cost, one bar per cost component's change (``unit``: the axis's money
    unit, e.g. ``USD, present value (2025)``)."""
    fig = go.Figure(go.Waterfall(
        x=steps["step"].tolist(), y=steps["usd"].tolist(), measure=steps["measure"].tolist(),
        text=[usd(v) if m != "relative" else ("+" if v > 0 else "") + usd(v)
              for v, m in zip(steps["usd"], steps["measure"])],
        textposition="outside", cliponaxis=False, connector={"line": {"color": "#999"}},
        increasing={"marker": {"color": CHINA_SOLID}}, decreasing={"marker": {"color": FREE_SOLID}},
        totals={"marker": {"color": GREY}}))
    total = float(steps["usd"].iloc[-1])
    fig.update_layout(**_LAYOUT, height=420, showlegend=False, yaxis_title=unit, uniformtext={"minsize": 9,
                                                                                                "mode": "hide"},
                      title=f"What the caps cost: {usd(total)} more than the plan without caps, by cost component")
    return fig


def dependence_figure(dep: pd.DataFrame) -> go.Figure:
    """Each cap: the share realised beside its limit, with the cap's price (its dual) written on the bar."""
    price = [f"{usd(d)} per year per point tighter" if d > 1e-6 else "not binding" for d in dep["dual_usd_per_yr_per_pct"]]
    fig = go.Figure([
        go.Bar(x=dep["label"].tolist(), y=(100 * dep["share"]).tolist(), name="realised share",
               marker_color=CHINA_SOLID, text=[f"{pct(s)}<br>{p}" for s, p in zip(dep["share"], price)],
               textposition="outside", customdata=dep["dual_usd_per_yr_per_pct"].tolist(),
               hovertemplate="%{x}: %{y:.1f}% touched<br>dual %{customdata:,.0f} USD per year per point"
                             "<extra></extra>"),
        go.Bar(x=dep["label"].tolist(), y=(100 * dep["max_share"]).tolist(), name="cap",
               marker_color="rgba(0,0,0,0.15)", marker_line={"color": "#333", "width": 1}),
    ])
    fig.update_layout(**_LAYOUT, height=380, barmode="group", yaxis={"title": "% of demand in scope",
                                                                      "range": [0, 115]},
                      title="Dependence caps: realised share vs cap, and what one point tighter costs")
    return fig


def risk_figure(risk: pd.DataFrame) -> go.Figure:
    """Concentration (HHI) by product and stage, with the top country's share in the hover."""
    fig = go.Figure()
    for stage, rows in risk.groupby("stage", sort=False):
        colour = _STAGE_COLOURS.get("refinery" if stage == "refine" else str(stage))
        fig.add_trace(go.Bar(x=rows["product"].tolist(), y=rows["hhi"].tolist(), name=str(stage), marker_color=colour,
                             text=[f"{c} {pct(s)}" for c, s in zip(rows["top_country"], rows["top_share"])],
                             textposition="outside"))
    high = 0.25 if risk["hhi"].max() <= 1.0 else 2500.0  # "highly concentrated" on either HHI scale
    fig.add_hline(y=high, line_dash="dash", line_color=CHINA_SOLID, annotation_text="highly concentrated")
    fig.update_layout(**_LAYOUT, height=380, barmode="group", yaxis_title="HHI",
                      title="Concentration by stage (HHI); bar labels: the largest country and its share")
    return fig


def frontier_figure(fr: pd.DataFrame, swept: str = "China's share", over: pd.Series | None = None,
                    unit: str = "USD") -> go.Figure:
    """Cost against the swept cap (``swept`` names it), one point per feasible step, breakpoints annotated.

    With ``over`` (each point's cost increase over the uncapped plan) the y axis is that increase; otherwise the
    total cost.
    """
    ok = fr[fr["feasible"]]
    y = (over[fr["feasible"]] if over is not None else ok["total_cost_usd"]).tolist()
    hover = [f"cap {pct(m)}: realised {pct(r)}<br>cost {usd(c)} (+{usd(i)})<br>{usd(d)} per point tighter"
             for m, r, c, i, d in zip(ok["max_share"], ok["realised_share"].fillna(0.0), ok["total_cost_usd"],
                                      ok["cost_increase_usd"].fillna(0.0), ok["dual_usd_per_yr_per_pct"].fillna(0.0))]
    fig = go.Figure(go.Scatter(x=(100 * ok["max_share"]).tolist(), y=y,
                               mode="lines+markers", name="frontier", line={"color": CHINA_SOLID},
                               customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    marked = ok[ok["is_breakpoint"]]
    at = dict(zip(ok.index, y))
    for share, cost, note in zip(marked["max_share"], [at[i] for i in marked.index], marked["note"]):
        # Point the note in from the left: the tightest caps sit at the right edge, where text would be cut off.
        fig.add_annotation(x=100 * share, y=cost, text=note, showarrow=True, arrowhead=2, ax=-50, ay=-40,
                           xanchor="right", font={"size": 11})
    bad = fr[~fr["feasible"]]
    title = f"Cost of independence: {'cost increase over the uncapped plan' if over is not None else 'total cost'} vs " \
            f"cap on {swept}"
    if len(bad):
        title += f" (no plan at cap {', '.join(pct(m) for m in bad['max_share'])})"
    fig.update_layout(**_LAYOUT, height=420, title=title, showlegend=False,
                      xaxis={"title": f"cap on {swept} of demand in scope, %", "autorange": "reversed"},
                      yaxis_title=f"cost increase over the uncapped plan, {unit}" if over is not None
                      else f"total cost, {unit}")
    return fig


def stress_figure(st: pd.DataFrame, unit: str = "USD") -> go.Figure:
    """Chokepoints ranked: what losing each one costs, worst at the top; a case with no plan is drawn longest."""
    worst = float(st["cost_increase_usd"].max()) if st["cost_increase_usd"].notna().any() else 1.0
    length: list[float] = []
    text: list[str] = []
    colour: list[str] = []
    for feasible, increase, unmet_t in zip(st["feasible"], st["cost_increase_usd"], st["unmet_t"]):
        if not feasible:
            length.append(1.1 * max(worst, 1.0))
            text.append("no feasible plan")
            colour.append("#7a0000")
            continue
        length.append(_num(increase))
        unmet = f", {_num(unmet_t):,.0f} t unmet" if _num(unmet_t) > 0.5 else ""
        text.append(f"+{usd(_num(increase))}{unmet}")
        colour.append(CHINA_SOLID if _num(unmet_t) > 0.5 else FREE_SOLID)
    labels = st["label"].tolist()
    shares = [c for c in st.columns if c == "china_share" or c.startswith("china_share_")]  # one per period

    def china(i: int) -> str:
        return ", ".join(f"{c.removeprefix('china_share').lstrip('_') or 'share'} "
                         f"{pct(st[c].iloc[i]) if pd.notna(st[c].iloc[i]) else '-'}" for c in shares)

    hover = [f"case {c}: removes {r} ({k})<br>China's share: {china(i)}"
             for i, (c, r, k) in enumerate(zip(st["case"], st["removed"], st["kind"]))]
    fig = go.Figure(go.Bar(x=length, y=labels, orientation="h", text=text, textposition="outside",
                           marker_color=colour, customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    fig.update_layout(**_LAYOUT, height=max(300, 60 + 32 * len(st)), title="Chokepoints: cost of losing each one",
                      xaxis={"title": f"cost increase, {unit}", "range": [0, 1.35 * max(length + [1.0])]},
                      yaxis={"autorange": "reversed"})
    return fig
