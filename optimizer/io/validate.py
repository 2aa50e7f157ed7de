"""Semantic checks of the input: references, uniqueness, consistency.

Each ``check_*`` function takes the tables as read and returns every problem it finds, each naming its sheet, row
and column.  Types, ranges and choices of single cells were already checked while reading; cells that failed those
checks are blank here and are skipped, so one mistake is reported once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from optimizer.errors import Problem
from optimizer.io.cells import (
    Record,
    as_number,
    column_values,
    is_given,
    joined,
    known_values,
    row_number,
    rows_of,
)
from optimizer.io.read import format_number, parse_number
from optimizer.io.schema import NUMERIC_PARAMETERS, PARAMETERS, TABLES
from optimizer.io.tables import InputTables
from optimizer.io.validate_chain import check_refinery_products, check_site_builds
from optimizer.io.validate_disruptions import disruption_problems, stockpile_problems
from optimizer.io.validate_time import check_cap_periods, check_periods, check_plant_years

SHARE_TOLERANCE = 1e-9
ARC_KINDS = (("mine", "refinery"), ("refinery", "fab"), ("refinery", "purifier"), ("purifier", "fab"))


def check_required_rows(tables: InputTables) -> list[Problem]:
    """Every required sheet that is present holds at least one row (a missing sheet is reported by the reader)."""
    problems = []
    for spec in TABLES:
        if spec.optional or tables.get(spec.name) is None or rows_of(tables, spec.name):
            continue
        if spec.name == "lanes" and rows_of(tables, "arcs"):
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
        for rec in rows_of(tables, spec.name):
            key = tuple(rec[k] for k in spec.key)
            if not all(is_given(k) for k in key):
                continue
            if key in first:
                shown = key[0] if len(key) == 1 else key
                column = spec.key[0] if len(spec.key) == 1 else None
                problems.append(tables.problem(spec.name, row_number(rec), column, f"duplicate {' and '.join(spec.key)} "
                                               f"{shown!r}: already on row {first[key]}"))
            else:
                first[key] = row_number(rec)
    return problems


def check_node_ids(tables: InputTables) -> list[Problem]:
    """Node ids are unique across mines, refineries and fabs; a fab keeps one country over its product rows."""
    problems = []
    owner: dict[object, tuple[str, int]] = {}
    fab_country: dict[object, tuple[object, int]] = {}
    sheets = "mines, refineries, purifiers and fabs" if rows_of(tables, "purifiers") else "mines, refineries and fabs"
    for sheet, column in (("mines", "mine"), ("refineries", "refinery"), ("purifiers", "purifier"), ("fabs", "fab")):
        for rec in rows_of(tables, sheet):
            node = rec[column]
            if not is_given(node):
                continue
            if sheet == "fabs" and node in fab_country:
                country, first_row = fab_country[node]
                if is_given(rec["country"]) and is_given(country) and rec["country"] != country:
                    problems.append(tables.problem(sheet, row_number(rec), "country", f"fab {node!r} is in {country!r} on "
                                                   f"row {first_row}; a fab has one country, got {rec['country']!r}"))
                continue
            if sheet == "fabs":
                fab_country[node] = (rec["country"], row_number(rec))
            if node in owner and owner[node][0] != sheet:  # repeats within a sheet are duplicate keys
                other_sheet, other_row = owner[node]
                problems.append(tables.problem(sheet, row_number(rec), column, f"id {node!r} is already used in "
                                               f"{tables.place(other_sheet, other_row)} (node ids must be unique "
                                               f"across {sheets})"))
            owner.setdefault(node, (sheet, row_number(rec)))
    return problems


def check_wafer_pools(tables: InputTables) -> list[Problem]:
    """A fab's rows that name a ``wafer_pool`` name the same one (a fab node starts one set of wafers)."""
    problems = []
    pool_of: dict[object, tuple[object, int]] = {}
    for rec in rows_of(tables, "fabs"):
        pool = rec.get("wafer_pool")
        if not is_given(rec["fab"]) or not is_given(pool):
            continue
        first = pool_of.setdefault(rec["fab"], (pool, row_number(rec)))
        if first[0] != pool:
            problems.append(tables.problem("fabs", row_number(rec), "wafer_pool", f"fab {rec['fab']!r} is in wafer "
                                           f"pool {first[0]!r} on row {first[1]}; a fab has one pool, got {pool!r}"))
    return problems


