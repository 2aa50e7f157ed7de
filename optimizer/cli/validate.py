"""``paxsilica validate INPUT``: check the input only and print every problem found."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.cli.common import fail_on_bad_input
from optimizer.errors import InputError
from optimizer.safe_text import visible


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (the exit code tells the outcome).")
def validate(input_path: Path, quiet: bool) -> None:
    """Check INPUT (an .xlsx workbook or a directory of CSV files) and print every problem found.

    The report goes to stdout; exit code 0 when the input is clean, 2 when it has problems.
    """
    from optimizer.io.load import load_case

    try:
        data = load_case(input_path)
    except InputError as err:
        fail_on_bad_input(err, to_stdout=True)  # the report is this command's output
    if not quiet:
        click.echo(f"{visible(str(input_path))}: no problems found ({len(data.mines)} mines, "
                   f"{len(data.refineries)} refineries, "
                   f"{len(data.fab_country)} fabs, {len(data.mine_arcs) + len(data.fab_arcs)} arcs)")
