"""``paxsilica solve``: solve one case and write its results."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import EXIT_NO_SOLUTION, fail_on_bad_input, solve_options, solver_choice
from optimizer.errors import InputError


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder [default: outputs/<input-name>/<scenario>/].")
@click.option("--cap", "caps", multiple=True, metavar="SUPPLIER:STAGE=SHARE",
              help="Cap a supplier's share, e.g. CHN:any=0.2 (replaces a caps row with that supplier and stage).")
@click.option("--cap-each-country", "each_country", metavar="STAGE=SHARE",
              help="Cap every supplying country's share, e.g. refine=0.4 (one cap per country).")
@click.option("--scenario", default="base", show_default=True,
              help="Apply models/NAME.toml (or a .toml path) if it exists; in any case, name the results folder.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Solver time limit, seconds.")
@click.option("--mip-gap", type=click.FloatRange(min=0), help="Relative MIP gap at which to stop.")
@solver_choice
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also solve without caps, to report what the caps cost.")
@click.option("--report", "write_report", is_flag=True, help="Also write report.html next to the results.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def solve(input_path: Path | None, out_dir: Path | None, caps: tuple[str, ...], each_country: str | None, scenario: str,
          time_limit: float | None, mip_gap: float | None, method: str | None, solver_option: tuple[str, ...],
          baseline: bool, write_report: bool, quiet: bool) -> None:
    """Solve one case: the cheapest plan within the dependence caps, and the refineries it builds.

    INPUT is an .xlsx workbook or a directory of CSV files; it defaults to the embedded dataset.
    """
    from optimizer.io.write import write_results
    from optimizer.report.progress import spinner
    from optimizer.report.terminal import print_run
    from optimizer.scenarios.scenario import load_for_solve, scenario_solver
    from optimizer.solver.risk import each_country_caps, parse_each_country
    from optimizer.solver.run import CapOverride, apply_cap_overrides, default_input, input_name, solve_case, summary

    try:
        overrides = [CapOverride.parse(text) for text in caps]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    try:
        each = parse_each_country(each_country) if each_country else None
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap-each-country") from None
    try:
        file_solver = scenario_solver(scenario)  # NAME or a .toml path, before it becomes the scenario's name
        data, input_path, scenario, extra = load_for_solve(input_path, scenario, default_input)
        data = apply_cap_overrides(data, overrides)
        data = each_country_caps(data, *each) if each else data
    except InputError as err:
        fail_on_bad_input(err)
    options = solve_options(time_limit, mip_gap, method, solver_option, file_solver)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / scenario
    with spinner(f"solving {input_path}", quiet):
        run = solve_case(data, options, baseline=baseline)
    if not run.ok:
        from optimizer.analysis.diagnose import explain_failure  # only when there is no plan

        why = explain_failure(data, run.result.outcome.value, run.result.solver_status, options)
        click.echo(f"{input_path}: {run.result.outcome.value}. "
                   + ("No plan meets every demand within the caps:" if why else run.result.message), err=True)
        for line in why:
            click.echo(f"  {line}", err=True)
        click.echo(f"No results written; anything already in {out_dir} is untouched.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
    write_results(out_dir, run.tables, {**summary(run, scenario), **extra})
    report = out_dir / "report.html" if write_report else None
    if report:
        from optimizer.report import build_report

        build_report(out_dir, report, data=run.data)
    if not quiet:
        print_run(run, input_path, out_dir, report=report)
