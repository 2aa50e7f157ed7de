"""``paxsilica template OUT.xlsx``: an empty input workbook with every sheet, header, unit and description."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.cli.common import fail


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT if it exists (it may be a filled-in workbook).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (the exit code tells the outcome).")
def template(out: Path, force: bool, quiet: bool) -> None:
    """Write an empty input workbook OUT.xlsx with every sheet, header, unit and description.

    An existing OUT is never replaced without --force; OUT must end in .xlsx.
    """
    from optimizer.io.template import write_template

    if out.suffix.lower() != ".xlsx":
        fail(f"{out}: the template is an Excel workbook; give a name ending in .xlsx")
    if out.is_dir():
        fail(f"{out}: is a folder; give a file name ending in .xlsx")
    if (out.exists() or out.is_symlink()) and not force:
        fail(f"{out} exists (it may hold your data); use --force to replace it")
    try:
        write_template(out, replace=force)
    except FileExistsError:
        fail(f"{out} exists (it may hold your data); use --force to replace it")
    if not quiet:
        click.echo(f"wrote {out}")
