"""``paxsilica batch``: many scenarios (a batch file, or samples of an input) solved in parallel, resumable."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from optimizer.cli.common import (
    EXIT_NO_SOLUTION,
    MIP_GAP,
    TIME_LIMIT,
    fail,
    fail_on_bad_input,
    solve_options,
    solver_choice,
)
from optimizer.errors import InputError
from optimizer.safe_text import visible

if TYPE_CHECKING:
    from optimizer.solver.highs import SolveOptions

# A Dask scheduler address: PROTOCOL://HOST[:PORT] (tcp, tls, ws, wss, ucx, inproc) or HOST:PORT.
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx|inproc)://[^\s/:]+(?::\d{1,5})?/?|[A-Za-z0-9_.\[\]-]+:\d{1,5})$")


def _default_out(source: Path, samples: int | None, seed: int) -> Path:
    from optimizer.solver.run import input_name

    if source.suffix.lower() == ".toml":
        return Path("outputs") / "batch" / source.stem
    return Path("outputs") / input_name(source) / (f"samples-seed{seed}" if samples else "batch")


@click.command()
@click.argument("source", metavar="SCENARIOS.toml|INPUT", type=click.Path(path_type=Path))
@click.option("--workers", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes to solve on.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on an existing Dask distributed cluster instead, e.g. tcp://host:8786 (workers must see the "
                   "same files).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Results folder [default: outputs/batch/<file> or outputs/<input>/batch].")
@click.option("--samples", type=click.IntRange(min=1), help="Draw K samples from the input's uncertainty sheet "
              "(for each scenario of a batch file).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the samples.")
@click.option("--time-limit", type=TIME_LIMIT, help="Solver time limit per scenario, s.")
@click.option("--mip-gap", type=MIP_GAP, help="Relative MIP gap at which to stop (0-1).")
@solver_choice
@click.option("--warm/--cold", default=True, show_default=True,
              help="Re-solve scenarios that differ only in numbers from a shared basis (--cold: each from scratch, "
                   "byte-identical to paxsilica solve).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the summary line and failures.")
def batch(source: Path, workers: int, scheduler: str | None, out_dir: Path | None, samples: int | None,
          seed: int, time_limit: float | None, mip_gap: float | None, method: str | None,
          solver_option: tuple[str, ...], warm: bool, quiet: bool) -> None:
    """Solve every scenario of SCENARIOS.toml (or samples of INPUT) and write batch.csv.

    Each scenario's results go to their own folder; batch.csv has one row per scenario (sorted by name). Each
    scenario is printed as soon as it is solved (with a progress bar and the time left on a terminal). Re-running the same command solves only what is not finished yet.  Exit code 0 when every scenario has a
    usable plan, 1 when some failed (see batch.csv), 2 for a bad batch file or input.
    """
    from optimizer.extras import MissingExtra, require
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.scenarios.batch import batch_solver, plan
    from optimizer.solver.run import default_input

    if scheduler:
        try:
            require("cluster")
        except MissingExtra as err:
            fail(str(err))
    if not source.exists():
        raise click.BadParameter(f"{visible(str(source))}: not found", param_hint="SCENARIOS.toml|INPUT")
    if scheduler is not None and not _SCHEDULER.match(scheduler):
        raise click.BadParameter(f"{scheduler[:80]!r} is not a scheduler address (e.g. tcp://10.0.0.5:8786)",
                                 param_hint="--scheduler")
    try:
        entries = plan(source, samples, seed, default_input)
        file_solver = batch_solver(source)
    except InputError as err:
        fail_on_bad_input(err)
    options = solve_options(time_limit, mip_gap, method, solver_option, file_solver)
    out_dir = out_dir or _default_out(source, samples, seed)
    check_out_dir(out_dir, protect=(source, *{Path(e.input) for e in entries}))
    with out_lock(out_dir):
        _run(entries, source, out_dir, workers, scheduler, options, warm, quiet, samples)


def _run(entries: list[Any], source: Path, out_dir: Path, workers: int, scheduler: str | None,
         options: SolveOptions, warm: bool, quiet: bool, samples: int | None) -> None:
    from optimizer.report.lead import pv_label
    from optimizer.report.progress import track
    from optimizer.scenarios.batch import run_batch

    total = len(entries)
    width = len(str(total))

    def progress(rows: list[dict[str, Any]]) -> None:
        for r in rows:
            bar.advance()
            how = " (finished earlier)" if r.get("solved") is False else ""
            money = pv_label({"base_year": r.get("base_year")})  # PV 2025 on a pathway, per year for one year
            cost = f", {r['total_cost_usd']:,.0f} USD {money}" if isinstance(r.get("total_cost_usd"), float) else ""
            bar.row(f"  [{bar.done:>{width}}/{total}] {r['scenario']}: {r.get('status')}{cost}{how}")

    where = f"Dask scheduler {scheduler}" if scheduler else f"{workers} local process(es)"
    what = "sample(s)" if samples else "scenario(s)"
    try:
        with track(total, f"batch: {total} {what}", quiet) as bar:
            bar.row(f"paxsilica batch: {total} {what} of {visible(str(source))} on {where}")
            result = run_batch(entries, out_dir, workers=workers, scheduler=scheduler,
                               options=options, warm=warm,
                               progress=progress)
    except OSError as err:
        if not scheduler:
            raise
        fail(f"cannot reach the Dask scheduler {scheduler}: {err}")
    failed = [r for r in result.rows if r.get("status") not in ("optimal", "feasible")]
    click.echo(f"{total} scenario(s): {result.count('solved')} solved, {result.count('reused')} finished earlier, "
               f"{len(failed)} failed; {out_dir / 'batch.csv'}")
    for name in ("uncertainty", "build_frequency"):
        if name in result.tables:
            click.echo(f"  {out_dir / (name + '.csv')}")
    for r in sorted(failed, key=lambda r: r["scenario"])[:20]:
        click.echo(f"  {r['scenario']}: {r.get('status')}: {r.get('message', '')}", err=True)
    if failed:
        sys.exit(EXIT_NO_SOLUTION)
