"""Write an empty input workbook: a README sheet, then one sheet per table with its header and a comment per column.

Descriptions live in comments rather than in a row under the header, so the template reads back as empty tables.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from optimizer import __version__
from optimizer.io.schema import REQUIRED, TABLES, ColumnSpec

_WILDCARDS = {
    ("lanes", "from_country"): "*",
    ("lanes", "to_country"): "*",
    ("caps", "product"): "*",
    ("caps", "importer"): "*",
}


def column_note(sheet: str, col: ColumnSpec) -> str:
    """The text of a header cell's comment: what the column holds, its unit, default and allowed values."""
    lines = [col.description]
    unit = _unit(col.name)
    if unit:
        lines.append(f"Unit: {unit}")
    lines.append(f"Type: {'number' if col.dtype == 'float' else 'true/false' if col.dtype == 'bool' else 'text'}")
    if col.default is REQUIRED:
        lines.append("Required: every row needs a value")
    elif col.default is None:
        lines.append("Blank: not given")
    else:
        default = col.default
        if isinstance(default, bool):
            default = str(default).lower()
        elif isinstance(default, float):
            default = f"{default:g}"
        lines.append(f"Blank: {default!r}" if col.dtype == "str" else f"Blank: {default}")
    if col.optional:
        lines.append("The column may be left out")
    if col.choices:
        lines.append(f"Allowed: {', '.join(col.choices)}")
    if col.minimum is not None or col.maximum is not None:
        low = "" if col.minimum is None else f">= {col.minimum:g}"
        high = "" if col.maximum is None else f"<= {col.maximum:g}"
        lines.append("Range: " + " and ".join(x for x in (low, high) if x))
    if (sheet, col.name) in _WILDCARDS:
        lines.append("* matches any")
    return "\n".join(lines)


def _unit(name: str) -> str:
    units = {"_usd_per_tpa": "USD per t/yr of capacity", "_usd_per_t": "USD per tonne", "_usd": "USD",
             "_tpa": "t/yr", "_t": "tonnes (per year)", "_yr": "years"}
    for suffix, unit in units.items():
        if name.endswith(suffix):
            return unit
    return ""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_template(path: Path, replace: bool = True) -> None:
    """Write an empty input workbook to ``path`` (created atomically; parent folders are created).

    Parameters
    ----------
    path : where to write the ``.xlsx`` file; an existing file is replaced only once the new one is complete.
    replace : False: never replace an existing file (``FileExistsError``), even one created meanwhile.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    path = Path(path)
    book = Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["paxsilica input workbook"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append([f"Written by paxsilica {__version__}. One sheet per table; the header is row 1 and data starts "
                   "on row 2. Hover over a header cell for its unit, default and allowed values. Extra columns "
                   "(e.g. source, note) and extra sheets (like this one) are ignored."])
    readme.append([])
    readme.append(["sheet", "required", "description"])
    for cell in readme[4]:
        cell.font = Font(bold=True)
    for spec in TABLES:
        readme.append([spec.name, "optional" if spec.optional else "required", spec.description])
    readme.column_dimensions["A"].width = 14
    readme.column_dimensions["B"].width = 10
    readme.column_dimensions["C"].width = 100

    for spec in TABLES:
        sheet = book.create_sheet(spec.name)
        sheet.append(spec.column_names)
        for cell, col in zip(sheet[1], spec.columns, strict=True):
            cell.font = Font(bold=True)
            comment = Comment(column_note(spec.name, col), "paxsilica")
            comment.width, comment.height = 320, 160
            cell.comment = comment
            sheet.column_dimensions[cell.column_letter].width = max(12, len(col.name) + 4)
        sheet.freeze_panes = "A2"

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        book.save(temp_name)
        os.chmod(temp_name, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        if replace:
            os.replace(temp_name, path)
        else:
            os.link(temp_name, path)  # fails if path exists: no window in which another file could be replaced
            os.unlink(temp_name)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
