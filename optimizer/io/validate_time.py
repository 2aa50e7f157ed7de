"""Checks of the time structure: periods tile the calendar, caps name periods that exist, plant years are years.

A ``periods`` row ``period, years_represented`` covers the years ``period .. period + years_represented - 1``; the
rows together must cover the horizon without overlaps or gaps, so that every year's cost is counted once.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.errors import Problem
from optimizer.io.cells import Record, as_number, is_given, row_number, rows_of
from optimizer.io.read import format_number
from optimizer.io.tables import InputTables

CAP_SCOPE = ("supplier", "stage", "product", "importer")


def _years(first: float, count: float) -> str:
    last = first + count - 1
    return f"{format_number(first)}" if last == first else f"{format_number(first)}-{format_number(last)}"


def check_periods(tables: InputTables) -> list[Problem]:
    """Periods are whole years covering whole numbers of years, one after another without overlap or gap."""
    problems = []
    rows: list[tuple[float, float, int]] = []
    for rec in rows_of(tables, "periods"):
        period, count = rec["period"], rec["years_represented"]
        ok = True
        if is_given(period) and not as_number(period).is_integer():
            problems.append(tables.problem("periods", row_number(rec), "period", f"must be a whole year, got "
                                           f"{format_number(as_number(period))}"))
            ok = False
        if is_given(count) and not as_number(count).is_integer():
            problems.append(tables.problem("periods", row_number(rec), "years_represented", "must be a whole number of "
                                           f"years, got {format_number(as_number(count))}"))
            ok = False
        if ok and is_given(period) and is_given(count):
            rows.append((as_number(period), as_number(count), row_number(rec)))
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
    periods = {as_number(r["period"]) for r in rows_of(tables, "periods") if is_given(r["period"])}
    by_cap: dict[object, list[Record]] = defaultdict(list)
    for rec in rows_of(tables, "caps"):
        if is_given(rec["cap"]):
            by_cap[rec["cap"]].append(rec)
    for cap, recs in by_cap.items():
        first = recs[0]
        blank = [r for r in recs if not is_given(r.get("period"))]
        for rec in blank[1:]:
            problems.append(tables.problem("caps", row_number(rec), "period", f"cap {cap!r} already has a row for every "
                                           f"period (row {row_number(blank[0])}); give this row a period"))
        for rec in recs:
            period = rec.get("period")
            if is_given(period) and not periods:
                problems.append(tables.problem("caps", row_number(rec), "period", "a cap for one period needs a periods "
                                               "sheet listing the years"))
            elif is_given(period) and as_number(period) not in periods:
                problems.append(tables.problem("caps", row_number(rec), "period", f"period {format_number(as_number(period))} "
                                               "is not in periods ("
                                               + ", ".join(format_number(p) for p in sorted(periods)) + ")"))
            for column in CAP_SCOPE:
                if rec is not first and is_given(rec[column]) and is_given(first[column]) and rec[column] != first[column]:
                    problems.append(tables.problem("caps", row_number(rec), column, f"cap {cap!r} has {column} "
                                                   f"{first[column]!r} on row {row_number(first)}; the rows of one cap "
                                                   f"share their scope, got {rec[column]!r}"))
    return problems


def check_plant_years(tables: InputTables) -> list[Problem]:
    """``retire_year`` and ``earliest_online_year`` of refineries are whole years."""
    problems = []
    for rec in rows_of(tables, "refineries"):
        for column in ("retire_year", "earliest_online_year"):
            value = rec.get(column)
            if is_given(value) and not as_number(value).is_integer():
                problems.append(tables.problem("refineries", row_number(rec), column, "must be a whole year, got "
                                               f"{format_number(as_number(value))}"))
    return problems
