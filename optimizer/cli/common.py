"""What every command shares: exit codes and how input problems are reported."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from optimizer.errors import InputError

if TYPE_CHECKING:
    from optimizer.solver.highs import SolveOptions

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT = 0, 1, 2


def report_problems(err: InputError) -> None:
    """Print every problem with its place, on stderr."""
    click.echo(f"{len(err.problems)} problem(s) in the input:", err=True)
    for problem in err.problems:
        click.echo(f"  {problem}", err=True)


def fail_on_bad_input(err: InputError) -> NoReturn:
    """Report the problems and exit 2."""
    report_problems(err)
    sys.exit(EXIT_BAD_INPUT)


def solver_choice(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--method`` and ``--solver-option KEY=VALUE`` (shared by every command that solves)."""
    func = click.option(
        "--solver-option", "solver_option", multiple=True, metavar="KEY=VALUE",
        help="A HiGHS option by name, e.g. presolve=off or ipm_optimality_tolerance=1e-9 (repeatable; checked "
             "against HiGHS's option list).")(func)
    return click.option(
        "--method", type=click.Choice(["auto", "simplex", "ipm", "pdlp"]), default=None,
        help="HiGHS method: auto (interior point with crossover for large LPs, simplex otherwise), simplex, ipm "
             "(interior point with crossover) or pdlp [default: auto, or the scenario file's].")(func)


def solve_options(time_limit: float | None, mip_gap: float | None, method: str | None,
                  solver_option: Sequence[str], file_solver: Mapping[str, Any] | None = None) -> SolveOptions:
    """The SolveOptions of a command's flags; a scenario or batch file's ``[solver]`` section fills what the flags
    leave unset.  A bad option is a usage error (exit 2) naming it."""
    from optimizer.solver.highs import SolveOptions
    from optimizer.solver.methods import parse_solver_options

    file_solver = file_solver or {}
    try:
        options = {**file_solver.get("options", {}), **parse_solver_options(solver_option)}
        return SolveOptions(time_limit=time_limit, mip_gap=mip_gap,
                            method=method or file_solver.get("method", "auto"), solver_options=tuple(options.items()))
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--solver-option / --method") from None
