"""Semantic checks of the input: references, uniqueness, consistency.

Each ``check_*`` function takes the tables as read and returns every problem it finds, each naming its sheet, row
and column.  Types, ranges and choices of single cells were already checked while reading; cells that failed those
checks are blank here and are skipped, so one mistake is reported once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from optimizer.errors import Problem
from optimizer.io.read import format_number, parse_number
from optimizer.io.schema import NUMERIC_PARAMETERS, PARAMETERS, TABLES
from optimizer.io.tables import ROW, InputTables

Record = dict[str, object]
SHARE_TOLERANCE = 1e-9
ARC_KINDS = (("mine", "refinery"), ("refinery", "fab"), ("refinery", "purifier"), ("purifier", "fab"))


def _records(tables: InputTables, sheet: str) -> list[Record]:
    frame = tables.get(sheet)
    return [] if frame is None else frame.to_dict("records")  # type: ignore[return-value]


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _values(tables: InputTables, sheet: str, column: str) -> set[object]:
    return {r[column] for r in _records(tables, sheet) if _given(r.get(column))}


def _known(tables: InputTables, sheet: str, column: str) -> set[object] | None:
    """The values of a referenced column, or None when the sheet or column could not be read.

    References to an unreadable sheet are not checked: the reader already reported it, and a user gains nothing
    from one "unknown" message per row that refers to it.
    """
    header = tables.headers.get(sheet)
    if tables.get(sheet) is None or (header is not None and column not in header):
        return None
    return _values(tables, sheet, column)


def _row(record: Record) -> int:
    return int(_num(record[ROW]))


def _num(value: object) -> float:
    """A cell already coerced to a number by the reader (the records are typed ``object``)."""
    return float(value)  # type: ignore[arg-type]


def _join(items: Iterable[object]) -> str:
    return ", ".join(str(i) for i in items)


def check_required_rows(tables: InputTables) -> list[Problem]:
    """Every required sheet that is present holds at least one row (a missing sheet is reported by the reader)."""
    problems = []
    for spec in TABLES:
        if spec.optional or tables.get(spec.name) is None or _records(tables, spec.name):
            continue
        if spec.name == "lanes" and _records(tables, "arcs"):
            continue  # node-level arcs alone can connect the network
        problems.append(tables.problem(spec.name, None, None, "no data rows: this sheet needs at least one"))
    return problems


def check_duplicate_keys(tables: InputTables) -> list[Problem]:
    """No two rows of a sheet share the sheet's key (demand is checked with its blank products resolved)."""
    problems = []
    for spec in TABLES:
        if not spec.key or spec.name == "demand":
            continue
        first: dict[tuple[object, ...], int] = {}
        for rec in _records(tables, spec.name):
            key = tuple(rec[k] for k in spec.key)
            if not all(_given(k) for k in key):
                continue
            if key in first:
                shown = key[0] if len(key) == 1 else key
                column = spec.key[0] if len(spec.key) == 1 else None
                problems.append(tables.problem(spec.name, _row(rec), column, f"duplicate {' and '.join(spec.key)} "
                                               f"{shown!r}: already on row {first[key]}"))
            else:
                first[key] = _row(rec)
    return problems


def check_node_ids(tables: InputTables) -> list[Problem]:
    """Node ids are unique across mines, refineries and fabs; a fab keeps one country over its product rows."""
    problems = []
    owner: dict[object, tuple[str, int]] = {}
    fab_country: dict[object, tuple[object, int]] = {}
    sheets = "mines, refineries, purifiers and fabs" if _records(tables, "purifiers") else "mines, refineries and fabs"
    for sheet, column in (("mines", "mine"), ("refineries", "refinery"), ("purifiers", "purifier"), ("fabs", "fab")):
        for rec in _records(tables, sheet):
            node = rec[column]
            if not _given(node):
                continue
            if sheet == "fabs" and node in fab_country:
                country, first_row = fab_country[node]
                if _given(rec["country"]) and _given(country) and rec["country"] != country:
                    problems.append(tables.problem(sheet, _row(rec), "country", f"fab {node!r} is in {country!r} on "
                                                   f"row {first_row}; a fab has one country, got {rec['country']!r}"))
                continue
            if sheet == "fabs":
                fab_country[node] = (rec["country"], _row(rec))
            if node in owner and owner[node][0] != sheet:  # repeats within a sheet are duplicate keys
                other_sheet, other_row = owner[node]
                problems.append(tables.problem(sheet, _row(rec), column, f"id {node!r} is already used in "
                                               f"{tables.place(other_sheet, other_row)} (node ids must be unique "
                                               f"across {sheets})"))
            owner.setdefault(node, (sheet, _row(rec)))
    return problems


