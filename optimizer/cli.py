"""The ``paxsilica`` command line: each command parses its options and calls the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer import __version__
from optimizer.errors import InputError

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT = 0, 1, 2


def _report_problems(err: InputError) -> None:
    click.echo(f"{len(err.problems)} problem(s) in the input:", err=True)
    for problem in err.problems:
        click.echo(f"  {problem}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paxsilica")
def main() -> None:
    """Optimise the rare-earth supply chain: mines -> refineries -> chip fabs, under dependence caps."""


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
def validate(input_path: Path) -> None:
    """Check INPUT (an .xlsx workbook or a directory of CSV files) and print every problem found."""
    from optimizer.io.load import load_case

    try:
        data = load_case(input_path)
    except InputError as err:
        _report_problems(err)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(
        f"{input_path}: no problems found ({len(data.mines)} mines, {len(data.refineries)} refineries, "
        f"{len(data.fab_country)} fabs, {len(data.mine_arcs) + len(data.fab_arcs)} arcs)"
    )


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def template(out: Path) -> None:
    """Write an empty input workbook OUT.xlsx with every sheet, header, unit and description."""
    from optimizer.io.template import write_template

    write_template(out)
    click.echo(f"wrote {out}")
