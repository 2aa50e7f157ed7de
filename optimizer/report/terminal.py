"""What a solve prints: a compact summary a person can read in a terminal.

On a terminal the summary is a few ``rich`` tables; in a pipe, a log or CI it is plain aligned text with the same
numbers, so that scripts and tests can read it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import click
import pandas as pd

from optimizer.model.objective import horizon_end
from optimizer.report.progress import interactive
from optimizer.solver.results import CapRealised
from optimizer.solver.risk import risk_line
from optimizer.solver.run import CaseRun
from optimizer.solver.two_stage import per_disruption


def usd(x: float) -> str:
    """Money in short form: ``$41.43M``, ``-$603.74k``, ``$12``."""
    sign, x = ("-" if x < 0 and round(x) != 0 else ""), abs(x)  # never "-$0"
    for unit, size in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= size:
            return f"{sign}${x / size:,.2f}{unit}"
    return f"{sign}${x:,.0f}"


def pct(x: float) -> str:
    """A share (0-1) as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


@dataclass
class RunSummary:
    """The numbers a solve prints, ready to lay out as text or as tables."""

    headline: str
    cost: list[tuple[str, str, str]] = field(default_factory=list)  # item, USD, note
    builds: list[tuple[str, str, str, str]] = field(default_factory=list)  # refinery, country, t/yr, when
    china: list[tuple[str, str, str]] = field(default_factory=list)  # period, share, without caps
    reachable: dict[str, str] = field(default_factory=dict)  # period -> tightest share reachable (pathway.csv)
    caps: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)  # cap, period, share, t, max, USD/pt
    unmet: str = ""
    two_stage: list[str] = field(default_factory=list)  # stockpiles held and what each disruption leaves unmet
    warnings: list[str] = field(default_factory=list)
    risk: str = ""
    results: str = ""
    report: str = ""
    multi_period: bool = False


def cap_price(c: CapRealised) -> str:
    """What a cap costs at the margin: both sides where tightening and loosening differ, else one figure."""
    tighter = c.usd_per_pct_tighter if c.usd_per_pct_tighter is not None else c.dual_usd_per_pct
    looser = c.usd_per_pct_looser
    if tighter <= 1e-6 and (looser is None or looser <= 1e-6):
        return ""
    text = f"costs {usd(tighter)} per point tighter"
    if looser is not None and abs(looser - tighter) > 1e-6 * max(1.0, abs(tighter)):
        text += f", saves {usd(looser)} per point looser"
    return text


def two_stage_lines(stockpiles: pd.DataFrame, disruptions: pd.DataFrame, multi_period: bool) -> list[str]:
    """One line per stockpile held and per disruption: what it leaves unmet (and without the plan), draws, costs."""
    lines = []
    held = stockpiles[stockpiles["tonnes"] > 0]
    if held.empty:
        lines.append("stockpiles: none held")
    for r in held.itertuples():
        when = f" in {r.period}" if multi_period else ""
        lines.append(f"stockpile {r.stockpile} ({r.holder}, {r.product}){when}: {r.tonnes:,.1f} t, holding "
                     f"{usd(r.holding_usd_per_yr)}/yr")
    for r in disruptions.itertuples():
        when = f" in {r.period}" if multi_period else ""
        odds = "must survive" if r.must_survive else f"{r.probability_per_yr:g}/yr"
        without = "" if pd.isna(r.unmet_without_plan_t) else f" ({r.unmet_without_plan_t:,.1f} t without the plan)"
        cost = "" if pd.isna(r.cost_while_it_lasts_usd) else (
            f", costs {usd(r.cost_while_it_lasts_usd)} while it lasts, {usd(r.expected_cost_usd_per_yr)}/yr expected")
        lines.append(f"disruption {r.disruption}{when} ({odds}, {r.duration_months:g} months): unmet "
                     f"{r.unmet_t:,.1f} t{without}, drawn {r.stockpile_drawn_t:,.1f} t{cost}")
    return lines


