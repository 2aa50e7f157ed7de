"""What every command shares: exit codes and how input problems are reported."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from optimizer.errors import InputError

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
