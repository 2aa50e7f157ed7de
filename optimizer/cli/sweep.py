"""``paxsilica sweep``: the cost-versus-dependence frontier of one cap, solved warm in one model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from optimizer.cli.common import EXIT_NO_SOLUTION, MIP_GAP, SHARE, TIME_LIMIT, fail_on_bad_input, interruptible
from optimizer.errors import InputError

MAX_STEPS = 1001  # a frontier finer than 0.1 percentage point tells nothing more, and each point is a solve


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--cap", "cap_text", required=True, metavar="SUPPLIER:STAGE",
              help="The cap to sweep, e.g. CHN:any (the input's cap with that supplier and stage, or a new one).")
@click.option("--from", "start", type=SHARE, default=1.0, show_default=True,
              help="First (loosest) max_share.")
@click.option("--to", "stop", type=SHARE, default=0.0, show_default=True,
              help="Last (tightest) max_share.")
@click.option("--steps", type=click.IntRange(1, MAX_STEPS), default=21, show_default=True,
              help=f"Number of points (at most {MAX_STEPS}).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/<input-name>/sweep-<SUPPLIER>-<STAGE>/].")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit per point, s.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop each point (0-1).")
def sweep(input_path: Path | None, cap_text: str, start: float, stop: float, steps: int, out_dir: Path | None,
          time_limit: float | None, mip_gap: float | None) -> None:
    """Trace total cost against a cap's max_share, from --from to --to, and mark where the build plan changes.

    Writes frontier.csv and summary.json; stops at the first share no plan can meet. Exits 0 if at least one point
    was solved.
    """
    from optimizer.analysis.sweep import SweptCap, run_sweep, sweep_shares
    from optimizer.io.load import load_case
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.solver.highs import SolveOptions
    from optimizer.solver.run import default_input, input_name

    try:
        cap = SweptCap.parse(cap_text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    input_path = input_path or default_input()
    try:
        data = load_case(input_path)
    except InputError as err:
        fail_on_bad_input(err)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / f"sweep-{cap.supplier}-{cap.stage}"
    check_out_dir(out_dir, protect=(input_path,))
    with out_lock(out_dir):
        try:
            result = interruptible(lambda: run_sweep(data, cap, sweep_shares(start, stop, steps),
                                                     SolveOptions(time_limit=time_limit, mip_gap=mip_gap)))
        except InputError as err:
            fail_on_bad_input(err)
        _write(result, input_path, out_dir, start, cap)


def _write(result: Any, input_path: Path, out_dir: Path, start: float, cap: Any) -> None:
    from optimizer.analysis.sweep import frontier_table, sweep_summary
    from optimizer.io.write import write_results

    if not result.solved:
        click.echo(f"{input_path}: no plan even at {cap.supplier}:{cap.stage} <= {100 * start:g}% "
                   f"({result.points[0].status}). Run `paxsilica solve` for a diagnosis.", err=True)
        click.echo(f"No results written; anything already in {out_dir} is untouched.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
    table = frontier_table(result)
    write_results(out_dir, {"frontier": table}, sweep_summary(result), protect=(input_path,))
    click.echo(f"paxsilica sweep: {input_path}, cap {result.cap} ({cap.supplier}:{cap.stage})"
               + (" added" if result.added else ""))
    click.echo(f"  {'share':>6} {'total cost':>16} {'increase':>14} {'USD/point':>12} {'realised':>9}  plan")
    for row in table.to_dict("records"):
        if row["status"] not in ("optimal", "feasible"):
            click.echo(f"  {100 * row['max_share']:5.1f}%  {row['status']}")
            continue
        mark = "changed" if row["breakpoint"] else ""
        click.echo(f"  {100 * row['max_share']:5.1f}% {row['total_cost_usd']:16,.0f} {row['cost_increase_usd']:14,.0f} "
                   f"{row['dual_usd_per_pct']:12,.0f} {100 * row['realised_share']:8.1f}%  {mark}")
    click.echo(f"  tightest feasible share: {100 * result.tightest_feasible:.1f}%"  # type: ignore[operator]
               + (f" ({100 * result.first_infeasible:.1f}% is infeasible)" if result.first_infeasible is not None
                  else ""))
    click.echo(f"  {len(result.solved)} points in {result.times_s['total']:.2f} s; results: {out_dir}")
