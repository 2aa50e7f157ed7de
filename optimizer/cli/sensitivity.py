"""``paxsilica sensitivity``: the answer at each uncertain input's low and high value, as a tornado table."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimizer.cli.common import EXIT_NO_SOLUTION, fail_on_bad_input
from optimizer.errors import InputError
from optimizer.safe_text import visible


def _usd(x: float | None) -> str:
    return "no plan" if x is None else f"{x:,.0f}"


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("--ranges", "ranges_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of [[range]] entries [default: the input's uncertainty sheet, else the shipped "
                   "models/sensitivity/<input-name>.toml].")
@click.option("--cap", "caps", multiple=True, metavar="SUPPLIER:STAGE=SHARE",
              help="Cap a supplier's share for every case, e.g. CHN:any=0.2 [default: the input's caps].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder [default: outputs/<input-name>/sensitivity/].")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Solver time limit per case, s.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def sensitivity(input_path: Path | None, ranges_path: Path | None, caps: tuple[str, ...], out_dir: Path | None,
                time_limit: float | None, quiet: bool) -> None:
    """Solve the input, then each uncertain input at its low and at its high value (the others at base), and rank
    them by how far they move the cost of the caps (a tornado).

    The cost of the caps is the plan's total cost less that of the same input without caps. Writes tornado.csv,
    results.xlsx and summary.json (the base answer and its lowest and highest value over the ranges). Exits 1 if
    the base case has no plan.
    """
    from optimizer.analysis.sensitivity import read_ranges, run_sensitivity, sensitivity_document, tornado_table
    from optimizer.io.write import write_results
    from optimizer.report.progress import track
    from optimizer.solver.highs import SolveOptions
    from optimizer.solver.run import CapOverride, default_input, input_name

    try:
        overrides = [CapOverride.parse(text) for text in caps]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cap") from None
    try:
        input_path = Path(input_path or default_input())
        tables, ranges, ranges_from = read_ranges(input_path, ranges_path)
    except InputError as err:
        fail_on_bad_input(err)
    out_dir = out_dir or Path("outputs") / input_name(input_path) / "sensitivity"

    def show(r, p) -> None:  # type: ignore[no-untyped-def]
        what = "base" if r is None else f"{r.name} = {r.shown(p.value)}"
        bar.row(f"  {what:<40} {_usd(p.cap_cost_usd):>16} {_usd(p.objective_usd):>18}  {p.status}")
        bar.advance()

    with track(1 + 2 * len(ranges), "sensitivity", quiet) as bar:
        bar.row(f"paxsilica sensitivity: {visible(str(input_path))}, {len(ranges)} range(s) from "
                f"{visible(str(ranges_from))}")
        bar.row(f"  {'case':<40} {'cost of caps':>16} {'total cost':>18}  status")
        try:
            tornado = run_sensitivity(tables, ranges, overrides, SolveOptions(time_limit=time_limit), on_point=show)
        except InputError as err:
            fail_on_bad_input(err)
    if not tornado.base.usable:
        click.echo(f"{visible(str(input_path))}: the base case has no plan ({tornado.base.status}). Run `paxsilica "
                   "solve` for a diagnosis. No results written; anything already in "
                   f"{visible(str(out_dir))} is untouched.", err=True)
        sys.exit(EXIT_NO_SOLUTION)
    summary = sensitivity_document(tornado, ranges_from, overrides)
    table = tornado_table(tornado)
    write_results(out_dir, {"tornado": table}, summary)
    if quiet:
        return
    # The objective is a year's cost for one period and the horizon's present value for a pathway.
    unit = "US$ present value" if tornado.multi_period else "US$ per year"
    click.echo(f"  cost of the caps: {_usd(summary['base_cap_cost_usd'])} {unit} at base, "
               f"{_usd(summary['cap_cost_min_usd'])} to {_usd(summary['cap_cost_max_usd'])} over the ranges"
               + (f"; no plan at {', '.join(summary['ends_without_plan'])}" if summary["ends_without_plan"] else ""))
    click.echo(f"  results: {visible(str(out_dir))}")