def summarise(run: CaseRun, input_path: Path, out_dir: Path) -> RunSummary:
    """Cost, cost without caps, breakdown, builds, China's share with and without caps, caps with dual, unmet."""
    r = run.result
    label = r.outcome.value + (f" (MIP gap {r.mip_gap:.2%})" if r.is_mip and r.mip_gap else "")
    if run.warnings:
        label += f", but NUMERICALLY DOUBTFUL ({len(run.warnings)} warning(s) below; see summary.json)"
    s = RunSummary(f"paxsilica: {input_path} -> {label}", multi_period=run.data.multi_period, results=str(out_dir),
                   warnings=list(run.warnings))
    total = r.objective_usd or 0.0
    sales = float(run.tables["costs"].query("component == 'coproduct_sales'")["usd"].sum())
    notes = ["net of co-product sales"] if sales < -0.5 else []
    if run.data.multi_period:
        d = run.data
        notes.append(f"{d.periods[0]}-{horizon_end(d)}, discounted to {d.periods[0]} at {100 * d.discount_rate:g}%")
    s.cost.append(("total cost", usd(total), "; ".join(notes)))
    if run.uncapped is not None:
        s.cost.append(("without caps", usd(run.uncapped["objective_usd"]),
                       f"caps cost {usd(total - run.uncapped['objective_usd'])}"))
    costs = run.tables["costs"].groupby("component", sort=False)["usd"].sum()
    s.cost += [(f"  {component}", usd(x), "") for component, x in costs.items() if abs(x) > 0.5]
    builds = run.tables["builds"]
    built = builds[builds["built"].astype(bool)]
    for b in built.itertuples():
        when = f"decided {b.decided}, online {b.online}" if run.data.multi_period else str(b.period)
        kind = getattr(b, "kind", "refinery")  # other kinds of build name theirs (a mine, a purifier, an upgrade)
        name = str(b.refinery) if kind == "refinery" else f"{b.refinery} ({kind})"
        s.builds.append((name, str(b.country), f"{b.new_tpa:,.0f}", when))
    if "pathway" in run.tables:
        s.reachable = {str(r.period): pct(r.tightest_share) for r in run.tables["pathway"].itertuples()
                       if r.tightest_share == r.tightest_share}
    for t, share in run.china_share.items():
        before = pct(run.uncapped["china_share"][t]) if run.uncapped is not None else ""
        s.china.append((str(t), pct(share), before))
    for c in run.caps:
        s.caps.append((c.cap, str(c.period), pct(c.share), f"{c.demand_t:,.0f}", pct(c.max_share), cap_price(c)))
    if "disruptions" in run.tables:
        s.two_stage = two_stage_lines(run.tables["stockpiles"], per_disruption(run.tables["disruptions"]),
                                      run.data.multi_period)
    if "risk" in run.tables:
        s.risk = risk_line(run.tables["risk"]).strip()
    if run.unmet:
        total_unmet = sum(x for *_, x in run.unmet)
        s.unmet = f"{total_unmet:,.1f} t across {len(run.unmet)} fab/product rows (see summary.json)"
    return s


