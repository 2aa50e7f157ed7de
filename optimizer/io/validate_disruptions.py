"""Checks of the ``disruptions`` and ``stockpiles`` sheets: what they name exists, and the year holds the
disruptions' expected time.

Called by :func:`optimizer.io.validate.validate_tables` like every other ``check_*``; every problem names its sheet,
row and column.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.errors import Problem
from optimizer.io.read import format_number
from optimizer.io.tables import InputTables
from optimizer.io.validate import _given, _known, _num, _records, _row

EXPECTED_TOLERANCE = 1e-9


def _labels(tables: InputTables) -> tuple[set[object], set[object]] | None:
    countries = _known(tables, "countries", "country")
    if countries is None:
        return None
    return countries, _known(tables, "countries", "bloc") or set()


def _removal_problem(item: str, countries: set[object], mines: set[object], refineries: set[object],
                     fabs: set[object], purifiers: set[object]) -> str | None:
    if ">" in item:
        a, _, b = (x.strip() for x in item.partition(">"))
        unknown = [c for c in (a, b) if c not in countries]
        if unknown:
            return f"lane {item!r}: {', '.join(map(repr, unknown))} is not a country of the countries sheet"
        return None
    if item in countries or item in mines or item in refineries or item in purifiers:
        return None
    nodes = "mine, refinery, purifier" if purifiers else "mine, refinery"
    if item in fabs:
        return f"{item!r} is a fab: remove supply (a country, {nodes} or lane FROM>TO), not demand"
    return f"{item!r} is not a country, {nodes} or lane FROM>TO of the input"


def disruption_problems(tables: InputTables) -> list[Problem]:
    """Supplier, importer, period and removals are known; something is stopped; duration > 0; and in every period
    the expected time in disruptions, sum of probability_per_yr x duration_months / 12, is at most one year."""
    records = _records(tables, "disruptions")
    labels = _labels(tables)
    if not records or labels is None:
        return []
    countries, blocs = labels
    mines = _known(tables, "mines", "mine") or set()
    refineries = _known(tables, "refineries", "refinery") or set()
    fabs = _known(tables, "fabs", "fab") or set()
    purifiers = _known(tables, "purifiers", "purifier") or set()
    periods = {_num(p) for p in _values_of(tables, "periods", "period")}
    problems: list[Problem] = []
    expected: dict[float | None, list[tuple[float, int]]] = defaultdict(list)
    for rec in records:
        row = _row(rec)
        supplier, importer, period = rec["supplier"], rec["importer"], rec["period"]
        if _given(supplier) and supplier and supplier not in countries and supplier not in blocs:
            problems.append(tables.problem("disruptions", row, "supplier", f"unknown supplier {supplier!r} (not a "
                                           "country code or bloc label in countries)"))
        if _given(importer) and importer != "*" and importer not in countries and importer not in blocs:
            problems.append(tables.problem("disruptions", row, "importer", f"unknown importer {importer!r} (not a "
                                           "country code or bloc label in countries, or *)"))
        items = [x.strip() for x in rec["removes"].split(";") if x.strip()] if isinstance(rec["removes"], str) else []
        for item in items:
            message = _removal_problem(item, countries, mines, refineries, fabs, purifiers)
            if message:
                problems.append(tables.problem("disruptions", row, "removes", message))
        if not (_given(supplier) and supplier) and not items:
            problems.append(tables.problem("disruptions", row, "supplier", "stops nothing: give a supplier whose "
                                           "deliveries stop, or what it removes"))
        duration = rec["duration_months"]
        if _given(duration) and _num(duration) <= 0:
            problems.append(tables.problem("disruptions", row, "duration_months", "must be > 0 (a disruption lasts "
                                           f"some time, at most 12 months), got {format_number(_num(duration))}"))
        if _given(period):
            if not periods:
                problems.append(tables.problem("disruptions", row, "period", "a period needs a periods sheet listing "
                                               "the years; leave it blank for a one-period plan"))
            elif _num(period) not in periods:
                problems.append(tables.problem("disruptions", row, "period", f"period "
                                               f"{format_number(_num(period))} is not in periods"))
        if _given(rec["probability_per_yr"]) and _given(duration):
            share = _num(rec["probability_per_yr"]) * _num(duration) / 12.0
            years: list[float | None] = [_num(period)] if _given(period) else [*sorted(periods)] or [None]
            for year in years:
                expected[year].append((share, row))
    for t, shares in expected.items():
        total = sum(x for x, _ in shares)
        if total > 1 + EXPECTED_TOLERANCE:
            when = "" if t is None else f" in {format_number(t)}"
            rows = ", ".join(str(r) for _, r in shares)
            problems.append(tables.problem("disruptions", shares[-1][1], "probability_per_yr", "expected time in "
                                           f"disruptions{when} is {total:.4g} years per year (sum of "
                                           f"probability_per_yr x duration_months / 12 over rows {rows}); it must "
                                           "not exceed 1"))
    return problems


def _values_of(tables: InputTables, sheet: str, column: str) -> list[object]:
    return [r[column] for r in _records(tables, sheet) if _given(r.get(column))]


def stockpile_problems(tables: InputTables) -> list[Problem]:
    """A stockpile's holder is a country or bloc, and some fab of the holder uses its product."""
    records = _records(tables, "stockpiles")
    labels = _labels(tables)
    if not records or labels is None:
        return []
    countries, blocs = labels
    country_bloc = {r["country"]: r["bloc"] for r in _records(tables, "countries")}
    fab_rows = [(r["country"], r["product"]) for r in _records(tables, "fabs")]
    problems: list[Problem] = []
    for rec in records:
        holder, product = rec["holder"], rec["product"]
        if not _given(holder):
            continue
        if holder not in countries and holder not in blocs:
            problems.append(tables.problem("stockpiles", _row(rec), "holder", f"unknown holder {holder!r} (not a "
                                           "country code or bloc label in countries)"))
            continue
        served = {c for c in countries if c == holder or country_bloc.get(c) == holder}
        if _given(product) and not any(c in served and p == product for c, p in fab_rows):
            problems.append(tables.problem("stockpiles", _row(rec), "product", f"no fab of {holder!r} uses "
                                           f"{product!r}: this stockpile would serve nobody"))
    return problems
