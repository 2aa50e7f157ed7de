"""Checks of the time structure: periods tile the calendar, caps name periods that exist, plant years are years.

A ``periods`` row ``period, years_represented`` covers the years ``period .. period + years_represented - 1``; the
rows together must cover the horizon without overlaps or gaps, so that every year's cost is counted once.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.errors import Problem
from optimizer.io.read import format_number
from optimizer.io.tables import InputTables
from optimizer.io.validate import Record, _given, _num, _records, _row

CAP_SCOPE = ("supplier", "stage", "product", "importer")


def _years(first: float, count: float) -> str:
    last = first + count - 1
    return f"{format_number(first)}" if last == first else f"{format_number(first)}-{format_number(last)}"


def check_periods(tables: InputTables) -> list[Problem]:
    """Periods are whole years covering whole numbers of years, one after another without overlap or gap."""
    problems = []
    rows: list[tuple[float, float, int]] = []
    for rec in _records(tables, "periods"):
        period, count = rec["period"], rec["years_represented"]
        ok = True
        if _given(period) and not _num(period).is_integer():
            problems.append(tables.problem("periods", _row(rec), "period", f"must be a whole year, got "
                                           f"{format_number(_num(period))}"))
            ok = False
        if _given(count) and not _num(count).is_integer():
            problems.append(tables.problem("periods", _row(rec), "years_represented", "must be a whole number of "
                                           f"years, got {format_number(_num(count))}"))
            ok = False
        if ok and _given(period) and _given(count):
            rows.append((_num(period), _num(count), _row(rec)))
    rows.sort()
    for (year, count, row), (after, _, next_row) in zip(rows, rows[1:]):
        end = year + count
        if end > after:
            problems.append(tables.problem("periods", next_row, "period", f"period {format_number(after)} "
                                           f"overlaps row {row} (period {format_number(year)} covers "
                                           f"{_years(year, count)}); each year belongs to one period"))
        elif end < after:
            problems.append(tables.problem("periods", row, "years_represented", f"period {format_number(year)} "
                                           f"covers {_years(year, count)} but the next period (row {next_row}) "
                                           f"starts in {format_number(after)}: {_years(end, after - end)} "
                                           f"belong to no period (set years_represented to "
                                           f"{format_number(after - year)})"))
    return problems


def check_cap_periods(tables: InputTables) -> list[Problem]:
    """A cap's rows share one scope, at most one of them has a blank period, and a period is one of the periods."""
    problems = []
    periods = {_num(r["period"]) for r in _records(tables, "periods") if _given(r["period"])}
    by_cap: dict[object, list[Record]] = defaultdict(list)
    for rec in _records(tables, "caps"):
        if _given(rec["cap"]):
            by_cap[rec["cap"]].append(rec)
    for cap, recs in by_cap.items():
        first = recs[0]
        blank = [r for r in recs if not _given(r.get("period"))]
        for rec in blank[1:]:
            problems.append(tables.problem("caps", _row(rec), "period", f"cap {cap!r} already has a row for every "
                                           f"period (row {_row(blank[0])}); give this row a period"))
        for rec in recs:
            period = rec.get("period")
            if _given(period) and not periods:
                problems.append(tables.problem("caps", _row(rec), "period", "a cap for one period needs a periods "
                                               "sheet listing the years"))
            elif _given(period) and _num(period) not in periods:
                problems.append(tables.problem("caps", _row(rec), "period", f"period {format_number(_num(period))} "
                                               "is not in periods ("
                                               + ", ".join(format_number(p) for p in sorted(periods)) + ")"))
            for column in CAP_SCOPE:
                if rec is not first and _given(rec[column]) and _given(first[column]) and rec[column] != first[column]:
                    problems.append(tables.problem("caps", _row(rec), column, f"cap {cap!r} has {column} "
                                                   f"{first[column]!r} on row {_row(first)}; the rows of one cap "
                                                   f"share their scope, got {rec[column]!r}"))
    return problems


def check_plant_years(tables: InputTables) -> list[Problem]:
    """``retire_year`` and ``earliest_online_year`` of refineries are whole years."""
    problems = []
    for rec in _records(tables, "refineries"):
        for column in ("retire_year", "earliest_online_year"):
            value = rec.get(column)
            if _given(value) and not _num(value).is_integer():
                problems.append(tables.problem("refineries", _row(rec), column, "must be a whole year, got "
                                               f"{format_number(_num(value))}"))
    return problems
