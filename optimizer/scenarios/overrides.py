"""Apply scenario overrides to the raw input tables (see :mod:`optimizer.scenarios.scenario` and ``models/README.md``).

Every edit is made on a copy; every bad override is collected and reported with the scenario file (or batch entry),
the table and the key, so a user fixes them in one pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.io.read import coerce, format_number
from optimizer.io.schema import PARAMETERS, REQUIRED, TABLES, TABLES_BY_NAME, TableSpec
from optimizer.io.tables import ROW, InputTables
from optimizer.scenarios.removals import remove_nodes
from optimizer.scenarios.start_shifts import shift_starts

MAX_GROWTH_PER_YR = 1.0  # demand doubling every year; 1e308 would overflow

MULTIPLIERS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    # section -> key -> (sheet, columns multiplied)
    "prices": {
        "mine_cost": ("mines", ("cost_usd_per_t",)),
        "refinery_opex": ("refineries", ("opex_usd_per_t",)),
        "capex": ("refineries", ("capex_usd_per_tpa", "fixed_capex_usd")),
        "market_price": ("markets", ("price_usd_per_t",)),
        "transport": ("lanes", ("cost_usd_per_t",)),
        "tariff": ("lanes", ("tariff_usd_per_t",)),
        "wafer_value": ("fabs", ("value_per_wafer_start_usd",)),
    },
    "capacity": {
        "mine": ("mines", ("capacity_t",)),
        "refinery": ("refineries", ("capacity_tpa",)),
        "new": ("refineries", ("max_new_tpa",)),
        "market": ("markets", ("max_t",)),
    },
}
Layers = tuple[tuple[str, Mapping[str, Any]], ...]


class _Editor:
    """Edits a copy of the tables and remembers which rows it added or changed, to name them in messages."""

    def __init__(self, tables: InputTables) -> None:
        self.tables = InputTables(source=tables.source, kind=tables.kind, sha256=tables.sha256,
                                  frames={k: v.copy() for k, v in tables.frames.items()},
                                  headers={k: list(v) for k, v in tables.headers.items()})
        self.origin: dict[tuple[str, int], tuple[str, bool]] = {}  # (sheet, row) -> (override, row is new)
        self.next_row = 1 + max((int(f[ROW].max()) for f in tables.frames.values() if len(f)), default=1)
        self.problems: list[Problem] = []

    def frame(self, sheet: str) -> pd.DataFrame:
        if sheet not in self.tables.frames:
            spec = TABLES_BY_NAME[sheet]
            columns = {c.name: pd.Series([], dtype={"str": object, "float": "float64", "bool": bool}[c.dtype])
                       for c in spec.columns}
            columns[ROW] = pd.Series([], dtype="int64")
            self.tables.frames[sheet] = pd.DataFrame(columns)
            self.tables.headers[sheet] = spec.column_names
        return self.tables.frames[sheet]

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def mark(self, sheet: str, row: int, label: str, new: bool = False) -> None:
        self.origin.setdefault((sheet, row), (label, new))


def _key_text(spec: TableSpec, values: Mapping[str, Any]) -> str:
    # A key column left out (a cap's blank period) is not named.
    return ", ".join(f"{k}={values.get(k)!r}" for k in spec.key if k in values or spec.column(k).default is REQUIRED)


def _upsert_rows(ed: _Editor, source: str, sheet: str, rows: Any) -> None:
    """``[[sheet]]`` rows: merged into the row with the same key, added, or removed (``remove = true``).

    A ``caps`` row that names no period changes every row of its cap (each period's share, and the share without a
    period); one with a period changes (or adds) that period's row only.
    """
    spec = TABLES_BY_NAME[sheet]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        ed.fail(f"{source}, {sheet}", "expected rows: [[" + sheet + "]] tables with column = value")
        return
    for n, given in enumerate(rows, start=1):
        where = f"{source}, {sheet} row {n}"
        unknown = [c for c in given if c not in spec.column_names and c != "remove"]
        if unknown:
            ed.fail(where, f"unknown column {unknown[0]!r} (columns: {', '.join(spec.column_names)})")
            continue
        missing = [k for k in spec.key if k not in given and spec.column(k).default is REQUIRED]
        if missing:
            ed.fail(where, f"needs its key column(s) {', '.join(missing)}")
            continue
        values: dict[str, Any] = {}
        for name, raw in given.items():
            if name == "remove":
                continue
            value, message = coerce(spec.column(name), raw)
            if message:
                ed.fail(f"{source}, {sheet} {_key_text(spec, given)}, {name}", message)
                break
            values[name] = value
        else:
            _put_row(ed, source, spec, given, values)


def _put_row(ed: _Editor, source: str, spec: TableSpec, given: Mapping[str, Any], values: dict[str, Any]) -> None:
    frame = ed.frame(spec.name)
    label = f"{source}, {spec.name} {_key_text(spec, given)}"
    match = pd.Series(True, index=frame.index)
    for k in spec.key:
        column = frame[k]
        wanted = values.get(k, spec.column(k).default)
        match &= column.isna() if wanted is None else (column == wanted)
    if spec.name == "caps" and "period" not in given and "cap" in values:
        match = frame["cap"] == values["cap"]  # no period named: every period of the cap
    hits = frame.index[match]
    if given.get("remove"):
        if not len(hits):
            ed.fail(label, "remove = true, but the input has no such row")
        ed.tables.frames[spec.name] = frame.drop(index=hits).reset_index(drop=True)
        return
    if spec.name == "caps" and "cap" in values:  # the rows of one cap (its periods) share its scope
        scope = {k: v for k, v in values.items() if k in ("supplier", "stage", "product", "importer")}
        for i in frame.index[frame["cap"] == values["cap"]].difference(hits):
            for name, value in scope.items():
                frame.at[i, name] = value
    if len(hits):
        for name, value in values.items():
            frame.loc[hits, name] = float("nan") if value is None and spec.column(name).dtype == "float" else value
        for i in hits:
            ed.mark(spec.name, int(frame.at[i, ROW]), label)
        return
    row: dict[str, Any] = {}
    for col in spec.columns:
        if col.name in values:
            row[col.name] = values[col.name]
        elif col.default is REQUIRED:
            ed.fail(label, f"a new row needs column {col.name!r} ({col.description})")
            return
        else:
            row[col.name] = col.default
        if row[col.name] is None and col.dtype == "float":
            row[col.name] = float("nan")
    row[ROW] = ed.next_row
    ed.mark(spec.name, ed.next_row, label, new=True)
    ed.next_row += 1
    new = pd.DataFrame([row]).astype(frame.dtypes.to_dict())
    ed.tables.frames[spec.name] = pd.concat([frame, new], ignore_index=True) if len(frame) else new


def _number(ed: _Editor, where: str, value: Any, low: float | None = 0.0, high: float | None = None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        ed.fail(where, f"expected a number, got {value!r}")
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f">= {format_number(float(low or 0))}" if high is None else \
            f"between {format_number(float(low or 0))} and {format_number(float(high))}"
        ed.fail(where, f"must be {bounds}, got {format_number(float(value))}")
        return None
    return float(value)


def _caps_shares(ed: _Editor, source: str, shares: Any) -> None:
    rows = []
    for key, share in shares.items():
        cap, _, year = key.partition("@")  # "cap@2030": the cap's share in that period only
        if year and not year.isdigit():
            ed.fail(f"{source}, caps, key {key!r}", "expected CAP or CAP@YEAR")
        elif _number(ed, f"{source}, caps, key {key!r}", share, 0.0, 1.0) is not None:
            rows.append({"cap": cap, "max_share": share, **({"period": float(year)} if year else {})})
    known = set(ed.frame("caps")["cap"])
    for r in rows:
        if r["cap"] not in known:
            ed.fail(f"{source}, caps, key {r['cap']!r}", "no such cap in the input: add it as a [[caps]] row with "
                                                          "supplier, stage and max_share")
            return
    _upsert_rows(ed, source, "caps", rows)


def _parameters(ed: _Editor, source: str, values: Any) -> None:
    rows = []
    for name, value in values.items():
        if name not in PARAMETERS:
            ed.fail(f"{source}, parameters, key {name!r}", f"unknown parameter (known: {', '.join(sorted(PARAMETERS))})")
            continue
        rows.append({"name": name, "value": value})
    _upsert_rows(ed, source, "parameters", rows)


def _coalition(ed: _Editor, source: str, section: Any) -> None:
    frame = ed.frame("countries")
    known = list(frame["country"])
    moves: list[tuple[str, str]] = []
    for key, value in section.items():
        if isinstance(value, str):
            moves.append((key, value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            moves.extend((country, key) for country in value)
        else:
            ed.fail(f"{source}, coalition, key {key!r}", "expected country = \"bloc\" or bloc = [\"country\", ...]")
    for country, bloc in moves:
        if country not in known:
            ed.fail(f"{source}, coalition, key {country!r}", "unknown country (not in countries)")
            continue
        hits = frame.index[frame["country"] == country]
        frame.loc[hits, "bloc"] = bloc
        ed.mark("countries", int(frame.at[hits[0], ROW]), f"{source}, coalition {country!r}")


def _blocked_lanes(ed: _Editor, source: str, lanes: Any) -> None:
    from optimizer.io.build_data import lane_for

    if not isinstance(lanes, list):
        ed.fail(f"{source}, blocked_lanes", "expected a list such as [\"CHN>USA\", \"MMR>*\"]")
        return
    frame = ed.frame("lanes")
    existing = {(r["from_country"], r["to_country"]): r for r in frame.to_dict("records")}
    rows = []
    for item in lanes:
        pair = re.split(r"\s*-?>\s*", item.strip()) if isinstance(item, str) else item
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) and p for p in pair):
            ed.fail(f"{source}, blocked_lanes, key {item!r}", "expected \"FROM>TO\" (country codes or *)")
            continue
        row: dict[str, Any] = {"from_country": pair[0], "to_country": pair[1], "blocked": True}
        if tuple(pair) not in existing:  # a new row keeps the freight and tariff of the lane it refines
            lane = lane_for(existing, pair[0], pair[1])
            row["cost_usd_per_t"] = float(lane["cost_usd_per_t"]) if lane else 0.0
            row["tariff_usd_per_t"] = float(lane["tariff_usd_per_t"]) if lane else 0.0
        rows.append(row)
    _upsert_rows(ed, source, "lanes", rows)


def _blocs(ed: _Editor) -> dict[str, str]:
    frame = ed.frame("countries")
    return dict(zip(frame["country"], frame["bloc"]))


def _labels(sheet: str, row: Mapping[str, Any], blocs: Mapping[str, str], fab_country: Mapping[str, str]) -> set[str]:
    """Every selector that picks ``row``: its id, product, countries and their blocs, and ``*``."""
    countries: list[str] = []
    labels = {"*"}
    if sheet in ("mines", "refineries"):
        labels.add(row[sheet[:-1] if sheet == "mines" else "refinery"])
        countries = [row["country"]]
    elif sheet == "markets":
        labels.update(x for x in (row["product"], row.get("market")) if isinstance(x, str))
    elif sheet == "lanes":
        labels.add(f"{row['from_country']}>{row['to_country']}")
        countries = [row["from_country"], row["to_country"]]
    elif sheet in ("fabs", "demand"):
        labels.update(x for x in (row["fab"], row.get("product")) if isinstance(x, str))
        countries = [row["country"] if sheet == "fabs" else fab_country.get(row["fab"], "")]
    labels.update(countries)
    labels.update(blocs[c] for c in countries if c in blocs)
    return labels


def _multiply(ed: _Editor, where: str, sheet: str, columns: tuple[str, ...], spec: Any) -> None:
    """Multiply ``columns`` of ``sheet`` by the factors of ``spec`` (a number, or ``{selector = number}``)."""
    factors = {"*": spec} if not isinstance(spec, dict) else {("*" if k == "all" else k): v for k, v in spec.items()}
    good = {}
    for selector, factor in factors.items():
        value = _number(ed, f"{where}, key {selector!r}", factor)
        if value is not None:
            good[selector] = value
    if sheet not in ed.tables.frames:
        if good:
            ed.fail(where, f"the input has no {sheet} sheet to change")
        return
    frame = ed.tables.frames[sheet]
    blocs = _blocs(ed)
    fabs = ed.frame("fabs")
    fab_country = dict(zip(fabs["fab"], fabs["country"]))
    used: set[str] = set()
    valued: set[str] = set()  # selectors that pick a row with a value to multiply
    for i, row in zip(frame.index, frame.to_dict("records")):
        labels = _labels(sheet, row, blocs, fab_country)
        factor = 1.0
        for selector, value in good.items():
            if selector in labels:
                factor *= value
                used.add(selector)
                if any(row[c] == row[c] for c in columns):
                    valued.add(selector)
        if factor != 1.0:
            for column in columns:
                frame.at[i, column] = frame.at[i, column] * factor
            ed.mark(sheet, int(row[ROW]), where)
    for selector in good:
        if selector not in used and selector != "*":
            ed.fail(f"{where}, key {selector!r}", f"matches no row of {sheet} (give an id, a country code, a bloc "
                                                  "label or *)")
        elif selector in used and selector not in valued:
            ed.fail(f"{where}, key {selector!r}", f"changes nothing: no row of {sheet} it picks gives "
                                                  f"{' or '.join(columns)}")


def _demand_growth(ed: _Editor, source: str, rate: Any) -> None:
    """``[demand] growth_per_yr = g``: every fab's demand in period t is its first period's x (1 + g)^(t - t0).

    The first period's demand is its ``demand`` row, else ``fabs.demand_t``; rows of later periods are set.
    """
    where = f"{source}, demand, growth_per_yr"
    growth = _number(ed, where, rate, -0.99, MAX_GROWTH_PER_YR)
    periods = sorted(int(t) for t in ed.frame("periods")["period"].dropna())
    if growth is None or not periods:
        return ed.fail(where, "needs a periods sheet listing the years") if growth is not None else None
    first = {(r["fab"], r["product"] if isinstance(r["product"], str) else None): r["demand_t"]
             for r in ed.frame("demand").to_dict("records") if r["period"] == periods[0]}
    spec = TABLES_BY_NAME["demand"]
    for r in ed.frame("fabs").to_dict("records"):
        base = first.get((r["fab"], r["product"]), first.get((r["fab"], None), r["demand_t"]))
        for t in periods[1:]:
            try:
                demand = float(base) * (1.0 + growth) ** (t - periods[0])
            except OverflowError:
                demand = math.inf
            if not math.isfinite(demand):
                return ed.fail(where, f"{growth:g} a year makes fab {r['fab']!r}'s demand in {t} too large for a "
                                      "number")
            row = {"fab": r["fab"], "product": r["product"], "period": float(t), "demand_t": demand}
            _put_row(ed, where, spec, row, row)


def _multipliers(ed: _Editor, source: str, section: str, values: Any) -> None:
    if not isinstance(values, dict):
        ed.fail(f"{source}, {section}", "expected a table of multipliers")
        return
    if section == "demand":
        values = dict(values)
        if "growth_per_yr" in values:
            _demand_growth(ed, source, values.pop("growth_per_yr"))
        for sheet in ("fabs", "demand"):
            if sheet in ed.tables.frames or sheet == "fabs":
                _multiply(ed, f"{source}, demand", sheet, ("demand_t",), values)
        return
    known = MULTIPLIERS[section]
    for key, spec in values.items():
        if key not in known:
            ed.fail(f"{source}, {section}, key {key!r}", f"unknown multiplier (known: {', '.join(known)})")
            continue
        sheet, columns = known[key]
        _multiply(ed, f"{source}, {section}.{key}", sheet, columns, spec)


def apply_overrides(tables: InputTables, layers: Layers) -> tuple[InputTables, dict[tuple[str, int], tuple[str, bool]]]:
    """Apply each layer's overrides to a copy of ``tables``.

    Within a layer: rows of ``[[sheet]]`` tables (schema order), ``[caps]``, ``[parameters]``, ``[coalition]``,
    ``blocked_lanes``, ``remove``, ``[start_shift]``, then the multipliers ``[prices]``, ``[capacity]`` and ``[demand]``.

    Returns
    -------
    (tables, origin)
        The edited tables, and (sheet, row number) -> (the override that added or changed that row, added).

    Raises
    ------
    InputError
        Naming the scenario file (or batch entry), the table and the key of every bad override.
    """
    ed = _Editor(tables)
    for source, doc in layers:
        if doc.get("steady_state") is True:  # one steady-state year: no calendar, caps for every period only
            for sheet in ("periods", "demand"):
                ed.tables.frames.pop(sheet, None)
                ed.tables.headers.pop(sheet, None)
            if "caps" in ed.tables.frames and "period" in ed.tables.frames["caps"]:
                caps = ed.tables.frames["caps"]
                ed.tables.frames["caps"] = caps[caps["period"].isna()].reset_index(drop=True)
        elif doc.get("steady_state", False) is not False:
            ed.fail(f"{source}, steady_state", f"expected true or false, got {doc['steady_state']!r}")
        for spec in TABLES:
            value = doc.get(spec.name)
            if value is None or (spec.name in ("caps", "parameters", "demand") and isinstance(value, dict)):
                continue
            _upsert_rows(ed, source, spec.name, value)
        for section, handler in (("caps", _caps_shares), ("parameters", _parameters), ("coalition", _coalition)):
            if isinstance(doc.get(section), dict):
                handler(ed, source, doc[section])
            elif section == "coalition" and section in doc:
                ed.fail(f"{source}, coalition", "expected a table: country = \"bloc\"")
        if "blocked_lanes" in doc:
            _blocked_lanes(ed, source, doc["blocked_lanes"])
        if "remove" in doc:
            remove_nodes(ed, source, doc["remove"])
        if "start_shift" in doc:
            shift_starts(ed, source, doc["start_shift"])
        for section in ("prices", "capacity", "demand"):
            if isinstance(doc.get(section), dict) or (section != "demand" and section in doc):
                _multipliers(ed, source, section, doc[section])
    if ed.problems:
        raise InputError(ed.problems)
    return ed.tables, ed.origin
