"""``paxsilica stress``: disruption tests on the base plan, and N-1 chokepoint rankings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import EXIT_NO_SOLUTION, fail_on_bad_input, solve_options, solver_choice
from optimizer.errors import InputError

SHOWN = 10  # cases printed; every case is in stress.csv


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--remove", "removals", multiple=True, metavar="COUNTRY|NODE|FROM>TO",
              help="Take away a country (its mines and refineries), a mine, a refinery or a lane FROM>TO; "
                   "repeat to remove several at once (one case).")
@click.option("--n-1", "n1", type=click.Choice(["country", "refinery", "mine"]),
              help="Run every single disruption of this kind and rank them: the chokepoints.")
@click.option("--reoptimize", is_flag=True, help="Let investments change too (default: fixed at the base plan).")
@click.option("--drop-caps", is_flag=True,
              help="Lift the dependence caps in the disrupted cases (default: they still hold).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder [default: outputs/<input-name>/stress[-n-1-KIND]/].")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Solver time limit per case, s.")
@click.option("--mip-gap", type=click.FloatRange(min=0), help="Relative MIP gap at which to stop each case.")
@solver_choice
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def stress(input_path: Path | None, removals: tuple[str, ...], n1: str | None, reoptimize: bool, drop_caps: bool,
           out_dir: Path | None, time_limit: float | None, mip_gap: float | None, method: str | None,
           solver_option: tuple[str, ...], quiet: bool) -> None:
    """Disrupt the base plan: remove supply, re-route the flows, and report unmet demand and cost.

    Demand that can no longer be met is priced at the fab's unmet penalty (or a large default), so every disrupted
    case has a plan. Each case is printed as soon as it is solved (with a progress bar on a terminal), then the
    ranking. Writes stress.csv, stress_detail.csv, results.xlsx and summary.json.
    """
    import pandas as pd

    from optimizer.analysis.stress import (
        StressCase,
        n_minus_1,
        parse_disruption,
        run_stress,
        stress_detail_table,
        stress_summary,
        stress_table,
    )
    from optimizer.io.load import load_case
    from optimizer.io.write import write_results
    from optimizer.report.progress import track
    from optimizer.solver.run import default_input, input_name

    if bool(removals) == bool(n1):
        raise click.UsageError("give either --remove (one case) or --n-1 KIND (every single disruption)")
    options = solve_options(time_limit, mip_gap, method, solver_option)
    try:
        input_path = input_path or default_input()
        data = load_case(input_path)
        cases = [[parse_disruption(data, text) for text in removals]] if removals else [
            [d] for d in n_minus_1(data, n1)]  # type: ignore[arg-type]
    except InputError as err:
        fail_on_bad_input(err)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / ("stress" + (f"-n-1-{n1}" if n1 else ""))
    held = "re-optimised" if reoptimize else "fixed at the base plan"
    caps = "lifted" if drop_caps else "kept"

    def show(c: StressCase, base: StressCase) -> None:
        removed = ";".join(str(d) for d in c.removed)
        if not c.usable:
            bar.row(f"  solved  {removed:<28}{c.status:>10}")
        else:
            china = "" if c.china_share is None else f"{100 * c.china_share:7.1f}%"
            increase = (c.objective_usd or 0.0) - (base.objective_usd or 0.0)
            bar.row(f"  solved  {removed:<28}{c.unmet_t:>10,.1f}{increase:>16,.0f}{china:>8}")
        bar.advance()

    with track(len(cases), f"stress: {len(cases)} case(s)", quiet) as bar:
        bar.row(f"paxsilica stress: {input_path}, {len(cases)} case(s), investments {held}, caps {caps}")
        bar.row(f"  {'':6}  {'removed':<28}{'unmet t':>10}{'cost +USD':>16}{'China':>8}")
        result = run_stress(data, cases, reoptimize, options,
                            keep_caps=not drop_caps, on_case=show)
    if not result.base.usable:
        click.echo(f"{input_path}: the base plan is {result.base.status}; nothing to disrupt. Run `paxsilica solve` "
                   "for a diagnosis.", err=True)
        click.echo(f"No results written; anything already in {out_dir} is untouched.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
    table = stress_table(result)
    write_results(out_dir, {"stress": table, "stress_detail": stress_detail_table(result)}, stress_summary(result))
    if quiet:
        return
    click.echo("Chokepoints, worst first:")
    click.echo(f"  base plan: {result.base.objective_usd:,.0f} USD, unmet {result.base.unmet_t:,.1f} t")
    click.echo(f"  {'case':>4}  {'removed':<28}{'unmet t':>10}{'cost +USD':>16}{'China':>8}")
    for row in table.iloc[1:SHOWN + 1].to_dict("records"):
        case, removed = row["case"], row["removed"]
        if row["status"] not in ("optimal", "feasible"):
            click.echo(f"  {case:>4}  {removed:<28}{row['status']:>10}")
            continue
        china = "" if pd.isna(row["china_share"]) else f"{100 * row['china_share']:7.1f}%"
        click.echo(f"  {case:>4}  {removed:<28}{row['unmet_t']:>10,.1f}{row['cost_increase_usd']:>16,.0f}{china:>8}")
    if len(table) > SHOWN + 1:
        click.echo(f"  ... {len(table) - SHOWN - 1} more in stress.csv")
    click.echo(f"  results: {out_dir}")
