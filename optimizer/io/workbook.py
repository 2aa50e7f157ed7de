"""Read the cells of an ``.xlsx`` workbook within documented limits, so that a small file cannot exhaust memory.

A workbook is a zip of XML files.  Before anything is unzipped, the sizes recorded in the zip directory are added up
(a 2 MB file can expand to gigabytes); then each sheet the schema needs is streamed cell by cell, keeping only the
cells that hold a value.  A sheet's declared dimension (which can claim ``A1:XFD1048576`` for one stray cell) is never
used to size anything.  Every limit is in the README ("Input size limits").
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, Problem
from optimizer.io.files import open_regular

MAX_FILE_BYTES = 100 * 2**20  # an input file on disk (a workbook, or one CSV file)
MAX_UNCOMPRESSED_BYTES = 200 * 2**20  # a workbook's contents once unzipped
MAX_ROWS = 100_000  # rows of one sheet, header included (a CSV file: optimizer.io.memory)
MAX_COLUMNS = 200  # columns of one sheet (or CSV file)
# A shared-strings bomb (a few hundred KB of zip holding millions of tiny strings) would keep openpyxl busy for
# minutes before the first cell is read: the table of shared strings is bounded in bytes (from the zip directory)
# and in strings (counted in one pass over the unzipped bytes) before openpyxl opens the file.
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
MAX_CELLS = 2_000_000  # cells holding a value, over the sheets read
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


@dataclass
class RawSheet:
    """A sheet as found: its name in the file, and every row as ``(row number, cells)`` (header included)."""

    found_as: str
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    unreadable: bool = False


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def check_file_size(path: Path, size: int) -> Problem | None:
    """A problem when a file on disk is above :data:`MAX_FILE_BYTES`."""
    if size > MAX_FILE_BYTES:
        return Problem(str(path), f"{_mib(size)} is above the {_mib(MAX_FILE_BYTES)} paxsilica reads from one file")
    return None


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputError([Problem(str(path), f"not an Excel workbook (.xlsx): {err}")]) from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError([Problem(str(path), f"unzips to {_mib(total)}, above the {_mib(MAX_UNCOMPRESSED_BYTES)} "
                                             "paxsilica reads (is it a workbook of input tables?)")])
    _check_shared_strings(path, data)


def _check_shared_strings(path: Path, data: bytes) -> None:
    """Refuse a table of shared strings above :data:`MAX_SHARED_STRINGS_BYTES` or :data:`MAX_SHARED_STRINGS`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith("sharedstrings.xml"):
                continue
            where = f"{path} ({info.filename})"
            if info.file_size > MAX_SHARED_STRINGS_BYTES:
                raise InputError([Problem(where, f"{_mib(info.file_size)} of shared strings, above the "
                                                 f"{_mib(MAX_SHARED_STRINGS_BYTES)} paxsilica reads")])
            count, tail = 0, b""
            try:
                with archive.open(info) as part:
                    for block in iter(lambda: part.read(1 << 20), b""):
                        chunk = tail + block  # a tag cut between two blocks is counted once, in the later one
                        count += sum(1 for m in _SHARED_STRING.finditer(chunk) if m.end() > len(tail))
                        tail = chunk[-16:]
                        if count > MAX_SHARED_STRINGS:
                            raise InputError([Problem(where, f"more than {MAX_SHARED_STRINGS:,} shared strings, "
                                                             "above what paxsilica reads from a workbook")])
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
                raise InputError([Problem(str(path), f"not an Excel workbook (.xlsx): {err}")]) from None


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if column <= 16384 else f"column {column}"


def _stream_cells(sheet: Any) -> Any:
    """(row, column, value, data_type) of every cell in the sheet's XML that holds a value, in file order."""
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser openpyxl's read-only mode streams with

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for _row, cells in parser.parse():
            for cell in cells:
                if cell["value"] is not None:
                    yield cell["row"], cell["column"], cell["value"], cell["data_type"]


def _read_sheet(sheet: Any, counted: list[int]) -> RawSheet:
    """The cells of one sheet; ``counted`` holds the cells read so far over the workbook (see :data:`MAX_CELLS`)."""
    found = RawSheet(sheet.title)
    rows: dict[int, dict[int, object]] = {}
    for r, c, value, data_type in _stream_cells(sheet):
        counted[0] += 1
        if counted[0] > MAX_CELLS:
            raise InputError([Problem(f"{sheet.title}!{_letter(c)}{r}", (
                f"more than {MAX_CELLS:,} cells with a value in the sheets paxsilica reads; above its limit for a "
                "workbook (give the largest tables as CSV files)"), sheet.title)])
        if r > MAX_ROWS or c > MAX_COLUMNS:
            raise InputError([Problem(f"{sheet.title}!{_letter(c)}{r}", (
                f"a value beyond the {MAX_ROWS:,} rows and {MAX_COLUMNS} columns paxsilica reads from a sheet; "
                "delete it (or the rows and columns it is in) and save"), sheet.title)])
        rows.setdefault(r, {})[c] = value
        if data_type == "f":
            found.formula_cells.add((r, c - 1))
    for r in sorted(rows):
        cells = rows[r]
        values: list[object] = [None] * max(cells)
        for c, value in cells.items():
            values[c - 1] = value
        found.rows.append((r, values))
    return found


def _load(path: Path, data: bytes, data_only: bool) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as err:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        message = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise InputError([Problem(str(path), f"not an Excel workbook (.xlsx): {message}")]) from None


def read_workbook(path: Path, wanted: Callable[[str], bool]) -> tuple[dict[str, RawSheet], str]:
    """The sheets of a workbook: the cells of those ``wanted`` (by name), only the names of the others.

    Returns
    -------
    (sheets by name, sha256 of the file)

    Raises
    ------
    InputError
        The file cannot be read, is not a workbook, or is above a size limit.
    """
    try:
        with open_regular(path) as fh:  # a FIFO or a device named like a workbook is refused, not read for ever
            size = os.fstat(fh.fileno()).st_size
            problem = check_file_size(path, size)
            if problem:
                raise InputError([problem])
            data = fh.read()
    except OSError as err:
        raise InputError([Problem(str(path), f"cannot read: {err.strerror or err}")]) from None
    _check_zip(path, data)
    book = _load(path, data, data_only=False)
    raw: dict[str, RawSheet] = {}
    counted = [0]
    try:
        for sheet in book.worksheets:
            raw[sheet.title] = _read_sheet(sheet, counted) if wanted(sheet.title) and hasattr(sheet, "_get_source") \
                else RawSheet(sheet.title)
    except InputError:
        raise
    except Exception as err:  # malformed sheet XML
        raise InputError([Problem(str(path), f"not an Excel workbook (.xlsx): {str(err)[:200]}")]) from None
    finally:
        book.close()
    if any(s.formula_cells for s in raw.values()):
        _saved_values(path, data, raw)
    return raw, hashlib.sha256(data).hexdigest()


def _saved_values(path: Path, data: bytes, raw: dict[str, RawSheet]) -> None:
    """Formulas: use the values Excel saved with the file; a formula never calculated has none."""
    book = _load(path, data, data_only=True)
    try:
        for sheet in book.worksheets:
            found = raw[sheet.title]
            if not found.formula_cells:
                continue
            saved = {(r, c - 1): value for r, c, value, _ in _stream_cells(sheet)}
            by_row = {r: cells for r, cells in found.rows}
            for r, c in found.formula_cells:
                value = saved.get((r, c))
                by_row[r][c] = value
                if value is None:
                    found.uncalculated.add((r, c))
    finally:
        book.close()
