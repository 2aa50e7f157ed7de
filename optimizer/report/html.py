"""Assemble the report: one self-contained HTML file (plotly's JavaScript inline; no network needed to view it)."""

from __future__ import annotations

import datetime as dt
import html
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from optimizer.report import alternatives, caps, charts, disruptions, pathway
from optimizer.report import data as rd
from optimizer.report.format import pct, usd, usd_each

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #1f2d3d; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 6px 0; font-size: 22px; }
header .kpis { display: flex; gap: 28px; flex-wrap: wrap; margin-top: 10px; }
header .kpi b { display: block; font-size: 20px; }
header .kpi span { font-size: 12px; opacity: 0.8; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 24px 32px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; margin: 16px 0; padding: 8px 16px; }
section h2 { font-size: 17px; margin: 10px 0 2px; }
section p.lead { margin: 0 0 6px; color: #555; font-size: 13px; }
table.prov { border-collapse: collapse; font-size: 13px; }
table.prov td { padding: 3px 12px 3px 0; vertical-align: top; }
table.prov td:first-child { color: #666; }
code { font-size: 12px; }
.note { color: #8a5300; font-size: 13px; }
"""


@dataclass(frozen=True)
class Section:
    """One chart of the report: its id (the plotly div's id), heading, one-line reading guide and figure."""

    key: str
    title: str
    lead: str
    figure: go.Figure


def sections(run: rd.RunFolder, period: int | None = None, product: str | None = None) -> list[Section]:
    """Every chart the run folder has data for, in reading order."""
    out = []
    if run.has("supply"):
        sd = rd.sankey_data(run, period, product)
        out.append(Section("sankey", "Where the material flows",
                           "Oxide delivered to fabs, traced to the country of its mine and of its refinery. "
                           "Red links were mined or refined in China.", charts.sankey_figure(sd)))
    out += [Section(*parts) for parts in pathway.pathway_sections(run)]
    if run.has("frontier"):
        fr = rd.frontier(run)
        over = caps.over_uncapped(fr, run)
        lead = ("Each point is one solve of the sweep: the cheapest plan with the cap there, measured from the plan "
                "without any cap. " if over is not None else
                "Each point is one solve of the sweep: the cheapest plan with the cap there. ")
        out.append(Section("frontier", "What independence costs", lead + "Annotations mark where the plan changes.",
                           charts.frontier_figure(fr, rd.swept_label(run), over, caps.money_unit(run))))
    if run.has("alternatives") and len(run.tables["alternatives"]):
        out.append(Section("alternatives", "What every near-optimal plan builds",
                           "Each bar runs from the least to the most new capacity of a group over every plan within "
                           "the cost slack; the diamond is the optimum. Blue: built in every one of those plans.",
                           alternatives.alternatives_figure(alternatives.alternatives_rows(run),
                                                            run.summary.get("slack"))))
    if run.has("stress"):
        out.append(Section("stress", "Chokepoints",
                           "Each bar removes one supplier, site or route and re-solves: the longer, the worse.",
                           charts.stress_figure(rd.stress_ranking(run), caps.money_unit(run))))
    if run.has("disruptions") and len(run.tables["disruptions"]):
        out.append(Section("disruptions", "Coming through disruptions",
                           "Demand each disruption leaves unmet over its duration: red on today's network (no new "
                           "plants, no stockpiles), blue with the plan. " + disruptions.stockpile_note(run),
                           disruptions.disruptions_figure(disruptions.disruption_rows(run))))
    steps = caps.caps_cost(run)
    unit = caps.money_unit(run)
    if len(steps) > 1 or (len(steps) == 1 and abs(float(steps["usd"].iloc[0])) > caps.TOL_USD):
        out.append(Section("caps_cost", "What the caps cost",
                           "From the cheapest plan without caps to the plan with them: how each cost component "
                           f"changes, adding up to the caps' cost ({unit}). Red: dearer; blue: cheaper.",
                           charts.caps_cost_figure(steps, unit)))
    if run.has("costs"):
        out.append(Section("costs", "Whole-chain cost by component", f"{unit}: every mine, refinery and route of the "
                           "chain, summed over each period's years; negative: co-product sales. Disruption rows are "
                           "their extra expected cost over normal operations.",
                           charts.costs_figure(rd.costs_by_component(run), unit)))
    if run.has("builds"):
        plants = caps.builds_by_plant(run)
        if not plants.empty:
            out.append(Section("builds", "Where to build",
                               "New refining capacity chosen by the optimiser, by plant. Red: the plan without caps "
                               "builds nothing there, so the caps caused it.", charts.builds_figure(plants)))
        else:
            out.append(Section("builds", "Where to build", "Nothing built: the plan needs no new refining capacity.",
                               charts.nothing_built_figure()))
    if run.has("dependence") and len(run.tables["dependence"]):
        out.append(Section("dependence", "Dependence caps",
                           "Share of the demand in scope the capped supplier touched, beside the cap; the price is "
                           "the cap's dual: the extra cost, per year of the period, of tightening it by one point.",
                           charts.dependence_figure(rd.dependence(run))))
    if run.has("risk") and len(run.tables["risk"]):
        out.append(Section("risk", "Concentration risk",
                           "Herfindahl-Hirschman index of supply by stage: 1 (or 10,000) is a single country.",
                           charts.risk_figure(rd.risk(run, period))))
    return out


def headline_kpis(head: dict) -> list[tuple[str, str]]:
    """The caps' cost (present value and per year, per tonne, per wafer start) and China's share with its floor."""
    items = []
    money, cost = head.get("money") or {}, head.get("caps_cost")
    pv = money.get("base_year") is not None
    if cost is not None:
        if pv:
            items.append((usd(cost["pv_usd"]), f"what the caps cost, PV {money['base_year']}"))
        items.append((usd(cost["usd_per_yr"]), "what the caps cost per year"))
        if cost.get("usd_per_t") is not None:
            items.append((usd_each(cost["usd_per_t"]), "caps' cost per t of fab oxide"))
        if cost.get("usd_per_wafer_start") is not None:
            items.append((usd_each(cost["usd_per_wafer_start"]), "caps' cost per wafer start"))
    rows = head.get("china_share") or []
    for row in rows:
        notes = [f"{k} {pct(float(row[key]))}" for k, key in (("cap", "max_share"), ("floor", "floor"),
                                                              ("without caps", "without_caps"))
                 if row.get(key) is not None and not (key == "max_share" and row[key] >= 1.0)]
        label = "China's share" + (f" in {row['period']}" if len(rows) > 1 else "")
        items.append((pct(float(row["share"])), label + (f" ({'; '.join(notes)})" if notes else "")))
    return items


def _kpis(run: rd.RunFolder) -> str:
    s = run.summary
    items = []
    head = s.get("headline") if isinstance(s.get("headline"), dict) else None
    uncapped = s.get("uncapped") or {}
    if head is not None:
        items += headline_kpis(head)
    else:  # a sweep, a stress test, or a results folder written before the headline
        if uncapped.get("objective_usd") is not None and s.get("objective_usd") is not None:
            items.append((usd(float(s["objective_usd"]) - float(uncapped["objective_usd"])), "what the caps cost"))
        for t, share in (s.get("china_share") or {}).items():
            before = (uncapped.get("china_share") or {}).get(t)
            label = "China's share" + (f" in {t}" if len(s["china_share"]) > 1 else "")
            items.append((pct(float(share)), label + (f" (without caps {pct(float(before))})" if before is not None
                                                      else "")))
    if "builds" in s:
        builds = s.get("builds") or []
        items.append((f"{sum(float(b['new_tpa']) for b in builds):,.0f} t/yr", "new refining capacity")
                     if builds else ("none", "nothing built"))
    if s.get("objective_usd") is not None:
        money = (head or {}).get("money") or {}
        unit = f"PV {money['base_year']}" if money.get("base_year") is not None else "per year"
        items.append((usd(float(s["objective_usd"])), f"whole-chain cost, {unit} (net of co-product sales)"))
    base = s.get("base")
    if isinstance(base, dict) and base.get("objective_usd") is not None:
        items.append((usd(float(base["objective_usd"])), "base plan cost"))
    if s.get("cases_with_unmet_demand") is not None:
        items.append((f"{s['cases_with_unmet_demand']} of {s.get('cases', '?')}", "cases with unmet demand"))
    if s.get("tightest_feasible_share") is not None:
        items.append((pct(float(s["tightest_feasible_share"])), "tightest feasible cap"))
    if s.get("unmet_t"):
        items.append((f"{float(s['unmet_t']):,.0f} t", "unmet demand"))
    return "".join(f'<div class="kpi"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for v, k in items)


def _provenance(run: rd.RunFolder, generated: dt.datetime) -> str:
    rows = {**rd.provenance(run), "report generated": generated.strftime("%Y-%m-%d %H:%M UTC")}
    body = "".join(f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(v)}</code></td></tr>" for k, v in rows.items())
    return f'<section id="provenance"><h2>Provenance</h2><table class="prov">{body}</table></section>'


def render(run: rd.RunFolder, period: int | None = None, product: str | None = None,
           generated: dt.datetime | None = None) -> str:
    """The whole report as one HTML document."""
    generated = generated or dt.datetime.now(dt.UTC)
    parts = []
    config = {"displaylogo": False, "responsive": True}
    for sec in sections(run, period, product):
        div = sec.figure.to_html(full_html=False, include_plotlyjs=False, div_id=sec.key, config=config,
                                 default_height=f"{sec.figure.layout.height or 420}px")
        parts.append(f'<section id="section-{sec.key}"><h2>{html.escape(sec.title)}</h2>'
                     f'<p class="lead">{html.escape(sec.lead)}</p>{div}</section>')
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in run.notes)
    scenario = run.summary.get("scenario", run.path.name)
    source = (run.summary.get("input") or {}).get("source", "")
    title = f"paxsilica report: {source or run.path.name} ({scenario})"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1><div class=\"kpis\">{_kpis(run)}</div></header>"
        f"<main>{notes}{''.join(parts)}{_provenance(run, generated)}</main></body></html>\n"
    )


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # "x": a new file with the usual permissions (umask)
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