def check_countries(tables: InputTables) -> list[Problem]:
    """Every country code used by a node or a lane is in the countries sheet (lanes may also use ``*``)."""
    problems = []
    for rec in _records(tables, "countries"):
        if rec["country"] == "*":
            problems.append(tables.problem("countries", _row(rec), "country", "'*' is reserved as the wildcard "
                                                                              "of lanes; use a country code"))
    known = _known(tables, "countries", "country")
    if known is None:
        return problems
    known -= {"*"}
    uses = [("mines", "country"), ("refineries", "country"), ("purifiers", "country"), ("fabs", "country"),
            ("lanes", "from_country"), ("lanes", "to_country")]
    for sheet, column in uses:
        for rec in _records(tables, sheet):
            value = rec[column]
            if not _given(value) or value in known or (sheet == "lanes" and value == "*"):
                continue
            expected = "a country code in countries, or *" if sheet == "lanes" else "not in countries"
            problems.append(tables.problem(sheet, _row(rec), column, f"unknown country {value!r} ({expected})"))
    return problems


def check_products(tables: InputTables) -> list[Problem]:
    """Every product named in composition, fabs, markets, caps and demand is in the products sheet."""
    problems: list[Problem] = []
    known = _known(tables, "products", "product")
    if known is None:
        return problems
    starred = ("caps", "disruptions")
    for sheet in ("composition", "fabs", "markets", "caps", "demand", "disruptions", "stockpiles"):
        for rec in _records(tables, sheet):
            value = rec.get("product")
            if not _given(value) or value in known or (sheet in starred and value == "*"):
                continue
            expected = "a product in products, or *" if sheet in starred else "not in products"
            problems.append(tables.problem(sheet, _row(rec), "product", f"unknown product {value!r} ({expected})"))
    return problems


def check_composition(tables: InputTables) -> list[Problem]:
    """Composition rows name known mines, and each mine's shares sum to at most 1."""
    problems = []
    mines = _known(tables, "mines", "mine")
    by_mine: dict[object, list[Record]] = defaultdict(list)
    for rec in _records(tables, "composition"):
        if not _given(rec["mine"]):
            continue
        if mines is not None and rec["mine"] not in mines:
            problems.append(tables.problem("composition", _row(rec), "mine",
                                           f"unknown mine {rec['mine']!r} (not in mines)"))
        by_mine[rec["mine"]].append(rec)
    for mine, recs in by_mine.items():
        total = math.fsum(_num(r["share"]) for r in recs if _given(r["share"]))
        if total > 1 + SHARE_TOLERANCE:
            rows = [_row(r) for r in recs]
            problems.append(tables.problem("composition", rows[0], "share", f"shares of mine {mine!r} sum to "
                                           f"{total:.6g}, more than 1 (rows {_join(rows)})"))
    return problems


def check_fab_supply(tables: InputTables) -> list[Problem]:
    """Every product a fab needs is contained (share > 0) in at least one known mine."""
    mines = _known(tables, "mines", "mine")
    known = _known(tables, "products", "product")
    if mines is None or known is None or _known(tables, "composition", "share") is None:
        return []
    produced = {r["product"] for r in _records(tables, "composition")
                if r["mine"] in mines and _given(r["share"]) and _num(r["share"]) > 0}
    problems = []
    for rec in _records(tables, "fabs"):
        product = rec["product"]
        if _given(product) and product in known and product not in produced:
            problems.append(tables.problem("fabs", _row(rec), "product", f"no mine produces product {product!r} "
                                           "(no composition row with share > 0 for it)"))
    return problems


