"""Checks of the v3 chain sheets: product slates (``refinery_products``), purifiers and fab-grade upgrades.

Called by :func:`optimizer.io.validate.validate_tables` like every other ``check_*``; every problem names its sheet,
row and column.
"""

from __future__ import annotations

from optimizer.errors import Problem
from optimizer.io.read import format_number
from optimizer.io.tables import InputTables
from optimizer.io.validate import _given, _known, _num, _records, _row


def _unknown(tables: InputTables, sheet: str, rec: dict, column: str, ref_sheet: str, ref_column: str) -> list[Problem]:
    known = _known(tables, ref_sheet, ref_column)
    value = rec.get(column)
    if known is None or not _given(value) or value in known:
        return []
    return [tables.problem(sheet, _row(rec), column, f"unknown {ref_column} {value!r} (not in {ref_sheet})")]


def _whole_years(tables: InputTables, sheet: str, columns: tuple[str, ...]) -> list[Problem]:
    problems = []
    for rec in _records(tables, sheet):
        for column in columns:
            value = rec.get(column)
            if _given(value) and not _num(value).is_integer():
                problems.append(tables.problem(sheet, _row(rec), column, "must be a whole year, got "
                                               f"{format_number(_num(value))}"))
    return problems


def check_refinery_products(tables: InputTables) -> list[Problem]:
    """A slate row or an upgrade names a known refinery and product; an online year is a whole year."""
    problems: list[Problem] = []
    for sheet in ("refinery_products", "upgrades"):
        for rec in _records(tables, sheet):
            problems += _unknown(tables, sheet, rec, "refinery", "refineries", "refinery")
            problems += _unknown(tables, sheet, rec, "product", "products", "product")
    return problems + _whole_years(tables, "refinery_products", ("online_year",))


def _lumpy_sizes(tables: InputTables, sheet: str, unit: str) -> list[Problem]:
    problems = []
    largest_col, smallest_col = f"max_new_{unit}", f"min_build_{unit}"
    for rec in _records(tables, sheet):
        if rec.get("build") != "lumpy":
            continue
        largest, smallest = rec.get(largest_col), rec.get(smallest_col)
        if _given(largest) and _num(largest) <= 0:
            problems.append(tables.problem(sheet, _row(rec), largest_col, f"a lumpy build needs {largest_col} > 0, "
                                           f"got {format_number(_num(largest))}"))
        elif _given(largest) and _given(smallest) and _num(smallest) > _num(largest):
            problems.append(tables.problem(sheet, _row(rec), smallest_col, f"must be <= {largest_col} ("
                                           f"{format_number(_num(largest))}), got {format_number(_num(smallest))}"))
    return problems


def check_site_builds(tables: InputTables) -> list[Problem]:
    """The build columns of mines, purifiers and upgrades: a lumpy build has a size and its minimum does not exceed
    it; years are whole years (refineries: :func:`optimizer.io.validate.check_builds`)."""
    problems: list[Problem] = []
    for sheet in ("mines", "purifiers", "upgrades"):
        problems += _lumpy_sizes(tables, sheet, "t")
        problems += _whole_years(tables, sheet, ("retire_year", "earliest_online_year") if sheet != "upgrades"
                                 else ("earliest_online_year",))
    return problems
