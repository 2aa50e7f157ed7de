"""``paxsilica sweep``: the cost-versus-dependence frontier of one cap, solved warm in one model."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.analysis import DEFAULT_SWEPT_CAP as SWEEP_DEFAULT_CAP
from optimizer.arguments import MAX_STEPS
from optimizer.cli.common import (
    EXIT_NO_SOLUTION,
    MIP_GAP,
    SHARE,
    TIME_LIMIT,
    fail_on_bad_input,
    interruptible,
    solve_options,
    solver_choice,
)
from optimizer.errors import InputError
from optimizer.safe_text import visible


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--cap", "cap_text", default=SWEEP_DEFAULT_CAP, show_default=True, metavar="SUPPLIER:STAGE",
              help="The cap to sweep (the input's cap with that supplier and stage, or a new one).")
@click.option("--from", "start", type=SHARE, default=1.0, show_default=True,
              help="First (loosest) max_share.")
@click.option("--to", "stop", type=SHARE, default=0.0, show_default=True,
              help="Last (tightest) max_share.")
@click.option("--steps", type=click.IntRange(1, MAX_STEPS), default=21, show_default=True,
              help=f"Number of points (at most {MAX_STEPS}).")
@click.option("--period", type=int, help="On a pathway: the period whose share is swept [default: the last].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/<input-name>/sweep-<SUPPLIER>-<STAGE>/].")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit per point, s.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop each point (0-1).")
@solver_choice
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def sweep(input_path: Path | None, cap_text: str, start: float, stop: float, steps: int, period: int | None,
          out_dir: Path | None,
          time_limit: float | None, mip_gap: float | None, method: str | None, solver_option: tuple[str, ...],
          quiet: bool) -> None:
    """Trace total cost against a cap's max_share, from --from to --to, and mark where the build plan changes.

    Each point is printed as soon as it is solved (with a progress bar on a terminal). Writes frontier.csv,
    results.xlsx and summary.json; stops at the first share no plan can meet. Exits 0 if at least one point was
    solved. On a pathway (a periods sheet) one period's share is swept, the last unless --period says otherwise;
    the cap's other periods stay as given.
    """
    from optimizer.analysis.sweep import (
        Sweep,
        SweepPoint,
        SweptCap,
        frontier_table,
        plan_changed,
        run_sweep,
        sweep_shares,
        sweep_summary,
        swept_period,
    )
    from optimizer.io.load import load_case
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.io.write import write_results
    from optimizer.report.progress import track
    from optimizer.solver.run import default_input, input_name

    try:
        cap = SweptCap.parse(cap_text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    shares = sweep_shares(start, stop, steps)
    options = solve_options(time_limit, mip_gap, method, solver_option)
    try:
        input_path = input_path or default_input()
        data = load_case(input_path)
        swept_period(data, period)  # before any folder is made
    except InputError as err:
        fail_on_bad_input(err)
    when = f"-{period or data.periods[-1]}" if data.multi_period else ""
    out_dir = out_dir or Path("outputs") / input_name(input_path) / f"sweep-{cap.supplier}-{cap.stage}{when}"
    check_out_dir(out_dir, protect=(input_path,))
    with out_lock(out_dir):
        previous: list[SweepPoint] = []

        def show(so_far: Sweep, p: SweepPoint) -> None:
            if not p.usable:
                bar.row(f"  {100 * p.max_share:5.1f}%  {p.status}")
            else:
                cost = p.objective_usd or 0.0
                increase = cost - so_far.reference_usd if so_far.reference_usd is not None else 0.0
                mark = "changed" if previous and plan_changed(previous[-1], p) else ""
                bar.row(f"  {100 * p.max_share:5.1f}% {cost:16,.0f} {increase:14,.0f} "
                        f"{p.dual_usd_per_yr_per_pct or 0.0:12,.0f} {100 * (p.realised_share or 0.0):8.1f}%  {mark}".rstrip())
                previous.append(p)
            bar.advance()

        with track(len(shares), f"sweeping {cap.supplier}:{cap.stage}", quiet) as bar:
            bar.row(f"paxsilica sweep: {visible(str(input_path))}, cap {cap.supplier}:{cap.stage}"
                    + (f" in {period or data.periods[-1]}" if data.multi_period else "") + f", {len(shares)} point(s)")
            money = f"PV {data.periods[0]}" if data.multi_period else "per yr"
            bar.row(f"  {'share':>6} {'cost, ' + money:>16} {'increase':>14} {'USD/yr/point':>12} {'realised':>9}  plan")
            try:
                result = interruptible(lambda: run_sweep(data, cap, shares, options, on_point=show, period=period))
            except InputError as err:
                fail_on_bad_input(err)
        if not result.solved:
            click.echo(f"{visible(str(input_path))}: no plan even at {cap.supplier}:{cap.stage} <= {100 * start:g}% "
                       f"({result.points[0].status}). Run `paxsilica solve` for a diagnosis.", err=True)
            click.echo(f"No results written; anything already in {visible(str(out_dir))} is untouched.", err=True)
            sys.exit(EXIT_NO_SOLUTION)
        write_results(out_dir, {"frontier": frontier_table(result)}, sweep_summary(result), protect=(input_path,))
        if quiet:
            return
        click.echo(f"  cap {result.cap}" + (" (added for the sweep)" if result.added else "")
                   + f"; tightest feasible share: {100 * result.tightest_feasible:.1f}%"  # type: ignore[operator]
                   + (f" ({100 * result.first_infeasible:.1f}% is infeasible)" if result.first_infeasible is not None
                      else ""))
        click.echo(f"  {len(result.solved)} points in {result.times_s['total']:.2f} s; "
                   f"results: {visible(str(out_dir))}")