def check_arcs(tables: InputTables) -> list[Problem]:
    """Arcs join existing nodes: mine -> refinery, refinery -> fab, refinery -> purifier or purifier -> fab."""
    kind: dict[object, str] = {}
    for sheet, column, name in (("fabs", "fab", "fab"), ("refineries", "refinery", "refinery"),
                                ("mines", "mine", "mine"), ("purifiers", "purifier", "purifier")):
        nodes = _known(tables, sheet, column)
        if nodes is None and sheet != "purifiers":
            return []
        kind.update((node, name) for node in nodes or ())
    problems = []
    purifiers = bool(_records(tables, "purifiers"))
    names = "mine, refinery, purifier or fab" if purifiers else "mine, refinery or fab"
    runs = ("mine -> refinery, refinery -> fab, refinery -> purifier or purifier -> fab" if purifiers
            else "mine -> refinery or refinery -> fab")
    for rec in _records(tables, "arcs"):
        ends = {}
        for column in ("from", "to"):
            node = rec[column]
            if _given(node) and node not in kind:
                problems.append(tables.problem("arcs", _row(rec), column, f"unknown node {node!r} (not a "
                                               f"{names})"))
            elif _given(node):
                ends[column] = kind[node]
        if len(ends) == 2 and (ends["from"], ends["to"]) not in ARC_KINDS:
            problems.append(tables.problem("arcs", _row(rec), "to", f"arc from {ends['from']} {rec['from']!r} to "
                                           f"{ends['to']} {rec['to']!r} is not allowed: arcs run {runs}"))
    return problems


def check_builds(tables: InputTables) -> list[Problem]:
    """A lumpy build has a size (max_new_tpa > 0) and its minimum build does not exceed it."""
    problems = []
    for rec in _records(tables, "refineries"):
        if rec["build"] != "lumpy":
            continue
        largest, smallest = rec["max_new_tpa"], rec["min_build_tpa"]
        if _given(largest) and _num(largest) <= 0:
            problems.append(tables.problem("refineries", _row(rec), "max_new_tpa", "a lumpy build needs "
                                           f"max_new_tpa > 0, got {format_number(_num(largest))}"))
        elif _given(largest) and _given(smallest) and _num(smallest) > _num(largest):
            problems.append(tables.problem("refineries", _row(rec), "min_build_tpa", "must be <= max_new_tpa ("
                                           f"{format_number(_num(largest))}), got "
                                           f"{format_number(_num(smallest))}"))
    return problems


def check_caps(tables: InputTables) -> list[Problem]:
    """A cap's supplier is a country or a bloc; its importer is a country, a bloc or ``*``."""
    countries = _known(tables, "countries", "country")
    blocs = _known(tables, "countries", "bloc") or set()
    problems: list[Problem] = []
    if countries is None:
        return problems
    for rec in _records(tables, "caps"):
        for column in ("supplier", "importer"):
            value = rec[column]
            if not _given(value) or value in countries or value in blocs or (column == "importer" and value == "*"):
                continue
            star = ", or *" if column == "importer" else ""
            problems.append(tables.problem("caps", _row(rec), column, f"unknown {column} {value!r} (not a country "
                                           f"code or bloc label in countries{star})"))
    return problems


