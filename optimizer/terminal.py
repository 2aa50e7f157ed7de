"""What a solve prints: a compact summary a person can read in a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.run import CaseRun


def _usd(x: float) -> str:
    for unit, size in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= size:
            return f"${x / size:,.2f}{unit}"
    return f"${x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def print_run(run: CaseRun, input_path: Path, out_dir: Path) -> None:
    """Print cost, cost breakdown, builds, caps and China's share with and without caps."""
    r = run.result
    label = r.outcome.value + (f" (MIP gap {r.mip_gap:.2%})" if r.is_mip and r.mip_gap else "")
    echo = click.echo
    echo(f"paxsilica: {input_path} -> {label}")
    echo(f"  total cost          {_usd(r.objective_usd or 0.0):>14}")
    if run.uncapped is not None:
        extra = (r.objective_usd or 0.0) - run.uncapped["objective_usd"]
        echo(f"  without caps        {_usd(run.uncapped['objective_usd']):>14}   (caps cost {_usd(extra)})")
    costs = run.tables["costs"].groupby("component", sort=False)["usd"].sum()
    for component, usd in costs.items():
        if abs(usd) > 0.5:
            echo(f"    {component:<18}{_usd(usd):>14}")
    builds = run.tables["builds"]
    built = builds[builds["built"]]
    if len(built):
        echo("  new refining capacity:")
        for b in built.itertuples():
            when = f" in {b.period}" if run.data.multi_period else ""
            echo(f"    {b.refinery:<28}{b.country:<5}{b.new_tpa:>12,.0f} t/yr{when}")
    else:
        echo("  new refining capacity: none")
    for t, share in run.china_share.items():
        when = f" in {t}" if run.data.multi_period else ""
        before = ""
        if run.uncapped is not None:
            before = f" (without caps {_pct(run.uncapped['china_share'][t])})"
        echo(f"  China's share of delivered oxide{when}: {_pct(share)}{before}")
    for c in run.caps:
        when = f" {c.period}" if run.data.multi_period else ""
        binding = f", costs {_usd(c.dual_usd_per_pct)} per point tighter" if c.dual_usd_per_pct > 1e-6 else ""
        echo(f"  cap {c.cap}{when}: {_pct(c.share)} of {c.delivered_t:,.0f} t (max {_pct(c.max_share)}){binding}")
    if run.unmet:
        total = sum(x for *_, x in run.unmet)
        echo(f"  unmet demand: {total:,.1f} t across {len(run.unmet)} fab/product rows (see summary.json)")
    echo(f"  results: {out_dir}")
