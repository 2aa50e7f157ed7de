"""Progress for long work: a bar (or spinner) on an interactive terminal, nothing anywhere else.

Shown only on a TTY, never with ``--quiet``, and only once the work has lasted ``delay`` seconds, so quick runs,
pipes, log files and CI output stay clean.  Commands that solve many cases (sweep, stress, batch, uncertainty
samples) use :func:`track`: each result is printed on stdout as soon as it is solved, under a bar with the count
and the time left on stderr; a loop whose steps print nothing can use :func:`progress`; one long call (a solve)
goes inside :func:`spinner`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
DELAY_S = 2.0


def interactive(stream: object = None) -> bool:
    """True when ``stream`` (default stderr) is a terminal a person is watching."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb" and not os.environ.get("CI")


def progress(items: Iterable[T], total: int | None = None, label: str = "", quiet: bool = False,
             delay: float = DELAY_S) -> Iterator[T]:
    """Yield ``items``, with a progress bar on stderr once the loop has run for ``delay`` seconds.

    Parameters
    ----------
    items : the work, one item per step.
    total : number of steps (default ``len(items)`` when it has one).
    label : what is being done, e.g. ``"sweeping CHN cap"``.
    quiet : never show anything.
    delay : seconds before the bar appears; shorter loops show nothing.

    Examples
    --------
    >>> for share in progress([0.5, 0.4, 0.3], label="sweep", quiet=True):
    ...     pass
    """
    if quiet or not interactive():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()
    try:
        for item in items:
            yield item
            bar.advance(task)
    finally:
        timer.cancel()
        bar.stop()  # a no-op when the bar never started


class Tracker:
    """What :func:`track` yields: :meth:`row` prints a result as it is solved, :meth:`advance` moves the bar."""

    def __init__(self, quiet: bool, bar: Any = None, task: Any = None) -> None:
        self.quiet, self._bar, self._task = quiet, bar, task
        self.done = 0

    def row(self, text: str) -> None:
        """Print ``text`` on stdout now (above the bar when both are on the same terminal); nothing when quiet."""
        if self.quiet:
            return
        # sys.stdout at call time: while the bar is drawn on the terminal, rich routes it above the bar.
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def advance(self, steps: int = 1) -> None:
        """``steps`` more items done."""
        self.done += steps
        if self._bar is not None:
            self._bar.advance(self._task, steps)


@contextmanager
def track(total: int, label: str, quiet: bool = False, delay: float = DELAY_S) -> Iterator[Tracker]:
    """A :class:`Tracker` for ``total`` items; on a terminal, a bar with the count, elapsed time and time left.

    Parameters
    ----------
    total : number of items (solves) to do.
    label : what is being done, e.g. ``"sweeping CHN:any"``.
    quiet : print nothing, neither rows nor bar.
    delay : seconds before the bar appears.

    Examples
    --------
    >>> with track(3, "sweep") as t:  # off a terminal: the rows only
    ...     for share in (0.5, 0.4, 0.3):
    ...         t.row(f"{share:.0%}")
    ...         t.advance()
    50%
    40%
    30%
    """
    if quiet or not interactive():
        yield Tracker(quiet)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    # Rows go to stdout: drawn above the bar only when stdout is this same terminal, else straight into the pipe.
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"), console=Console(stderr=True),
                   transient=True, redirect_stdout=interactive(sys.stdout), redirect_stderr=False)
    task = bar.add_task(label, total=total)
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()
    try:
        yield Tracker(False, bar, task)
    finally:
        timer.cancel()
        bar.stop()


@contextmanager
def spinner(label: str, quiet: bool = False, delay: float = DELAY_S) -> Iterator[None]:
    """A spinner on stderr while the block runs, once it has run for ``delay`` seconds."""
    if quiet or not interactive():
        yield
        return
    from rich.console import Console

    status = Console(stderr=True).status(label)
    lock = threading.Lock()
    state = {"started": False, "done": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                status.start()
                state["started"] = True

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["started"]:
                status.stop()