def check_countries(tables: InputTables) -> list[Problem]:
    """Every country code used by a node or a lane is in the countries sheet (lanes may also use ``*``)."""
    problems = []
    for rec in rows_of(tables, "countries"):
        if rec["country"] == "*":
            problems.append(tables.problem("countries", row_number(rec), "country", "'*' is reserved as the wildcard "
                                                                              "of lanes; use a country code"))
    known = known_values(tables, "countries", "country")
    if known is None:
        return problems
    known -= {"*"}
    uses = [("mines", "country"), ("refineries", "country"), ("purifiers", "country"), ("fabs", "country"),
            ("lanes", "from_country"), ("lanes", "to_country")]
    for sheet, column in uses:
        for rec in rows_of(tables, sheet):
            value = rec[column]
            if not is_given(value) or value in known or (sheet == "lanes" and value == "*"):
                continue
            expected = "a country code in countries, or *" if sheet == "lanes" else "not in countries"
            problems.append(tables.problem(sheet, row_number(rec), column, f"unknown country {value!r} ({expected})"))
    return problems


def check_products(tables: InputTables) -> list[Problem]:
    """Every product named in composition, fabs, markets, caps and demand is in the products sheet."""
    problems: list[Problem] = []
    known = known_values(tables, "products", "product")
    if known is None:
        return problems
    starred = ("caps", "disruptions")
    for sheet in ("composition", "fabs", "markets", "caps", "demand", "disruptions", "stockpiles"):
        for rec in rows_of(tables, sheet):
            value = rec.get("product")
            if not is_given(value) or value in known or (sheet in starred and value == "*"):
                continue
            expected = "a product in products, or *" if sheet in starred else "not in products"
            problems.append(tables.problem(sheet, row_number(rec), "product", f"unknown product {value!r} ({expected})"))
    return problems


def check_composition(tables: InputTables) -> list[Problem]:
    """Composition rows name known mines, and each mine's shares sum to at most 1."""
    problems = []
    mines = known_values(tables, "mines", "mine")
    by_mine: dict[object, list[Record]] = defaultdict(list)
    for rec in rows_of(tables, "composition"):
        if not is_given(rec["mine"]):
            continue
        if mines is not None and rec["mine"] not in mines:
            problems.append(tables.problem("composition", row_number(rec), "mine",
                                           f"unknown mine {rec['mine']!r} (not in mines)"))
        by_mine[rec["mine"]].append(rec)
    for mine, recs in by_mine.items():
        total = math.fsum(as_number(r["share"]) for r in recs if is_given(r["share"]))
        if total > 1 + SHARE_TOLERANCE:
            rows = [row_number(r) for r in recs]
            problems.append(tables.problem("composition", rows[0], "share", f"shares of mine {mine!r} sum to "
                                           f"{total:.6g}, more than 1 (rows {joined(rows)})"))
    return problems


def check_fab_supply(tables: InputTables) -> list[Problem]:
    """Every product a fab needs is contained (share > 0) in at least one known mine."""
    mines = known_values(tables, "mines", "mine")
    known = known_values(tables, "products", "product")
    if mines is None or known is None or known_values(tables, "composition", "share") is None:
        return []
    produced = {r["product"] for r in rows_of(tables, "composition")
                if r["mine"] in mines and is_given(r["share"]) and as_number(r["share"]) > 0}
    problems = []
    for rec in rows_of(tables, "fabs"):
        product = rec["product"]
        if is_given(product) and product in known and product not in produced:
            problems.append(tables.problem("fabs", row_number(rec), "product", f"no mine produces product {product!r} "
                                           "(no composition row with share > 0 for it)"))
    return problems


