"""``paxsilica solve``: solve one case and write its results."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from optimizer.cli.common import (
    EXIT_DOUBTFUL,
    EXIT_NO_SOLUTION,
    MIP_GAP,
    TIME_LIMIT,
    fail,
    fail_on_bad_input,
    interruptible,
    solve_options,
    solver_choice,
)
from optimizer.errors import InputError
from optimizer.safe_text import visible


def run_label(label: str, caps: tuple[str, ...], each_country: str | None) -> str:
    """The default results-folder name: the scenario, then each command-line cap (``base__CHN-any-0.5``)."""
    from optimizer.solver.run import CapOverride

    parts = [label]
    for text in caps:
        o = CapOverride.parse(text)
        parts.append(f"{o.supplier}-{o.stage}" + (f"-{o.period}" if o.period else "") + f"-{o.max_share:g}")
    if each_country:
        parts.append("each-" + each_country.replace("=", "-"))
    return "__".join(re.sub(r"[^A-Za-z0-9_.+-]", "-", p) for p in parts)


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/<input-name>/<name>/]. Only the files paxsilica writes are "
                   "replaced; anything else in it is left alone.")
@click.option("--cap", "caps", multiple=True, metavar="SUPPLIER:STAGE=SHARE",
              help="Cap a supplier's share, e.g. CHN:any=0.2 (replaces a caps row with that supplier and stage).")
@click.option("--cap-each-country", "each_country", metavar="STAGE=SHARE",
              help="Cap every supplying country's share, e.g. refine=0.4 (one cap per country).")
@click.option("--scenario", default="base", show_default=True,
              help="A scenario of models/ by id (e.g. coalition_builds_only), or a path to a .toml file (only read).")
@click.option("--name", "label", metavar="LABEL",
              help="Name of the default results folder (letters, digits, _ and -) [default: the scenario, with the "
                   "--cap values].")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit, seconds.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop (0-1).")
@solver_choice
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also solve without caps, to report what the caps cost.")
@click.option("--fastest/--no-fastest", default=True, show_default=True,
              help="On a pathway (periods sheet), also find how fast China's share can fall (pathway.csv).")
@click.option("--report", "write_report", is_flag=True, help="Also write report.html next to the results.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def solve(input_path: Path | None, out_dir: Path | None, caps: tuple[str, ...], each_country: str | None, scenario: str,
          label: str | None, time_limit: float | None, mip_gap: float | None, method: str | None,
          solver_option: tuple[str, ...], baseline: bool, fastest: bool,
          write_report: bool, quiet: bool) -> None:
    """Solve one case: the cheapest plan within the dependence caps, and the refineries it builds.

    INPUT is an .xlsx workbook or a directory of CSV files; it defaults to the embedded dataset. Exit codes: 0 a
    plan, 1 no usable plan or a plan that is numerically doubtful (see its warnings), 2 bad input or usage.
    """
    from optimizer.analysis.diagnose import explain_failure
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.io.write import write_results
    from optimizer.report.progress import spinner
    from optimizer.report.terminal import print_run
    from optimizer.scenarios.scenario import check_label, load_for_solve, read_toml, resolve_scenario, solver_section
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
        if label is not None:
            check_label(label)
        scenario_file = resolve_scenario(scenario)
        data, input_path, scenario, extra = load_for_solve(input_path, scenario, default_input)
        data = apply_cap_overrides(data, overrides)
        data = each_country_caps(data, *each) if each else data
        file_solver = solver_section(read_toml(scenario_file), str(scenario_file)) if scenario_file else None
    except InputError as err:
        fail_on_bad_input(err)
    options = solve_options(time_limit, mip_gap, method, solver_option, file_solver)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / (label or run_label(scenario, caps, each_country))
    check_out_dir(out_dir, protect=(input_path, scenario_file))
    if write_report:
        from optimizer.report import ReportError, check_report_target

        try:
            check_report_target(out_dir / "report.html", png=False)
        except ReportError as err:
            fail(str(err))
    with out_lock(out_dir):
        with spinner(f"solving {visible(str(input_path))}", quiet):
            run = interruptible(lambda: solve_case(data, options, baseline=baseline))
        if not run.ok:
            _explain(run, data, input_path, out_dir, options, explain_failure)
        if fastest and data.multi_period:
            from optimizer.analysis.pathway import add_pathway

            with spinner("how fast can dependence fall", quiet):
                extra = {**extra, **interruptible(lambda: add_pathway(run, options))}
        document: dict[str, Any] = {**summary(run, scenario), **extra}
        write_results(out_dir, run.tables, document, protect=(input_path, scenario_file))
        report = out_dir / "report.html" if write_report else None
        if report:
            from optimizer.report import ReportError, build_report

            try:
                build_report(out_dir, report, data=run.data)
            except ReportError as err:
                fail(f"results written to {out_dir}, but not the report: {err}")
    if not quiet:
        print_run(run, input_path, out_dir, report=report)
    if run.warnings:
        sys.exit(EXIT_DOUBTFUL)


def _explain(run: Any, data: Any, input_path: Path, out_dir: Path, options: Any, explain: Any) -> None:
    why = explain(data, run.result.outcome.value, run.result.solver_status, options)
    click.echo(f"{visible(str(input_path))}: {run.result.outcome.value}. "
               + (f"No plan meets every demand{_within(data)}:" if why else run.result.message), err=True)
    for line in why:
        click.echo(f"  {line}", err=True)
    click.echo(f"No results written; anything already in {visible(str(out_dir))} is untouched.", err=True)
    sys.exit(EXIT_NO_SOLUTION)


def _within(data: object) -> str:
    """What the plan must hold to: the caps, and the disruptions it must survive."""
    survive = any(d.must_survive for d in getattr(data, "disruptions", {}).values())
    caps = bool(getattr(data, "caps", None))
    return {(True, False): " within the caps", (False, True): " through the disruptions it must survive",
            (True, True): " within the caps and through the disruptions it must survive"}.get((caps, survive), "")
