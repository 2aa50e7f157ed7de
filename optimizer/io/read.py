"""Read an input workbook or CSV directory into :class:`InputTables`, naming every bad cell.

Cells are read as raw values (text from CSV, Python objects from openpyxl) and coerced here, column by column, as
``optimizer.io.schema`` says, so that a bad value is reported with its sheet, row and column instead of surfacing as a
pandas error.  A workbook and a CSV directory holding the same values give identical tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import math
import os
from pathlib import Path
from typing import Literal

import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.io.files import open_regular
from optimizer.io.memory import csv_rows_problem
from optimizer.io.schema import REQUIRED, TABLES, ColumnSpec, TableSpec
from optimizer.io.tables import ROW, InputTables, _excel_column
from optimizer.io.workbook import MAX_COLUMNS, check_file_size, read_workbook
from optimizer.io.workbook import RawSheet as _RawSheet
from optimizer.safe_text import unsafe_character

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_input(path: Path) -> InputTables:
    """Read INPUT (an ``.xlsx`` workbook or a directory of ``<sheet>.csv`` files) and coerce it per the schema.

    Parameters
    ----------
    path : the workbook or the directory.

    Returns
    -------
    InputTables
        One DataFrame per schema sheet present, with every schema column, the extra column ``_row``.

    Raises
    ------
    InputError
        With every problem found while reading (unreadable files, missing sheets or columns, bad cells).
    """
    tables, problems = read_tables(path)
    if problems:
        raise InputError(problems)
    return tables


def read_tables(path: Path) -> tuple[InputTables, list[Problem]]:
    """Read INPUT as far as possible, returning the tables together with the problems found in them.

    Cells that cannot be coerced are left blank (``None``/NaN) and reported, so the semantic checks can still run
    on the rest and a user sees every problem at once.

    Raises
    ------
    InputError
        When nothing can be read at all (no such path, not a workbook, a directory without CSV files).
    """
    path = Path(path)
    kind: Literal["xlsx", "csv"]
    if not path.exists():
        raise InputError([Problem(str(path), "not found: expected an .xlsx workbook or a directory of CSV files")])
    if path.is_dir():
        raw, digest, problems = _read_csv_dir(path)
        kind = "csv"
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        raw, digest = read_workbook(path, lambda name: name.strip().lower() in _SHEET_NAMES)
        problems = []
        kind = "xlsx"
    else:
        hint = " (give the directory that holds the CSV files)" if path.suffix.lower() == ".csv" else ""
        raise InputError([Problem(str(path), f"expected an .xlsx workbook or a directory of CSV files{hint}")])

    tables = InputTables(source=path, kind=kind, frames={}, sha256=digest, headers={})
    matched, ambiguous = _match_sheets(list(raw))
    unused = [name for name in raw if name not in matched.values()]
    for spec in TABLES:
        found = matched.get(spec.name)
        if found is not None and raw[found].unreadable:
            continue  # reported when it was read
        if spec.name in ambiguous:
            what = "files" if kind == "csv" else "sheets"
            names = " and ".join(repr(n + (".csv" if kind == "csv" else "")) for n in ambiguous[spec.name])
            problems.append(tables.problem(spec.name, None, None, f"{what} {names} all match '{spec.name}': "
                                           "rename or remove all but one"))
            continue
        if found is None:
            if not spec.optional:
                problems.append(tables.problem(spec.name, None, None, _missing_sheet(spec, unused, kind)))
            continue
        frame = _coerce_sheet(tables, spec, raw[found], problems)
        if frame is not None:
            tables.frames[spec.name] = frame
    return tables, problems


def _missing_sheet(spec: TableSpec, unused: list[str], kind: str) -> str:
    what = "file" if kind == "csv" else "sheet"
    message = f"missing: this {what} is required"
    close = difflib.get_close_matches(spec.name, unused, n=1, cutoff=0.75)
    if close:
        message += f"; found '{close[0]}{'.csv' if kind == 'csv' else ''}', is it misspelled?"
    return message


_SHEET_NAMES = frozenset(spec.name for spec in TABLES)


def _match_sheets(names: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Schema sheet -> name found, and schema sheet -> names when several match it.

    A name matches when it equals the schema name ignoring case and surrounding spaces; two such names
    (``mines`` and ``Mines``) are ambiguous, even when one is exact, since a user cannot tell which one is read.
    """
    matched: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for spec in TABLES:
        loose = [n for n in names if n.strip().lower() == spec.name]
        if len(loose) == 1:
            matched[spec.name] = loose[0]
        elif len(loose) > 1:
            ambiguous[spec.name] = sorted(loose)
    return matched, ambiguous


# --- reading files -------------------------------------------------------------------------------------------