def check_arcs(tables: InputTables) -> list[Problem]:
    """Arcs join existing nodes: mine -> refinery, refinery -> fab, refinery -> purifier or purifier -> fab."""
    kind: dict[object, str] = {}
    for sheet, column, name in (("fabs", "fab", "fab"), ("refineries", "refinery", "refinery"),
                                ("mines", "mine", "mine"), ("purifiers", "purifier", "purifier")):
        nodes = known_values(tables, sheet, column)
        if nodes is None and sheet != "purifiers":
            return []
        kind.update((node, name) for node in nodes or ())
    problems = []
    purifiers = bool(rows_of(tables, "purifiers"))
    names = "mine, refinery, purifier or fab" if purifiers else "mine, refinery or fab"
    runs = ("mine -> refinery, refinery -> fab, refinery -> purifier or purifier -> fab" if purifiers
            else "mine -> refinery or refinery -> fab")
    for rec in rows_of(tables, "arcs"):
        ends = {}
        for column in ("from", "to"):
            node = rec[column]
            if is_given(node) and node not in kind:
                problems.append(tables.problem("arcs", row_number(rec), column, f"unknown node {node!r} (not a "
                                               f"{names})"))
            elif is_given(node):
                ends[column] = kind[node]
        if len(ends) == 2 and (ends["from"], ends["to"]) not in ARC_KINDS:
            problems.append(tables.problem("arcs", row_number(rec), "to", f"arc from {ends['from']} {rec['from']!r} to "
                                           f"{ends['to']} {rec['to']!r} is not allowed: arcs run {runs}"))
    return problems


def check_builds(tables: InputTables) -> list[Problem]:
    """A lumpy build has a size (max_new_tpa > 0) and its minimum build does not exceed it."""
    problems = []
    for rec in rows_of(tables, "refineries"):
        if rec["build"] != "lumpy":
            continue
        largest, smallest = rec["max_new_tpa"], rec["min_build_tpa"]
        if is_given(largest) and as_number(largest) <= 0:
            problems.append(tables.problem("refineries", row_number(rec), "max_new_tpa", "a lumpy build needs "
                                           f"max_new_tpa > 0, got {format_number(as_number(largest))}"))
        elif is_given(largest) and is_given(smallest) and as_number(smallest) > as_number(largest):
            problems.append(tables.problem("refineries", row_number(rec), "min_build_tpa", "must be <= max_new_tpa ("
                                           f"{format_number(as_number(largest))}), got "
                                           f"{format_number(as_number(smallest))}"))
    return problems


def check_caps(tables: InputTables) -> list[Problem]:
    """A cap's supplier is a country or a bloc; its importer is a country, a bloc or ``*``."""
    countries = known_values(tables, "countries", "country")
    blocs = known_values(tables, "countries", "bloc") or set()
    problems: list[Problem] = []
    if countries is None:
        return problems
    for rec in rows_of(tables, "caps"):
        for column in ("supplier", "importer"):
            value = rec[column]
            if not is_given(value) or value in countries or value in blocs or (column == "importer" and value == "*"):
                continue
            star = ", or *" if column == "importer" else ""
            problems.append(tables.problem("caps", row_number(rec), column, f"unknown {column} {value!r} (not a country "
                                           f"code or bloc label in countries{star})"))
    return problems


