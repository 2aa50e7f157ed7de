"""The raw input as read: one coerced DataFrame per sheet, plus where each cell came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from optimizer.errors import Problem

ROW = "_row"
"""Column added to every table: the row number the user sees in the file (header = 1)."""


def _excel_column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class InputTables:
    """Every sheet read from a workbook or a CSV directory.

    ``frames`` holds one DataFrame per sheet present, with every schema column (optional columns filled with their
    defaults), text stripped, numbers as float (NaN where blank and allowed), booleans as bool, and the extra
    column ``_row``.  ``headers`` keeps each sheet's header as written, to name cells by their real column letter.
    """

    source: Path
    kind: Literal["xlsx", "csv"]
    frames: dict[str, pd.DataFrame]
    sha256: str
    headers: dict[str, list[str]] = field(default_factory=dict)

    def place(self, sheet: str, row: int | None = None, column: str | None = None) -> str:
        """Name a cell the way the user will find it: ``fabs!D7`` or ``fabs.csv row 7, column demand_t``."""
        if self.kind == "xlsx":
            if row is None:
                return f"sheet {sheet}" + (f", column {column}" if column else "")
            header = self.headers.get(sheet, [])
            if column is not None and column in header:
                return f"{sheet}!{_excel_column(header.index(column))}{row}"
            return f"{sheet} row {row}" + (f", column {column}" if column else "")
        name = f"{sheet}.csv"
        if row is None:
            return name + (f", column {column}" if column else "")
        return f"{name} row {row}" + (f", column {column}" if column else "")

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> Problem:
        return Problem(self.place(sheet, row, column), message, sheet, row, column)

    def get(self, sheet: str) -> pd.DataFrame | None:
        return self.frames.get(sheet)
