"""What every command shares: exit codes, how problems are reported, and option types that refuse nonsense.

Exit codes (also in the README): 0 a plan (or the command's output) is ready; 1 no usable plan (infeasible, time-out
without a plan, failed batch scenarios, a regression found by ``compare``), or a plan that was written but is
numerically doubtful (its ``summary.json`` lists the warnings); 2 bad input or usage, or results that cannot be written
(the message says why, in one line); 130 interrupted (Ctrl-C), nothing written.  :data:`EXIT_CODES` is that list,
which every command's help repeats.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from optimizer.errors import InputError, shown

if TYPE_CHECKING:
    from optimizer.solver.highs import SolveOptions

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
# A numerically doubtful plan is not a usable one: the contract's exit 1, with the warnings said and written.
EXIT_DOUBTFUL = EXIT_NO_SOLUTION
EXIT_CODES = (EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT, EXIT_INTERRUPTED)  # every code a command exits with

T = TypeVar("T")
_abandoned: list[threading.Thread] = []  # solves left running on Ctrl-C (see interruptible)


def report_problems(err: InputError, to_stdout: bool = False) -> None:
    """Print every problem with its place (on stderr, or on stdout when it is the command's output)."""
    click.echo(f"{len(err.problems)} problem(s) in the input:", err=not to_stdout)
    for problem in err.problems:
        click.echo(f"  {problem}", err=not to_stdout)


def fail_on_bad_input(err: InputError, to_stdout: bool = False) -> NoReturn:
    """Report the problems and exit 2."""
    report_problems(err, to_stdout)
    sys.exit(EXIT_BAD_INPUT)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr, naming the command, then exit ``code`` (2 unless told)."""
    ctx = click.get_current_context(silent=True)
    name = ctx.command_path if ctx is not None else "paxsilica"
    click.echo(f"{name}: {shown(message)}", err=True)
    sys.exit(code)


class FiniteFloat(click.ParamType):
    """A finite number within bounds: ``nan`` and ``inf`` are refused (``click.FloatRange`` lets ``nan`` through)."""

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, low_open: bool = False) -> None:
        self.low, self.high, self.low_open = low, high, low_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from optimizer.arguments import ArgumentError, finite_number  # the rule the API applies too

        try:
            return finite_number(param.name if param is not None and param.name else "value", value, self.low,
                                 self.high, self.low_open)
        except ArgumentError as err:
            self.fail(err.reason, param, ctx)

    def __repr__(self) -> str:
        return f"FiniteFloat({self.low}, {self.high})"


TIME_LIMIT = FiniteFloat(0, None, low_open=True)
MIP_GAP = FiniteFloat(0, 1)
SHARE = FiniteFloat(0, 1)


def interruptible(work: Callable[[], T]) -> T:
    """Run ``work`` (a solve) so that Ctrl-C stops the command at once.

    HiGHS holds the main thread inside C code, where Python cannot deliver Ctrl-C until the solve ends; the work
    runs on a helper thread instead and the main thread waits for it, so a ``KeyboardInterrupt`` arrives at once.
    The helper thread is abandoned (the process exits right after), and nothing has been written yet.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # noqa: BLE001 - handed to the main thread as is
            outcome["error"] = err

    thread = threading.Thread(target=target, name="paxsilica-solve", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        _abandoned.append(thread)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


class Group(click.Group):
    """The ``paxsilica`` group: no Python traceback for the failures a user can cause and fix.

    Results that cannot be written and other operating-system errors become one line and exit 2; Ctrl-C exits 130.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from optimizer.io.outdir import OutputError

        try:
            return super().invoke(ctx)
        except OutputError as err:
            _one_line(ctx, str(err))
        except InputError as err:  # raised outside a command's own handling, e.g. no embedded dataset
            if len(err.problems) == 1:
                _one_line(ctx, str(err.problems[0]))
            fail_on_bad_input(err)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: no results written", err=True)
            if _abandoned:  # a solve was running: HiGHS's threads must not see an interpreter shutdown
                _exit_now()
            sys.exit(EXIT_INTERRUPTED)
        except OSError as err:
            where = f" ({err.filename})" if getattr(err, "filename", None) else ""
            _one_line(ctx, f"{err.strerror or err}{where}")


def _exit_now() -> NoReturn:
    """Exit 130 at once: a solve was cut short on a helper thread, and a normal interpreter shutdown would abort the
    process under HiGHS's threads (``terminate called without an active exception``, exit 134)."""
    import os

    from optimizer.io.outdir import release_all

    release_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def _one_line(ctx: click.Context, message: str) -> NoReturn:
    sub = ctx.invoked_subcommand
    click.echo(f"{ctx.command_path}{' ' + sub if sub else ''}: {shown(message)}", err=True)
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