def check_demand(tables: InputTables) -> list[Problem]:
    """Per-period demand names a known fab, one of its products, and a period of the periods sheet."""
    records = rows_of(tables, "demand")
    if not records:
        return []
    problems = []
    periods = {as_number(p) for p in column_values(tables, "periods", "period")}
    if not periods:
        problems.append(tables.problem("demand", None, None, "per-period demand needs a periods sheet "
                                                             "listing the years"))
    fab_products: dict[object, list[object]] = defaultdict(list)
    for rec in rows_of(tables, "fabs"):
        if is_given(rec["fab"]) and is_given(rec["product"]):
            fab_products[rec["fab"]].append(rec["product"])
    first: dict[tuple[object, object, float], int] = {}
    for rec in records:
        fab, product, period = rec["fab"], rec["product"], rec["period"]
        row = row_number(rec)
        if is_given(period) and periods and as_number(period) not in periods:
            problems.append(tables.problem("demand", row, "period", f"period {format_number(as_number(period))} is "
                                           f"not in periods ({joined(format_number(p) for p in sorted(periods))})"))
        if not is_given(fab):
            continue
        if fab not in fab_products and known_values(tables, "fabs", "fab") is not None:
            problems.append(tables.problem("demand", row, "fab", f"unknown fab {fab!r} (not in fabs)"))
            continue
        if fab not in fab_products:
            continue
        products = fab_products[fab]
        if not is_given(product):
            if len(products) > 1:
                problems.append(tables.problem("demand", row, "product", f"blank, but fab {fab!r} uses several "
                                               f"products ({joined(products)}): name one"))
                continue
            product = products[0]
        elif product not in products:
            problems.append(tables.problem("demand", row, "product", f"fab {fab!r} has no fabs row for product "
                                           f"{product!r}"))
            continue
        if is_given(period):
            key = (fab, product, as_number(period))
            if key in first:
                problems.append(tables.problem("demand", row, None, f"duplicate demand for fab {fab!r}, product "
                                               f"{product!r}, period {format_number(key[2])}: already on row "
                                               f"{first[key]}"))
            first.setdefault(key, row)
    return problems


def check_parameters(tables: InputTables) -> list[Problem]:
    """Parameter names are known; numeric ones hold numbers; the discount rate is in [0, 1)."""
    problems = []
    for rec in rows_of(tables, "parameters"):
        name, value = rec["name"], rec["value"]
        if not is_given(name):
            continue
        if name not in PARAMETERS:
            problems.append(tables.problem("parameters", row_number(rec), "name", f"unknown parameter {name!r} "
                                           f"(known: {joined(sorted(PARAMETERS))})"))
            continue
        if name not in NUMERIC_PARAMETERS or not is_given(value):
            continue
        number, message = parse_number(value)
        if number is None:
            problems.append(tables.problem("parameters", row_number(rec), "value", f"{name}: {message}"))
        elif name == "discount_rate" and not 0 <= number < 1:
            problems.append(tables.problem("parameters", row_number(rec), "value", "discount_rate must be >= 0 and < 1,"
                                           f" got {format_number(number)}"))
        elif name in ("default_unmet_penalty_usd_per_t", "default_disruption_penalty_usd_per_t",
                      "disruption_value_per_wafer_start_usd") and number < 0:
            problems.append(tables.problem("parameters", row_number(rec), "value", f"{name} must be >= 0, got "
                                           f"{format_number(number)}"))
    return problems


def check_disruptions(tables: InputTables) -> list[Problem]:
    """Disruptions and stockpiles: see :mod:`optimizer.io.validate_disruptions`."""
    return disruption_problems(tables)


def check_stockpiles(tables: InputTables) -> list[Problem]:
    """A stockpile's holder is a country or a bloc with a fab that uses its product."""
    return stockpile_problems(tables)


def check_uncertainty(tables: InputTables) -> list[Problem]:
    """Every ``uncertainty`` row names a parameter that can be sampled and a distribution with sound arguments."""
    from optimizer.scenarios.uncertainty import distributions  # the sampler owns what can be sampled

    return distributions(tables)[1]


CHECKS: tuple[Callable[[InputTables], list[Problem]], ...] = (
    check_required_rows, check_duplicate_keys, check_node_ids, check_wafer_pools, check_countries, check_products,
    check_composition, check_fab_supply, check_arcs, check_builds, check_caps, check_periods, check_cap_periods,
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

