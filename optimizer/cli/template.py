"""``paxsilica template OUT.xlsx``: an empty input workbook with every sheet, header, unit and description."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (the exit code tells the outcome).")
def template(out: Path, quiet: bool) -> None:
    """Write an empty input workbook OUT.xlsx with every sheet, header, unit and description."""
    from optimizer.io.template import write_template

    write_template(out)
    if not quiet:
        click.echo(f"wrote {out}")
