"""``results.xlsx``: every result table as a sheet of one workbook, units in the headers, for spreadsheet users.

The workbook holds the same numbers as the CSV files beside it (a ``summary`` sheet first, then one sheet per table,
in the order written).  Its bytes depend on the tables alone: the document dates and the zip entries' times are
fixed, so the same input gives a byte-identical workbook, like the CSV files.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from optimizer.safe_text import xlsx_text

MAX_ROWS = 1_048_575  # a sheet's rows (Excel's limit) less the header
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries' times
FIXED_W3CDTF = "2000-01-01T00:00:00Z"  # the document's created/modified dates

# Units by column name, most specific first: the CSV column names carry their unit; the sheet spells it out.
_UNITS: list[tuple[str, str]] = [
    (r"_usd_per_yr_per_pct(_tighter|_looser)?$", "USD per year per percentage point"),
    (r"_usd_per_pct$", "USD per percentage point"),
    (r"_usd_per_occurrence$", "USD each time it happens"),
    (r"_usd_per_yr_expected$", "USD/yr expected"),
    (r"_usd_per_t$", "USD/t"),
    (r"(^|_)usd_pv$", "USD, present value at the base year"),
    (r"(^|_)usd_undiscounted_over_period$", "USD over the period's years, not discounted"),
    (r"(^|_)usd_undiscounted_per_yr$", "USD/yr, not discounted"),
    (r"(^|_)usd_per_yr$", "USD/yr"),
    (r"(^|_)usd$", "USD"),
    (r"_tpa$|^new_tpa_", "t/yr"),
    (r"^tonnes$|_t$", "t"),
    (r"(^|_)share$", "fraction 0-1"),
    (r"^hhi$", "0-10000"),
]


def unit_of(column: str) -> str | None:
    """The unit a result column is in, read from its name (None when it has none, e.g. an id or a status)."""
    for pattern, unit in _UNITS:
        if re.search(pattern, column):
            return unit
    return None


def header(column: str) -> str:
    """A sheet header: the CSV column name with its unit, e.g. ``new_tpa [t/yr]``."""
    unit = unit_of(column)
    return f"{column} [{unit}]" if unit else column


def _cell(value: Any) -> Any:
    """A value a sheet can hold: NaN and None as empty cells, numpy scalars as Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _text_safe(ws: Any, value: Any) -> Any:
    """Text stays text: one starting with ``=`` (an id such as ``=SUM(A1)``, a scenario named ``=1+2``) is typed as
    text, since openpyxl would store it as a formula, and characters XML cannot hold are written as escapes
    (:func:`optimizer.safe_text.xlsx_text`), since openpyxl would refuse the cell."""
    if not isinstance(value, str):
        return value
    safe = xlsx_text(value)
    if safe.startswith("=") or safe != value:
        cell = WriteOnlyCell(ws, value=safe)
        cell.data_type = "s"
        return cell
    return value


def _money(summary: Mapping[str, Any]) -> str:
    """The unit of a solve's totals: ``USD, present value 2025`` on a pathway, ``USD/yr`` for one year (``USD``
    when the summary does not say)."""
    head = summary.get("headline")
    money = head.get("money") if isinstance(head, dict) else summary.get("money")
    if not isinstance(money, dict):
        return "USD"
    return f"USD, present value {money['base_year']}" if money.get("base_year") is not None else "USD/yr"


def _summary_rows(summary: Mapping[str, Any], skipped: list[str]) -> list[tuple[str, Any]]:
    """The summary's scalar facts (not the wall times, which differ between runs of the same input)."""
    rows: list[tuple[str, Any]] = []
    money = _money(summary)
    for key in ("status", "scenario", "objective_usd", "mip_gap", "message"):
        if key in summary and not isinstance(summary[key], (dict, list)):
            rows.append((f"objective_usd [{money}]" if key == "objective_usd" else header(key), summary[key]))
    for component, usd in (summary.get("cost_breakdown_usd") or {}).items():
        rows.append((f"cost: {component} [{money}]", usd))
    uncapped = summary.get("uncapped") or {}
    if uncapped.get("objective_usd") is not None:
        rows.append((f"objective_usd without caps [{money}]", uncapped["objective_usd"]))
    for period, share in (summary.get("china_share") or {}).items():
        rows.append((f"China's share, period {period} [fraction 0-1]", share))
    if "unmet_t" in summary:
        rows.append(("unmet_t [t]", summary["unmet_t"]))
    source = summary.get("input") or {}
    rows += [("input", source.get("source")), ("input sha256", source.get("sha256"))]
    solver = summary.get("solver") or {}
    if solver:
        rows.append(("solver", f"{solver.get('name', '')} {solver.get('version', '')}".strip()))
    rows.append(("paxsilica", (summary.get("package") or {}).get("version")))
    rows += [(f"{name} not in this workbook", "too many rows for a sheet: see the CSV file") for name in skipped]
    return [(k, _cell(v)) for k, v in rows if v is not None]


def results_workbook_bytes(tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any] | None = None) -> bytes:
    """The workbook of ``tables`` (and the scalar facts of ``summary``), as the bytes of an ``.xlsx`` file."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def head(ws: Any, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.data_type = "s"  # a header is text, even one starting with "="
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    skipped = [name for name, df in tables.items() if len(df) > MAX_ROWS]
    if summary is not None:
        ws = wb.create_sheet("summary")
        head(ws, ["item", "value"])
        for row in _summary_rows(summary, skipped):
            ws.append([_text_safe(ws, v) for v in row])
    for name, df in tables.items():
        if name in skipped:
            continue
        ws = wb.create_sheet(name[:31])
        head(ws, [xlsx_text(header(str(c))) for c in df.columns])
        for row in df.itertuples(index=False, name=None):
            ws.append([_text_safe(ws, _cell(v)) for v in row])
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed(raw.getvalue())


def _fixed(xlsx: bytes) -> bytes:
    """``xlsx`` with its document dates and its zip entries' times set to constants (same tables, same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>"
                              + FIXED_W3CDTF.encode() + rb"\g<3>", data)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compresslevel=6)
    return out.getvalue()


def write_results_xlsx(path: Path, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any] | None = None) -> Path:
    """Write ``results.xlsx`` (see :func:`results_workbook_bytes`) to ``path``; the caller makes it atomic."""
    Path(path).write_bytes(results_workbook_bytes(tables, summary))
    return Path(path)


__all__ = ["header", "results_workbook_bytes", "unit_of", "write_results_xlsx"]