def plain_text(s: RunSummary) -> str:
    """The summary as aligned plain text (pipes, logs, CI)."""
    lines = [s.headline] + [f"  warning: {w}" for w in s.warnings]
    for item, value, note in s.cost:
        lines.append(f"  {item:<20}{value:>14}" + (f"   ({note})" if note else ""))
    if s.builds:
        lines.append("  new refining capacity" + (" (timeline):" if s.multi_period else ":"))
        for refinery, country, tpa, when in s.builds:
            lines.append(f"    {refinery:<28}{country:<5}{tpa:>12} t/yr" + (f"  {when}" if s.multi_period else ""))
    else:
        lines.append("  new refining capacity: none")
    for period, share, before in s.china:
        when = f" in {period}" if s.multi_period else ""
        notes = [f"without caps {before}"] if before else []
        if period in s.reachable:
            notes.append(f"fastest reachable {s.reachable[period]}")
        lines.append(f"  China's share of demand{when}: {share}" + (f" ({'; '.join(notes)})" if notes else ""))
    for cap, period, share, delivered, max_share, price in s.caps:
        when = f" {period}" if s.multi_period else ""
        binding = f", {price}" if price else ""
        lines.append(f"  cap {cap}{when}: {share} of {delivered} t demanded (max {max_share}){binding}")
    lines += [f"  {line}" for line in s.two_stage]
    if s.risk:
        lines.append(f"  {s.risk}")
    if s.unmet:
        lines.append(f"  unmet demand: {s.unmet}")
    lines.append(f"  results: {s.results}")
    if s.report:
        lines.append(f"  report: {s.report}")
    return "\n".join(lines)


def _rich_print(s: RunSummary, stream: TextIO) -> None:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream)
    console.print(f"[bold]{s.headline}[/bold]", highlight=False)
    for w in s.warnings:
        console.print(f"[bold red]warning:[/bold red] {escape(w)}", highlight=False)
    cost = Table(box=box.SIMPLE_HEAD, title="Cost", title_justify="left", show_header=False)
    cost.add_column("item")
    cost.add_column("USD", justify="right")
    cost.add_column("", style="dim")
    for item, value, note in s.cost:
        cost.add_row(item, value, note, style="bold" if item == "total cost" else None)
    console.print(cost)
    builds = Table(box=box.SIMPLE_HEAD, title="New refining capacity", title_justify="left")
    for name, justify in (("refinery", "left"), ("country", "left"), ("t/yr", "right")):
        builds.add_column(name, justify=justify)  # type: ignore[arg-type]
    if s.multi_period:
        builds.add_column("timeline")
    for refinery, country, tpa, when in s.builds:
        builds.add_row(refinery, country, tpa, *([when] if s.multi_period else []))
    if not s.builds:
        builds.add_row("none", "", "")
    console.print(builds)
    dep = Table(box=box.SIMPLE_HEAD, title="Dependence", title_justify="left")
    for name, justify in (("cap", "left"), ("share", "right"), ("of t", "right"), ("max", "right"),
                          ("price", "left")):
        dep.add_column(name, justify=justify)  # type: ignore[arg-type]
    for period, share, before in s.china:
        when = f" {period}" if s.multi_period else ""
        notes = ([f"without caps {before}"] if before else []) + (
            [f"fastest reachable {s.reachable[period]}"] if period in s.reachable else [])
        dep.add_row(f"China, any stage{when}", share, "", "", "; ".join(notes), style="bold")
    for cap, period, share, delivered, max_share, price in s.caps:
        when = f" {period}" if s.multi_period else ""
        dep.add_row(f"{cap}{when}", share, delivered, max_share, price or "not binding")
    console.print(dep)
    for line in s.two_stage:
        console.print(line, highlight=False)
    if s.risk:
        console.print(s.risk, highlight=False)
    if s.unmet:
        console.print(f"[red]unmet demand: {s.unmet}[/red]")
    console.print(f"results: {s.results}", highlight=False)
    if s.report:
        console.print(f"report: {s.report}", highlight=False)


def print_run(run: CaseRun, input_path: Path, out_dir: Path, stream: TextIO | None = None,
              report: Path | None = None) -> None:
    """Print cost, cost breakdown, builds, caps and China's share with and without caps.

    Tables on a terminal, plain text elsewhere; ``report`` is the HTML report written, if any.
    """
    s = summarise(run, input_path, out_dir)
    s.report = str(report) if report else ""
    stream = stream or sys.stdout
    if interactive(stream):
        _rich_print(s, stream)
    else:
        click.echo(plain_text(s), file=stream)
