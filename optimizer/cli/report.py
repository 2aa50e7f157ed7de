"""``paxsilica report``: turn a results folder into one self-contained HTML report (and PNG charts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import EXIT_BAD_INPUT
from optimizer.safe_text import visible


@click.command()
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write [default: RUN_DIR/report.html].")
@click.option("--png", is_flag=True, help="Also write PNG versions of the main charts beside the HTML.")
@click.option("--period", type=int, help="Period the Sankey shows [default: the first].")
@click.option("--product", help="Product the Sankey shows [default: all products].")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (the exit code tells the outcome).")
def report(run_dir: Path, out: Path | None, png: bool, period: int | None, product: str | None, quiet: bool) -> None:
    """Write an HTML report of a results folder: material flows, costs, builds, caps, and (when present) the
    sweep's frontier, the stress test's chokepoints and concentration risk.

    The HTML file works offline: everything it needs is inside it.
    """
    from optimizer.extras import MissingExtra, require
    from optimizer.report import ReportError, build_report

    try:
        if png:
            require("png")  # before anything is written
        written = build_report(run_dir, out, period=period, product=product, png=png)
    except (ReportError, MissingExtra) as err:
        click.echo(f"paxsilica report: {err}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for path in written if not quiet else []:
        click.echo(f"wrote {visible(str(path))}")
