#!/usr/bin/env python3
"""Write a CSV input directory as one workbook, one sheet per CSV file: ``inputs/pax_silica_2025.xlsx`` by default.

The CSV directory is the canonical form (it diffs well); the workbook is generated from it and must not be edited
by hand. Numbers go in as numbers for the schema's numeric columns, true/false as booleans, everything else as text,
so that the workbook reads back to exactly the same tables. The file is byte-for-byte reproducible: fixed document
dates and fixed timestamps inside the zip container.

Usage::

    python scripts/make_xlsx.py                                     # inputs/pax_silica_2025 -> .xlsx beside it
    python scripts/make_xlsx.py inputs/example /tmp/example.xlsx
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer.io.schema import TABLES, TABLES_BY_NAME  # noqa: E402

DEFAULT_DIR = ROOT / "inputs" / "pax_silica_2025"
FIXED_TIME = dt.datetime(2025, 1, 1)
ORDER = [t.name for t in TABLES]


def _cell(sheet: str, column: str, value: str) -> object:
    spec = TABLES_BY_NAME.get(sheet)
    if spec is None or column not in spec.column_names or value.strip() == "":
        return value if value.strip() != "" else None
    dtype = spec.column(column).dtype
    if dtype == "float":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if dtype == "bool" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def csv_sheets(directory: Path) -> list[tuple[str, list[list[str]]]]:
    """The directory's CSV files (not its sub-folders) as (sheet name, rows), schema sheets first."""
    files = sorted(directory.glob("*.csv"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER),
                                                           p.stem))
    sheets = []
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            sheets.append((path.stem, list(csv.reader(handle))))
    return sheets


def make_workbook(directory: Path, out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in csv_sheets(directory):
        ws = wb.create_sheet(name)
        header = rows[0] if rows else []
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value if r == 1 else _cell(name, header[c - 1], value))
        for c in range(1, len(header) + 1):
            ws.cell(row=1, column=c).font = Font(bold=True)
        ws.freeze_panes = "A2"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "paxsilica scripts/make_xlsx.py"
    buffer = io.BytesIO()
    wb.save(buffer)
    # Re-pack with fixed timestamps so that the same CSVs always give the same bytes.
    buffer.seek(0)
    packed = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time: pin it
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    out.write_bytes(packed.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("out", nargs="?", type=Path, help="default: the directory's name + .xlsx, beside it")
    args = parser.parse_args(argv)
    out = args.out or args.directory.with_suffix(".xlsx")
    make_workbook(args.directory, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
