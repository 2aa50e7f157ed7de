"""The input's rows as the semantic checks read them: one record per row, cells already typed by the reader.

Shared by :mod:`optimizer.io.validate`, :mod:`optimizer.io.validate_time` and
:mod:`optimizer.io.validate_disruptions`, which import these helpers from here and never from each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from optimizer.io.tables import ROW, InputTables

Record = dict[str, object]


def rows_of(tables: InputTables, sheet: str) -> list[Record]:
    """Every row of ``sheet`` as a record (column -> cell, and the row number under ``ROW``); [] without it."""
    frame = tables.get(sheet)
    return [] if frame is None else frame.to_dict("records")  # type: ignore[return-value]


def is_given(value: object) -> bool:
    """True for a cell that holds a value (not blank, not NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def column_values(tables: InputTables, sheet: str, column: str) -> set[object]:
    """The values given in one column of a sheet."""
    return {r[column] for r in rows_of(tables, sheet) if is_given(r.get(column))}


def known_values(tables: InputTables, sheet: str, column: str) -> set[object] | None:
    """The values of a referenced column, or None when the sheet or column could not be read.

    References to an unreadable sheet are not checked: the reader already reported it, and a user gains nothing
    from one "unknown" message per row that refers to it.
    """
    header = tables.headers.get(sheet)
    if tables.get(sheet) is None or (header is not None and column not in header):
        return None
    return column_values(tables, sheet, column)


def as_number(value: object) -> float:
    """A cell already coerced to a number by the reader (the records are typed ``object``)."""
    return float(value)  # type: ignore[arg-type]


def row_number(record: Record) -> int:
    """The row of the sheet (or CSV file) a record was read from, as messages name it."""
    return int(as_number(record[ROW]))


def joined(items: Iterable[object]) -> str:
    """``a, b, c``: items listed in a message."""
    return ", ".join(str(i) for i in items)
