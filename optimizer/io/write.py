"""Write result tables atomically: into a temporary folder first, then moved into place in one rename.

A failed or interrupted run never leaves half a result and never damages an earlier one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.io.results_xlsx import write_results_xlsx


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format=None)


def write_results(out_dir: Path, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any]) -> Path:
    """Write ``<name>.csv`` for every table, ``results.xlsx`` (all of them) and ``summary.json`` into ``out_dir``,
    replacing it whole.

    The files go to a hidden sibling folder which then takes the place of ``out_dir``; the earlier results are
    removed only after the new ones are complete.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        for name, df in tables.items():
            _write_csv(df, staging / f"{name}.csv")
        write_results_xlsx(staging / "results.xlsx", tables, summary)
        with open(staging / "summary.json", "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2, sort_keys=False, default=str)
            fh.write("\n")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rmdir(retired)
    os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(retired, out_dir)  # put the earlier results back
        raise
    shutil.rmtree(retired, ignore_errors=True)