def _read_csv_dir(path: Path) -> tuple[dict[str, _RawSheet], str, list[Problem]]:
    try:
        # Not only regular files: a FIFO or device named like a sheet is reported, not skipped (nor read for ever).
        files = sorted(p for p in path.iterdir() if not p.is_dir() and p.suffix.lower() == ".csv")
    except OSError as err:
        raise InputError([Problem(str(path), f"cannot read the directory: {err.strerror or err}")]) from None
    if not files:
        raise InputError([Problem(str(path), "no CSV files in this directory (expected countries.csv, mines.csv, ...)")])
    by_stem = {p.stem: p for p in files}
    matched, _ambiguous = _match_sheets(list(by_stem))
    digest = hashlib.sha256()
    raw: dict[str, _RawSheet] = {}
    problems: list[Problem] = []
    for stem, file in sorted(by_stem.items()):
        is_schema_sheet = stem in matched.values()
        try:
            data = b""
            if is_schema_sheet:
                with open_regular(file) as fh:
                    too_big = check_file_size(file, os.fstat(fh.fileno()).st_size)
                    if too_big:
                        problems.append(too_big)
                        raw[stem] = _RawSheet(file.name, unreadable=True)
                        continue
                    data = fh.read()
        except OSError as err:
            problems.append(Problem(file.name, f"cannot read: {err.strerror or err}", stem))
            raw[stem] = _RawSheet(file.name, unreadable=True)
            continue
        if is_schema_sheet:
            # Length-prefixed so that moving bytes from one file to the next changes the hash.
            digest.update(f"{file.name}\0{len(data)}\0".encode())
            digest.update(data)
        raw[stem] = _parse_csv(file.name, stem, data, problems if is_schema_sheet else [])
    return raw, digest.hexdigest(), problems


def _parse_csv(name: str, stem: str, data: bytes, problems: list[Problem]) -> _RawSheet:
    too_long = csv_rows_problem(data)
    if too_long:
        problems.append(Problem(name, too_long, stem))
        return _RawSheet(name, unreadable=True)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                                      "save it as 'CSV UTF-8'", stem))
        return _RawSheet(name, unreadable=True)
    try:
        records = list(csv.reader(io.StringIO(content, newline="")))
    except csv.Error as err:
        problems.append(Problem(name, f"cannot be read as CSV: {err}", stem))
        return _RawSheet(name, unreadable=True)
    wide = next((i for i, rec in enumerate(records) if len(rec) > MAX_COLUMNS), None)
    if wide is not None:
        problems.append(Problem(name, f"row {wide + 1} has {len(records[wide])} columns: above the {MAX_COLUMNS} "
                                      "columns paxsilica reads from one file", stem))
        return _RawSheet(name, unreadable=True)
    # Row numbers are record numbers, which is what a spreadsheet shows when it opens the file.
    return _RawSheet(name, [(i + 1, list(rec)) for i, rec in enumerate(records)])


# --- coercing a sheet ----------------------------------------------------------------------------------------


def _column_label(tables: InputTables, index: int) -> str:
    return _excel_column(index) if tables.kind == "xlsx" else str(index + 1)


def _coerce_sheet(tables: InputTables, spec: TableSpec, raw: _RawSheet,
                  problems: list[Problem]) -> pd.DataFrame | None:
    """Coerce one sheet's cells per its spec; append a problem for each bad header or cell."""
    sheet = spec.name
    rows = raw.rows
    start = next((i for i, (_, cells) in enumerate(rows) if not all(is_blank(v) for v in cells)), None)
    if start is None:
        problems.append(tables.problem(sheet, None, None, "empty: expected a header row with the columns "
                                       + ", ".join(spec.column_names)))
        return None
    header_cells = [text(v) for v in rows[start][1]]
    if len(header_cells) == 1 and ";" in header_cells[0]:
        problems.append(tables.problem(sheet, None, None, "columns are separated by ';': save it with commas"))
        return None

    known = {c.name.lower(): c.name for c in spec.columns}
    header = [known.get(h.lower(), h) for h in header_cells]
    tables.headers[sheet] = header
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        if name not in spec.column_names:
            continue
        if name in positions:
            problems.append(tables.problem(sheet, None, name, f"column appears twice (columns "
                                           f"{_column_label(tables, positions[name])} and {_column_label(tables, i)})"))
            continue
        positions[name] = i
    extras = [h for h in header if h and h not in spec.column_names]
    for col in spec.columns:
        if col.name not in positions and not col.optional:
            message = f"missing required column '{col.name}' ({col.description})"
            close = difflib.get_close_matches(col.name, extras, n=1, cutoff=0.7)
            if close:
                message += f"; found '{close[0]}', is it misspelled?"
            problems.append(tables.problem(sheet, None, col.name, message))

    values: dict[str, list[object]] = {c.name: [] for c in spec.columns}
    row_numbers: list[int] = []
    for row_number, cells in rows[start + 1:]:
        picked = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
        # A row whose schema cells are all blank is spacing or a note in an extra column, not data.
        if all(is_blank(v) for v in picked.values()):
            continue
        row_numbers.append(row_number)
        for col in spec.columns:
            if col.name not in positions:
                # An absent required column is already reported once; do not repeat it on every row.
                values[col.name].append(None if col.default is REQUIRED else col.default)
                continue
            if (row_number, positions[col.name]) in raw.uncalculated:
                problems.append(tables.problem(sheet, row_number, col.name, "formula without a saved value: "
                                               "open the workbook in Excel and save it"))
                values[col.name].append(None)
                continue
            value, message = coerce(col, picked[col.name])
            if message:
                problems.append(tables.problem(sheet, row_number, col.name, message))
            values[col.name].append(value)

    columns: dict[str, pd.Series] = {}
    for col in spec.columns:
        dtype = {"str": object, "float": "float64", "bool": bool}[col.dtype]
        data = [float("nan") if v is None and col.dtype == "float" else v for v in values[col.name]]
        columns[col.name] = pd.Series(data, dtype=dtype)  # type: ignore[call-overload]
    columns[ROW] = pd.Series(row_numbers, dtype="int64")
    return pd.DataFrame(columns)


