"""Write result tables into a results folder, replacing only the files the tool wrote there.

The files are written into a staging folder inside ``DIR`` first; only when every one is complete are they moved
into place, one rename each, with ``summary.json`` last (a folder without ``summary.json`` holds no result, so a
reader never takes a half-moved set for a result).  Files of an earlier run that this run does not write again are
removed only if the earlier run's manifest lists them.  Anything else in ``DIR`` (a user's notes, inputs, other
runs' folders) is never touched: see :mod:`optimizer.io.outdir` for what ``DIR`` may be and for the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.io.outdir import (
    MANIFEST,
    OutputError,
    _os_error,
    check_out_dir,
    clean_debris,
    file_hashes,
    out_lock,
    owned_files,
    staging_name,
    write_manifest,
)
from optimizer.io.results_xlsx import write_results_xlsx
from optimizer.safe_text import FORMULA_START, csv_cell

excel_safe = csv_cell  # the name earlier versions exported


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    text_columns = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    if text_columns and any(df[c].map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).any()
                            for c in text_columns):
        df = df.copy()
        for c in text_columns:
            df[c] = df[c].map(csv_cell)
    df.to_csv(path, index=False, lineterminator="\n", float_format=None)


def write_results(out_dir: Path, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any] | None,
                  protect: Iterable[Path | None] = ()) -> Path:
    """Write ``<name>.csv`` for every table, and with a ``summary``: ``results.xlsx`` (all of the tables) and
    ``summary.json``, into ``out_dir``.

    Parameters
    ----------
    out_dir : the results folder (created, with its parents, if missing).
    tables : result tables by name.
    summary : the ``summary.json`` document.
    protect : the run's inputs, which ``out_dir`` may not be or hold (see :func:`check_out_dir`).

    Raises
    ------
    OutputError
        The folder is refused, locked by another run, holds a file of the same name the tool did not write, or
        cannot be written (read-only, disk full, ...).  Nothing in it is changed then.
    """
    out_dir = Path(out_dir)
    check_out_dir(out_dir, protect)
    files: dict[str, Callable[[Path], Any]] = {f"{name}.csv": partial(_write_csv, df) for name, df in tables.items()}
    if summary is not None:
        files["results.xlsx"] = partial(write_results_xlsx, tables=tables, summary=summary)
        files["summary.json"] = partial(_write_json, summary)
    with out_lock(out_dir):
        try:
            _write_locked(out_dir, files)
        except OSError as err:
            raise _os_error(out_dir, err) from None
    return out_dir


def _write_json(doc: Mapping[str, Any], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=False, default=str)
        fh.write("\n")


def _write_locked(out_dir: Path, files: Mapping[str, Callable[[Path], Any]]) -> None:
    clean_debris(out_dir)
    owned = owned_files(out_dir)
    names = list(files)
    for name in names:
        target = out_dir / name
        if (target.exists() or target.is_symlink()) and (name not in owned or not target.is_file()):
            raise OutputError(f"{target} exists and was not written by paxsilica (or was changed since); move it "
                              "away or choose another --out (nothing was changed)")
    staging = _make_staging(out_dir)
    try:
        for name, write in files.items():
            write(staging / name)
        with _no_interrupt():
            _move_into_place(staging, out_dir, names, owned)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _make_staging(out_dir: Path) -> Path:
    staging = out_dir / staging_name()
    os.mkdir(staging, 0o700)
    return staging


def _move_into_place(staging: Path, out_dir: Path, names: list[str], owned: set[str]) -> None:
    # The manifest lists old and new files first, so that a run killed half-way leaves every file it may have
    # written on record for the next run to replace or remove.
    new = file_hashes(staging, names)
    old = {name: digest for name, digest in file_hashes(out_dir, owned).items() if name not in new}
    write_manifest(out_dir, {**old, **new}, complete=False)
    if "summary.json" in owned:
        (out_dir / "summary.json").unlink(missing_ok=True)
    for name in sorted(names, key=lambda n: n == "summary.json"):  # summary.json last: it marks a complete result
        os.replace(staging / name, out_dir / name)
    for stale in sorted(owned - set(names)):
        path = out_dir / stale
        if path.is_file() and not path.is_symlink():
            path.unlink()
    write_manifest(out_dir, new, complete=True)


def record_files(folder: Path, names: Iterable[str]) -> None:
    """Add files the tool wrote into ``folder`` outside :func:`write_results` (a report, charts) to its manifest."""
    folder = Path(folder)
    with out_lock(folder):
        try:
            write_manifest(folder, file_hashes(folder, owned_files(folder) | set(names)), complete=True)
        except OSError as err:
            raise _os_error(folder, err) from None


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back while files are renamed into place (a few milliseconds), then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


__all__ = ["MANIFEST", "OutputError", "check_out_dir", "excel_safe", "record_files", "write_results"]
