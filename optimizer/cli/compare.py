"""``paxsilica compare RUN_A RUN_B``: does run B reproduce run A (objective, KPIs, builds, optionally flows)?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import EXIT_BAD_INPUT, EXIT_NO_SOLUTION, EXIT_OK, FiniteFloat


@click.command()
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option("--rtol", type=FiniteFloat(0), default=1e-6, show_default=True, help="Relative tolerance.")
@click.option("--atol", type=FiniteFloat(0), default=1e-6, show_default=True,
              help="Absolute tolerance (USD, t, share).")
@click.option("--flows", "with_flows", is_flag=True,
              help="Compare every flow too (off by default: an equally cheap split is a legitimate optimum).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (the exit code tells the outcome).")
def compare(run_a: Path, run_b: Path, rtol: float, atol: float, with_flows: bool, quiet: bool) -> None:
    """Compare two result folders of `paxsilica solve`.

    Exits 0 when B matches A within the tolerances, 1 on a difference (a regression), 2 when a folder cannot be read.
    """
    from optimizer.analysis.compare import Tolerance, UnreadableRun, compare_runs, read_run

    try:
        a, b = read_run(run_a, with_flows), read_run(run_b, with_flows)
    except UnreadableRun as err:
        click.echo(f"cannot compare: {err}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    differences = compare_runs(a, b, Tolerance(rtol, atol), flows=with_flows)
    compared = "objective, cost breakdown, cap shares, China's share, unmet demand, builds" + (
        ", flows" if with_flows else "")
    if not differences:
        if not quiet:
            click.echo(f"{run_a} and {run_b} agree ({compared}; rtol {rtol:g}, atol {atol:g})")
        sys.exit(EXIT_OK)
    if not quiet:
        click.echo(f"{run_b} differs from {run_a} in {len(differences)} place(s) (rtol {rtol:g}, atol {atol:g}):")
        for d in differences:
            click.echo(f"  {d}")
    sys.exit(EXIT_NO_SOLUTION)