# --- coercing a cell -----------------------------------------------------------------------------------------

_TRUE = frozenset({"true", "yes", "1", "y", "t"})
_FALSE = frozenset({"false", "no", "0", "n", "f"})


def is_blank(value: object) -> bool:
    """True for an empty cell: nothing, only spaces, or a float NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def text(value: object) -> str:
    """A cell as the text a user sees: stripped, whole numbers without ``.0``, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def format_number(x: float) -> str:
    """``-5.0`` -> ``-5``; other numbers exactly as Python prints them."""
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


# The largest magnitude a number of an input may have.  Beyond it a quantity or a price is a unit mistake, and the
# solver cannot hold it: HiGHS reads 1e20 as infinite, and far smaller values already swamp its tolerances.  A limit
# that should not apply is left blank, never written as a huge number.
MAX_MAGNITUDE = 1e15


def parse_number(value: object) -> tuple[float | None, str]:
    """A cell as a finite float of magnitude at most :data:`MAX_MAGNITUDE`, or ``(None, message)`` saying what was
    expected and what was found (the one rule for every number an input holds)."""
    if isinstance(value, bool):
        return None, f"expected a number, got {text(value).upper()}"
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, (dt.date, dt.time)):
        return None, f"expected a number, got a date or time ({text(value)})"
    else:
        s = text(value)
        hint = ""
        if s.endswith("%"):
            hint = " (write 50% as 0.5)"
        elif "," in s:
            hint = " (write numbers without thousands separators, with a decimal point)"
        if "_" in s:
            return None, f"expected a number, got {s!r}"
        try:
            x = float(s)
        except ValueError:
            return None, f"expected a number, got {s!r}{hint}"
    if not math.isfinite(x):
        return None, f"expected a finite number, got {text(value)!r}"
    if abs(x) > MAX_MAGNITUDE:
        return None, (f"expected a number of magnitude at most 1e15, got {format_number(x)} (a unit mistake? leave a "
                      "limit blank for none)")
    return x, ""


def coerce(col: ColumnSpec, value: object) -> tuple[object, str]:
    """One cell as the column's type, or ``(fallback, message)``.  The fallback is blank (or the default)."""
    if is_blank(value):
        if col.default is REQUIRED:
            return None, "missing value (required)"
        return col.default, ""
    if col.dtype == "float":
        x, message = parse_number(value)
        if x is None:
            return None, message
        return x, _range_message(col, x)
    if col.dtype == "bool":
        if isinstance(value, bool):
            return value, ""
        s = text(value).lower()
        if isinstance(value, (int, float)) and float(value) in (0.0, 1.0):
            s = str(int(value))
        if s in _TRUE:
            return True, ""
        if s in _FALSE:
            return False, ""
        fallback = bool(col.default) if isinstance(col.default, bool) else False
        return fallback, f"expected true or false (or yes/no, 1/0), got {text(value)!r}"
    s = text(value)
    bad = unsafe_character(s)
    if bad is not None:  # the root of terminal escapes and right-to-left tricks in ids (optimizer.safe_text)
        return None if col.default is REQUIRED else col.default, (
            f"holds the control character {bad}: ids and names must be plain text (no control characters or "
            "right-to-left overrides)")
    if col.choices is not None:
        # Choices are lower-case words; accept any capitalisation a user types.
        if s.lower() in col.choices:
            return s.lower(), ""
        return s, f"must be one of {', '.join(col.choices)}; got {s!r}"
    return s, ""


def _range_message(col: ColumnSpec, x: float) -> str:
    low, high = col.minimum, col.maximum
    if low is not None and high is not None and not low <= x <= high:
        return f"must be between {format_number(low)} and {format_number(high)}, got {format_number(x)}"
    if low is not None and x < low:
        return f"must be >= {format_number(low)}, got {format_number(x)}"
    if high is not None and x > high:
        return f"must be <= {format_number(high)}, got {format_number(x)}"
    return ""