def check_demand(tables: InputTables) -> list[Problem]:
    """Per-period demand names a known fab, one of its products, and a period of the periods sheet."""
    records = _records(tables, "demand")
    if not records:
        return []
    problems = []
    periods = {_num(p) for p in _values(tables, "periods", "period")}
    if not periods:
        problems.append(tables.problem("demand", None, None, "per-period demand needs a periods sheet "
                                                             "listing the years"))
    fab_products: dict[object, list[object]] = defaultdict(list)
    for rec in _records(tables, "fabs"):
        if _given(rec["fab"]) and _given(rec["product"]):
            fab_products[rec["fab"]].append(rec["product"])
    first: dict[tuple[object, object, float], int] = {}
    for rec in records:
        fab, product, period = rec["fab"], rec["product"], rec["period"]
        row = _row(rec)
        if _given(period) and periods and _num(period) not in periods:
            problems.append(tables.problem("demand", row, "period", f"period {format_number(_num(period))} is "
                                           f"not in periods ({_join(format_number(p) for p in sorted(periods))})"))
        if not _given(fab):
            continue
        if fab not in fab_products and _known(tables, "fabs", "fab") is not None:
            problems.append(tables.problem("demand", row, "fab", f"unknown fab {fab!r} (not in fabs)"))
            continue
        if fab not in fab_products:
            continue
        products = fab_products[fab]
        if not _given(product):
            if len(products) > 1:
                problems.append(tables.problem("demand", row, "product", f"blank, but fab {fab!r} uses several "
                                               f"products ({_join(products)}): name one"))
                continue
            product = products[0]
        elif product not in products:
            problems.append(tables.problem("demand", row, "product", f"fab {fab!r} has no fabs row for product "
                                           f"{product!r}"))
            continue
        if _given(period):
            key = (fab, product, _num(period))
            if key in first:
                problems.append(tables.problem("demand", row, None, f"duplicate demand for fab {fab!r}, product "
                                               f"{product!r}, period {format_number(key[2])}: already on row "
                                               f"{first[key]}"))
            first.setdefault(key, row)
    return problems


def check_parameters(tables: InputTables) -> list[Problem]:
    """Parameter names are known; numeric ones hold numbers; the discount rate is in [0, 1)."""
    problems = []
    for rec in _records(tables, "parameters"):
        name, value = rec["name"], rec["value"]
        if not _given(name):
            continue
        if name not in PARAMETERS:
            problems.append(tables.problem("parameters", _row(rec), "name", f"unknown parameter {name!r} "
                                           f"(known: {_join(sorted(PARAMETERS))})"))
            continue
        if name not in NUMERIC_PARAMETERS or not _given(value):
            continue
        number, message = parse_number(value)
        if number is None:
            problems.append(tables.problem("parameters", _row(rec), "value", f"{name}: {message}"))
        elif name == "discount_rate" and not 0 <= number < 1:
            problems.append(tables.problem("parameters", _row(rec), "value", "discount_rate must be >= 0 and < 1,"
                                           f" got {format_number(number)}"))
        elif name in ("default_unmet_penalty_usd_per_t", "default_disruption_penalty_usd_per_t") and number < 0:
            problems.append(tables.problem("parameters", _row(rec), "value", f"{name} must be >= 0, got "
                                           f"{format_number(number)}"))
    return problems


def check_disruptions(tables: InputTables) -> list[Problem]:
    """Disruptions and stockpiles: see :mod:`optimizer.io.validate_disruptions`."""
    from optimizer.io.validate_disruptions import disruption_problems

    return disruption_problems(tables)


def check_stockpiles(tables: InputTables) -> list[Problem]:
    """A stockpile's holder is a country or a bloc with a fab that uses its product."""
    from optimizer.io.validate_disruptions import stockpile_problems

    return stockpile_problems(tables)


def check_uncertainty(tables: InputTables) -> list[Problem]:
    """Every ``uncertainty`` row names a parameter that can be sampled and a distribution with sound arguments."""
    from optimizer.scenarios.uncertainty import distributions  # the sampler owns what can be sampled

    return distributions(tables)[1]


from optimizer.io.validate_chain import check_refinery_products, check_site_builds  # noqa: E402
from optimizer.io.validate_time import check_cap_periods, check_periods, check_plant_years  # noqa: E402

CHECKS: tuple[Callable[[InputTables], list[Problem]], ...] = (
    check_required_rows, check_duplicate_keys, check_node_ids, check_countries, check_products, check_composition,
    check_fab_supply, check_arcs, check_builds, check_caps, check_periods, check_cap_periods,
    check_plant_years, check_demand, check_parameters,
    check_uncertainty, check_disruptions, check_stockpiles, check_refinery_products, check_site_builds,
)


def validate_tables(tables: InputTables) -> list[Problem]:
    """Run every check and return all the problems found (empty when the input is consistent).

    Parameters
    ----------
    tables : the input as read by :func:`optimizer.io.read.read_tables`.

    Returns
    -------
    list[Problem]
        In the order of the checks; :func:`optimizer.io.load.load_case` sorts them by place.
    """
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(tables))
    return problems

