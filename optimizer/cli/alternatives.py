"""``paxsilica alternatives``: what every near-optimal plan builds, and where the choice is free."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import (
    EXIT_NO_SOLUTION,
    MIP_GAP,
    TIME_LIMIT,
    FiniteFloat,
    fail_on_bad_input,
    interruptible,
    solve_options,
    solver_choice,
)
from optimizer.errors import InputError

SLACK = FiniteFloat(0, None)


def _usd(x: float) -> str:
    """Whole dollars, with cents for a small figure (the bound of a small case would round away its slack)."""
    return f"{x:,.0f}" if abs(x) >= 1e5 else f"{x:,.2f}"


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--slack", type=SLACK, default=0.05, show_default=True,
              help="Cost allowed above the optimum, as a fraction of it (0.05: plans within 5%).")
@click.option("--slack-usd", type=SLACK, metavar="USD",
              help="Cost allowed above the optimum in USD (present value on a pathway, per year for one year), "
                   "instead of --slack.")
@click.option("--by", type=click.Choice(["country", "site", "stage"]), default="country", show_default=True,
              help="Group new capacity by the site's country, by site, or by stage (kind of investment).")
@click.option("--period", type=int, help="On a pathway: only the capacity decided in this period [default: every "
                                         "period, one group each].")
@click.option("--cap", "caps", multiple=True, metavar="SUPPLIER:STAGE=SHARE",
              help="Cap a supplier's share in every plan, e.g. CHN:any=0.2 (as for solve).")
@click.option("--scenario", default="base", show_default=True,
              help="A scenario of models/ by id, or a path to a .toml file (only read).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/<input-name>/alternatives-<by>-<slack>/]. Only the files "
                   "paxsilica writes are replaced.")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Processes that solve the extremes (each builds the model once).")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit per solve, s.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop each solve (0-1).")
@solver_choice
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def alternatives(input_path: Path | None, slack: float, slack_usd: float | None, by: str, period: int | None, caps: tuple[str, ...],
                 scenario: str, out_dir: Path | None, workers: int, time_limit: float | None, mip_gap: float | None,
                 method: str | None, solver_option: tuple[str, ...], quiet: bool) -> None:
    """Near-optimal alternatives: with the total cost held within --slack of the optimum (and every cap and other
    constraint kept), the least and the most new capacity of each group, per period on a pathway.

    A group whose least is above zero is built in every near-optimal plan; one whose least is zero and most is not
    is a free choice. Writes alternatives.csv (each group's least, most and optimum, with each plan's cost),
    alternatives_builds.csv (the builds of every plan), results.xlsx and summary.json; `paxsilica report` draws
    the ranges. Exit codes: 0 done, 1 no plan at all or an extreme without a plan (the others are written), 2 bad
    input or usage.
    """
    from optimizer.analysis.alternatives import (
        alternatives_summary,
        alternatives_table,
        builds_table,
        check_request,
        group_lines,
        prepare,
        run_alternatives,
    )
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.io.write import write_results
    from optimizer.report.progress import spinner, track
    from optimizer.scenarios.scenario import load_for_solve, read_toml, resolve_scenario, solver_section
    from optimizer.solver.run import CapOverride, apply_cap_overrides, default_input, input_name

    try:
        overrides = [CapOverride.parse(text) for text in caps]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    try:
        scenario_file = resolve_scenario(scenario)
        data, input_path, scenario, extra = load_for_solve(input_path, scenario, default_input)
        data = apply_cap_overrides(data, overrides)
        file_solver = solver_section(read_toml(scenario_file), str(scenario_file)) if scenario_file else None
        check_request(data, slack, by, period, slack_usd)
    except InputError as err:
        fail_on_bad_input(err)
    options = solve_options(time_limit, mip_gap, method, solver_option, file_solver)
    within = f"{slack:g}" if slack_usd is None else f"usd{slack_usd:g}"
    out_dir = out_dir or Path("outputs") / input_name(input_path) / f"alternatives-{by}-{within}"
    check_out_dir(out_dir, protect=(input_path, scenario_file))
    with out_lock(out_dir):
        with spinner(f"building {input_path}", quiet):
            near = interruptible(lambda: prepare(data, by, period))
        with track(2 * len(near.groups), "near-optimal alternatives", quiet) as bar:
            margin = f"{100 * slack:g}% of the optimum's cost" if slack_usd is None else \
                f"US${_usd(slack_usd)} of the optimum's cost"
            bar.row(f"paxsilica alternatives: {input_path}, plans within {margin}, "
                    f"{len(near.groups)} group(s) by {by}" + (f" decided in {period}" if period is not None else ""))
            alt = interruptible(lambda: run_alternatives(data, slack, by, period, options, workers,
                                                         on_extreme=lambda *_: bar.advance(), near=near,
                                                         slack_usd=slack_usd))
        if not alt.ok:
            click.echo(f"{input_path}: no plan ({alt.optimum.status}), so no alternatives. Run `paxsilica solve` "
                       f"for a diagnosis. No results written; anything already in {out_dir} is untouched.", err=True)
            sys.exit(EXIT_NO_SOLUTION)
        document = {**alternatives_summary(alt), "scenario": scenario, **extra}
        tables = {"alternatives": alternatives_table(alt), "alternatives_builds": builds_table(alt)}
        write_results(out_dir, tables, document, protect=(input_path, scenario_file))
    if not quiet:
        cost, bound = alt.optimum.cost_usd or 0.0, alt.bound_usd or 0.0
        when = "present value over the horizon" if data.multi_period else "a year"
        click.echo(f"  optimum {_usd(cost)} USD ({when}); near-optimal: at most {_usd(bound)} USD "
                   f"({len(alt.groups)} group(s), {2 * len(alt.groups)} extremes in {alt.times_s['total']:.2f} s)")
        for line in group_lines(alt):
            click.echo(f"  {line}")
        if not alt.groups:
            click.echo("  no new capacity can be decided" + (f" in {period}" if period is not None else "")
                       + ": the case has no build candidates (max_new_tpa and build)")
        click.echo(f"  results: {out_dir}")
    if alt.failed:
        click.echo("no plan for: " + "; ".join(alt.failed) + ". Raise --time-limit or loosen --mip-gap.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
