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

from optimizer.report.format import pct, usd
from optimizer.report.lead import lead_lines, pv_label, two_stage_lines
from optimizer.report.progress import interactive
from optimizer.safe_text import visible
from optimizer.solver.headline import headline as run_headline
from optimizer.solver.money import money_column
from optimizer.solver.results import CapRealised
from optimizer.solver.risk import risk_line
from optimizer.solver.run import CaseRun


@dataclass
class RunSummary:
    """The numbers a solve prints, ready to lay out as text or as tables."""

    headline: str
    lead: list[str] = field(default_factory=list)  # what the caps cost, China's share and floor per period
    cost_title: str = "cost breakdown"
    cost: list[tuple[str, str, str]] = field(default_factory=list)  # item, USD, note
    builds: list[tuple[str, str, str, str]] = field(default_factory=list)  # refinery, country, t/yr, when
    caps: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)  # cap, period, share, t, max, USD/pt
    unmet: str = ""
    two_stage: list[str] = field(default_factory=list)  # stockpiles held and what each disruption leaves unmet
    warnings: list[str] = field(default_factory=list)
    risk: str = ""
    results: str = ""
    report: str = ""
    multi_period: bool = False


def cap_price(c: CapRealised) -> str:
    """What a cap costs at the margin, per year of its period: both sides where tightening and loosening differ,
    else one figure (:func:`optimizer.solver.measures.marginal_usd_per_yr_per_pct`)."""
    tighter = c.usd_per_yr_per_pct_tighter if c.usd_per_yr_per_pct_tighter is not None else c.dual_usd_per_yr_per_pct
    looser = c.usd_per_yr_per_pct_looser
    if tighter <= 1e-6 and (looser is None or looser <= 1e-6):
        return ""
    text = f"costs {usd(tighter)} per year per point tighter"
    if looser is not None and abs(looser - tighter) > 1e-6 * max(1.0, abs(tighter)):
        text += f", saves {usd(looser)} per year per point looser"
    return text


def summarise(run: CaseRun, input_path: Path, out_dir: Path) -> RunSummary:
    """The headline first (what the caps cost, China's share and floor per period), then what is built, stockpiles
    and disruptions, the cost breakdown (the whole chain's total, present value), caps with their price, unmet."""
    r = run.result
    label = r.outcome.value + (f" (MIP gap {r.mip_gap:.2%})" if r.is_mip and r.mip_gap else "")
    if run.warnings:
        label += f", but NUMERICALLY DOUBTFUL ({len(run.warnings)} warning(s) below; see summary.json)"
    s = RunSummary(f"paxsilica: {input_path} -> {label}", multi_period=run.data.multi_period, results=str(out_dir),
                   warnings=list(run.warnings))
    head = run_headline(run)
    s.lead = lead_lines(head, run.data.multi_period)
    money = head["money"]
    s.cost_title = f"cost breakdown, {'present value (USD of ' + str(money['base_year']) + ')' if money['base_year'] is not None else 'USD per year'}"
    total = r.objective_usd or 0.0
    money_col = money_column("", run.data.multi_period)
    sales = float(run.tables["costs"].query("component == 'coproduct_sales'")[money_col].sum())
    notes = ["the whole chain, net of co-product sales" if sales < -0.5 else "the whole chain"]
    if money["base_year"] is not None:
        notes.append(f"{money['years']}, discounted to {money['base_year']} at {100 * money['discount_rate']:g}%")
    unit = pv_label(money)
    s.cost.append((f"total cost, {unit}", usd(total), "; ".join(notes)))
    if run.uncapped is not None:
        s.cost.append((f"without caps, {unit}", usd(run.uncapped["objective_usd"]),
                       f"caps cost {usd(total - run.uncapped['objective_usd'])}"))
    costs = run.tables["costs"].groupby("component", sort=False)[money_col].sum()
    s.cost += [(f"  {component}", usd(x), "extra over normal operations" if component.startswith("disruption:")
                else "") for component, x in costs.items() if abs(x) > 0.5]
    for b in head["built"]:
        when = f"decided {b['decided']}, online {b['online']}" if "online" in b else str(run.data.periods[0])
        kind = b.get("kind", "refinery")  # other kinds of build name theirs (a mine, a purifier, an upgrade)
        name = str(b["refinery"]) if kind == "refinery" else f"{b['refinery']} ({kind})"
        s.builds.append((name, str(b["country"]), f"{b['new_tpa']:,.0f}", when))
    for c in run.caps:
        s.caps.append((c.cap, str(c.period), pct(c.share), f"{c.demand_t:,.0f}", pct(c.max_share), cap_price(c)))
    if "disruptions" in run.tables:
        s.two_stage = two_stage_lines(head, run.data.multi_period)
    if "risk" in run.tables:
        s.risk = risk_line(run.tables["risk"]).strip()
    if run.unmet:
        total_unmet = sum(x for *_, x in run.unmet)
        s.unmet = f"{total_unmet:,.1f} t across {len(run.unmet)} fab/product rows (see summary.json)"
    return s


