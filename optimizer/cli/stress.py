"""``paxsilica stress``: disruption tests on the base plan, and N-1 chokepoint rankings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import (
    EXIT_NO_SOLUTION,
    MIP_GAP,
    TIME_LIMIT,
    fail_on_bad_input,
    interruptible,
    solve_options,
    solver_choice,
)
from optimizer.errors import InputError
from optimizer.safe_text import visible

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
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/<input-name>/stress[-n-1-KIND]/].")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit per case, s.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop each case (0-1).")
@solver_choice
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def stress(input_path: Path | None, removals: tuple[str, ...], n1: str | None, reoptimize: bool, drop_caps: bool,
           out_dir: Path | None, time_limit: float | None, mip_gap: float | None, method: str | None,
           solver_option: tuple[str, ...], quiet: bool) -> None:
    """Disrupt the base plan: remove supply, re-route the flows, and report unmet demand and cost.

    Demand that can no longer be met is priced at the fab's unmet penalty (or a large default), so every disrupted
    case has a plan. With a disruptions sheet in the input, each disruption is also reported for the base plan:
    unmet tonnes with its stockpiles and without them (no --remove or --n-1 needed). Each case is printed as soon as it is solved (with a progress bar on a terminal), then the
    ranking. Writes stress.csv, stress_detail.csv, results.xlsx and summary.json.
    """
    import pandas as pd

    from optimizer.analysis.stress import (
        StressCase,
        n_minus_1,
        parse_disruption,
        run_stress,
        stress_detail_table,
        stress_disruptions_table,
        stress_summary,
        stress_table,
    )
    from optimizer.io.load import load_case
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.io.write import write_results
    from optimizer.report.progress import track
    from optimizer.solver.measures import period_column
    from optimizer.solver.money import money_column
    from optimizer.solver.run import default_input, input_name

    if removals and n1:
        raise click.UsageError("give either --remove (one case) or --n-1 KIND (every single disruption)")
    options = solve_options(time_limit, mip_gap, method, solver_option)
    try:
        input_path = input_path or default_input()
        data = load_case(input_path)
        cases = [[parse_disruption(data, text) for text in removals]] if removals else [
            [d] for d in n_minus_1(data, n1)] if n1 else []
    except InputError as err:
        fail_on_bad_input(err)
    if not cases and not data.disruptions:
        raise click.UsageError("give either --remove (one case) or --n-1 KIND (every single disruption); without "
                               "them, stress reports the input's disruptions, and this input has none")
    if not cases and not quiet:
        click.echo(f"No --remove or --n-1: reporting the input's {len(data.disruptions)} disruption(s) for the base "
                   "plan (unmet tonnes with its stockpiles and without them). For chokepoints, give --remove "
                   "COUNTRY|NODE|FROM>TO or --n-1 country|refinery|mine.")
    out_dir = out_dir or Path("outputs") / input_name(input_path) / ("stress" + (f"-n-1-{n1}" if n1 else ""))
    check_out_dir(out_dir, protect=(input_path,))
    with out_lock(out_dir):
        held = "re-optimised" if reoptimize else "fixed at the base plan"
        china_head = f"China {data.periods[-1]}" if data.multi_period else "China"  # its share in the last period
        money = f"USD PV {data.periods[0]}" if data.multi_period else "USD/yr"  # a pathway's costs: present values
        cost_head = f"cost +{money}"
        china_col = period_column("china_share", data.periods[-1], data.multi_period)
        caps = "lifted" if drop_caps else "kept"

        def show(c: StressCase, base: StressCase) -> None:
            removed = ";".join(str(d) for d in c.removed)
            if not c.usable:
                bar.row(f"  solved  {removed:<28}{c.status:>10}")
            else:
                last = c.china_share.get(data.periods[-1])
                china = "" if last is None else f"{100 * last:7.1f}%"
                increase = (c.objective_usd or 0.0) - (base.objective_usd or 0.0)
                bar.row(f"  solved  {removed:<28}{c.unmet_t:>10,.1f}{increase:>16,.0f}{china:>8}")
            bar.advance()

        with track(len(cases), f"stress: {len(cases)} case(s)", quiet) as bar:
            bar.row(f"paxsilica stress: {visible(str(input_path))}, {len(cases)} case(s), investments {held}, "
                    f"caps {caps}")
            if cases:
                bar.row(f"  {'':6}  {'removed':<28}{'unmet t':>10}{cost_head:>16}{china_head:>8}")
            result = interruptible(lambda: run_stress(data, cases, reoptimize, options, keep_caps=not drop_caps, on_case=show))
        if not result.base.usable:
            click.echo(f"{visible(str(input_path))}: the base plan is {result.base.status}; nothing to disrupt. "
                       "Run `paxsilica solve` "
                       "for a diagnosis.", err=True)
            click.echo(f"No results written; anything already in {visible(str(out_dir))} is untouched.", err=True)
            sys.exit(EXIT_NO_SOLUTION)
        table = stress_table(result)
        tables = {"stress": table, "stress_detail": stress_detail_table(result)}
        if result.disruptions:
            tables["stress_disruptions"] = stress_disruptions_table(result)
        write_results(out_dir, tables, stress_summary(result), protect=(input_path,))
        if quiet:
            return
        if result.disruptions:
            click.echo("Disruptions, for the base plan (builds held): unmet t with its stockpiles / without them")
            for name, period, with_stock, bare in result.disruptions:
                when = f" in {period}" if data.multi_period else ""
                shown = ["no plan" if x is None else f"{x:,.1f} t" for x in (with_stock, bare)]
                click.echo(f"  {name}{when}: {shown[0]} with stockpiles, {shown[1]} without")
        if not result.cases:
            click.echo(f"  results: {visible(str(out_dir))}")
            return
        click.echo("Chokepoints, worst first:")
        click.echo(f"  base plan: {result.base.objective_usd:,.0f} {money} (the whole chain), unmet "
                   f"{result.base.unmet_t:,.1f} t; unmet tonnes cost {result.penalty_usd_per_t:,.0f} USD/t where the "
                   "input gives no penalty")
        click.echo(f"  {'case':>4}  {'removed':<28}{'unmet t':>10}{cost_head:>16}{china_head:>8}")
        increase_col = money_column("cost_increase", data.multi_period)
        for row in table.iloc[1:SHOWN + 1].to_dict("records"):
            case, removed = row["case"], row["removed"]
            if row["status"] not in ("optimal", "feasible"):
                click.echo(f"  {case:>4}  {removed:<28}{row['status']:>10}")
                continue
            china = "" if pd.isna(row[china_col]) else f"{100 * row[china_col]:7.1f}%"
            click.echo(f"  {case:>4}  {removed:<28}{row['unmet_t']:>10,.1f}{row[increase_col]:>16,.0f}{china:>8}")
        if len(table) > SHOWN + 1:
            click.echo(f"  ... {len(table) - SHOWN - 1} more in stress.csv")
        click.echo(f"  results: {visible(str(out_dir))}")
