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


@main.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder [default: outputs/<input-name>/<scenario>/].")
@click.option("--cap", "caps", multiple=True, metavar="SUPPLIER:STAGE=SHARE",
              help="Cap a supplier's share, e.g. CHN:any=0.2 (replaces a caps row with that supplier and stage).")
@click.option("--scenario", default="base", show_default=True, help="Name the run (its results folder).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Solver time limit, seconds.")
@click.option("--mip-gap", type=click.FloatRange(min=0), help="Relative MIP gap at which to stop.")
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also solve without caps, to report what the caps cost.")
def solve(input_path: Path | None, out_dir: Path | None, caps: tuple[str, ...], scenario: str,
          time_limit: float | None, mip_gap: float | None, baseline: bool) -> None:
    """Solve one case: the cheapest plan within the dependence caps, and the refineries it builds.

    INPUT is an .xlsx workbook or a directory of CSV files; it defaults to the embedded dataset.
    """
    from optimizer.io.load import load_case
    from optimizer.io.write import write_results
    from optimizer.run import CapOverride, apply_cap_overrides, default_input, input_name, solve_case, summary
    from optimizer.solve import SolveOptions
    from optimizer.terminal import print_run

    try:
        overrides = [CapOverride.parse(text) for text in caps]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    input_path = input_path or default_input()
    try:
        data = apply_cap_overrides(load_case(input_path), overrides)
    except InputError as err:
        _report_problems(err)
        sys.exit(EXIT_BAD_INPUT)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / scenario
    run = solve_case(data, SolveOptions(time_limit=time_limit, mip_gap=mip_gap), baseline=baseline)
    if not run.ok:
        click.echo(f"{input_path}: {run.result.outcome.value}. {run.result.message}", err=True)
        click.echo(f"No results written; anything already in {out_dir} is untouched.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
    write_results(out_dir, run.tables, summary(run, scenario))
    print_run(run, input_path, out_dir)