def plain_text(s: RunSummary) -> str:
    """The summary as aligned plain text (pipes, logs, CI)."""
    lines = [s.headline] + [f"  warning: {w}" for w in s.warnings] + [f"  {line}" for line in s.lead]
    if s.builds:
        lines.append("  new refining capacity" + (" (timeline):" if s.multi_period else ":"))
        for refinery, country, tpa, when in s.builds:
            lines.append(f"    {refinery:<28}{country:<5}{tpa:>12} t/yr" + (f"  {when}" if s.multi_period else ""))
    else:
        lines.append("  new refining capacity: none (nothing built)")
    lines += [f"  {line}" for line in s.two_stage]
    lines.append(f"  {s.cost_title}:")
    width = max([26] + [len(item) + 2 for item, _, _ in s.cost])
    for item, value, note in s.cost:
        lines.append(f"    {item:<{width}}{value:>14}" + (f"   ({note})" if note else ""))
    for cap, period, share, delivered, max_share, price in s.caps:
        when = f" {period}" if s.multi_period else ""
        binding = f", {price}" if price else ""
        lines.append(f"  cap {cap}{when}: {share} of {delivered} t demanded (max {max_share}){binding}")
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
    console.print(f"[bold]{escape(s.headline)}[/bold]", highlight=False)
    for w in s.warnings:
        console.print(f"[bold red]warning:[/bold red] {escape(w)}", highlight=False)
    for line in s.lead:
        console.print(f"[bold]{escape(line)}[/bold]", highlight=False)
    builds = Table(box=box.SIMPLE_HEAD, title="New refining capacity", title_justify="left")
    for name, justify in (("refinery", "left"), ("country", "left"), ("t/yr", "right")):
        builds.add_column(name, justify=justify)  # type: ignore[arg-type]
    if s.multi_period:
        builds.add_column("timeline")
    for refinery, country, tpa, when in s.builds:
        builds.add_row(refinery, country, tpa, *([when] if s.multi_period else []))
    if not s.builds:
        builds.add_row("none (nothing built)", "", "")
    console.print(builds)
    for line in s.two_stage:
        console.print(line, highlight=False)
    cost = Table(box=box.SIMPLE_HEAD, title=s.cost_title[0].upper() + s.cost_title[1:], title_justify="left",
                 show_header=False)
    cost.add_column("item")
    cost.add_column("USD", justify="right")
    cost.add_column("", style="dim")
    for item, value, note in s.cost:
        cost.add_row(item, value, note)
    console.print(cost)
    if s.caps:
        dep = Table(box=box.SIMPLE_HEAD, title="Caps", title_justify="left")
        for name, justify in (("cap", "left"), ("share", "right"), ("of t", "right"), ("max", "right"),
                              ("price", "left")):
            dep.add_column(name, justify=justify)  # type: ignore[arg-type]
        for cap, period, share, delivered, max_share, price in s.caps:
            when = f" {period}" if s.multi_period else ""
            dep.add_row(f"{cap}{when}", share, delivered, max_share, price or "not binding")
        console.print(dep)
    if s.risk:
        console.print(s.risk, highlight=False)
    if s.unmet:
        console.print(f"[red]unmet demand: {s.unmet}[/red]")
    console.print(f"results: {escape(s.results)}", highlight=False)
    if s.report:
        console.print(f"report: {escape(s.report)}", highlight=False)


def print_run(run: CaseRun, input_path: Path, out_dir: Path, stream: TextIO | None = None,
              report: Path | None = None) -> None:
    """Print cost, cost breakdown, builds, caps and China's share with and without caps.

    Tables on a terminal, plain text elsewhere; ``report`` is the HTML report written, if any.
    """
    s = summarise(run, input_path, out_dir)
    s.report = str(report) if report else ""
    # Paths and the scenario's name are the user's text: no escape sequence or bidi override reaches the terminal.
    s.headline, s.results, s.report = visible(s.headline), visible(s.results), visible(s.report)
    s.warnings = [visible(w, one_line=False) for w in s.warnings]
    stream = stream or sys.stdout
    if interactive(stream):
        _rich_print(s, stream)
    else:
        click.echo(plain_text(s), file=stream)
