"""Turn validated input tables into :class:`ModelData`: resolve lanes into arcs, periods, demand and caps.

This module trusts its input (it runs after :func:`optimizer.io.validate.validate_tables` found nothing); it only
applies the documented semantics, so the model never has to look at a table again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from optimizer.io.data import (
    Arc,
    Expansion,
    Market,
    Mine,
    ModelData,
    ProductLine,
    Purifier,
    Refinery,
    Stockpile,
    SupplyDisruption,
    Upgrade,
    _frozen,
)
from optimizer.io.read import parse_number
from optimizer.io.schema import NUMERIC_PARAMETERS, PARAMETERS
from optimizer.io.tables import ROW, InputTables

WILDCARD = "*"
Record = dict[str, Any]


def _records(tables: InputTables, sheet: str) -> list[Record]:
    frame = tables.get(sheet)
    return [] if frame is None else frame.to_dict("records")  # type: ignore[return-value]


def _opt(value: Any) -> float | None:
    """A number, or None for a blank (NaN) cell."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


# --- lanes and arcs ------------------------------------------------------------------------------------------


def lane_for(lanes: dict[tuple[str, str], Record], origin: str, destination: str) -> Record | None:
    """The lanes row that applies to goods moving from ``origin`` to ``destination`` (country codes).

    The most specific row wins: exact from and to, then exact from with ``*`` to, then ``*`` from with exact to,
    then ``*``, ``*``.  None if no row matches.
    """
    for key in ((origin, destination), (origin, WILDCARD), (WILDCARD, destination), (WILDCARD, WILDCARD)):
        if key in lanes:
            return lanes[key]
    return None


def resolve_arcs(tables: InputTables, origins: dict[str, str],
                 destinations: dict[str, str]) -> dict[tuple[str, str], Arc]:
    """Usable arcs from ``origins`` to ``destinations`` (node -> country), from the lanes then the arcs sheet.

    A lane makes an arc between every pair of nodes whose countries it matches, unless it is blocked; its cost is
    freight plus tariff.  An ``arcs`` row then decides its node pair: blocked removes the arc; otherwise the arc
    exists with the row's cost (or the matching lane's freight, 0 without one) plus the matching lane's tariff,
    and the row's ``max_t``.  ``Arc.tariff_usd_per_t`` records the tariff part.  A blocked lane still lends its freight and tariff to an ``arcs`` row that opens it.
    """
    lanes = {(r["from_country"], r["to_country"]): r for r in _records(tables, "lanes")}
    arcs: dict[tuple[str, str], Arc] = {}
    for origin, origin_country in origins.items():
        for destination, destination_country in destinations.items():
            lane = lane_for(lanes, origin_country, destination_country)
            if lane is not None and not lane["blocked"]:
                tariff = float(lane["tariff_usd_per_t"])
                arcs[origin, destination] = Arc(float(lane["cost_usd_per_t"]) + tariff, None, tariff)
    for row in _records(tables, "arcs"):
        pair = (row["from"], row["to"])
        if pair[0] not in origins or pair[1] not in destinations:
            continue  # the row belongs to the other stage
        if row["blocked"]:
            arcs.pop(pair, None)
            continue
        lane = lane_for(lanes, origins[pair[0]], destinations[pair[1]])
        freight = _opt(row["cost_usd_per_t"])
        if freight is None:
            freight = float(lane["cost_usd_per_t"]) if lane is not None else 0.0
        tariff = float(lane["tariff_usd_per_t"]) if lane is not None else 0.0
        arcs[pair] = Arc(freight + tariff, _opt(row["max_t"]), tariff)
    return dict(sorted(arcs.items()))


# --- the rest ------------------------------------------------------------------------------------------------


def _parameters(tables: InputTables) -> dict[str, object]:
    """Every known parameter: the sheet's value (numbers as float, whole years as int), else its default."""
    values = {name: default for name, (default, _) in PARAMETERS.items()}
    for row in _records(tables, "parameters"):
        name, value = row["name"], row["value"]
        if name not in PARAMETERS:
            continue
        if name in NUMERIC_PARAMETERS:
            number, _ = parse_number(value)
            values[name] = int(number) if name == "currency_year" and number is not None and number.is_integer() \
                else number
        else:
            values[name] = value
    return values


def _periods(tables: InputTables) -> tuple[tuple[int, ...], dict[int, float], bool]:
    rows = _records(tables, "periods")
    if tables.get("periods") is None or not rows:
        return (0,), {0: 1.0}, False
    weights = {int(r["period"]): float(r["years_represented"]) for r in rows}
    return tuple(sorted(weights)), dict(sorted(weights.items())), True


def _year(value: Any) -> int | None:
    number = _opt(value)
    return None if number is None else int(number)


def _first_seen(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def expansion(r: Record, unit: str) -> Expansion:
    """A row's build columns (``max_new_<unit>``, ``min_build_<unit>`` and the shared ones)."""
    return Expansion(float(r[f"max_new_{unit}"]), float(r["capex_usd_per_tpa"]), float(r["fixed_capex_usd"]),
                     float(r[f"min_build_{unit}"]), r["build"], float(r["lifetime_yr"]), float(r["lead_time_yr"]),
                     _year(r["earliest_online_year"]))


def model_data_from_tables(tables: InputTables) -> ModelData:
    """Build the frozen :class:`ModelData` from tables that passed validation.

    Parameters
    ----------
    tables : the input, as read by :func:`optimizer.io.read.read_input` and checked by
        :func:`optimizer.io.validate.validate_tables`.

    Returns
    -------
    ModelData
        Sets and parameters in input order (arcs sorted by node pair), ``rows`` naming each input row.
    """
    rows: dict[tuple[str, ...], int] = {}
    countries = _records(tables, "countries")
    country_bloc = {r["country"]: r["bloc"] for r in countries}
    country_name = {r["country"]: r["name"] for r in countries}
    products = tuple(_first_seen(r["product"] for r in _records(tables, "products")))

    mines: dict[str, Mine] = {}
    for r in _records(tables, "mines"):
        mines[r["mine"]] = Mine(r["country"], float(r["capacity_t"]), float(r["cost_usd_per_t"]), expansion(r, "t"),
                                _year(r["retire_year"]))
        rows["mines", r["mine"]] = r[ROW]
    refineries: dict[str, Refinery] = {}
    for r in _records(tables, "refineries"):
        refineries[r["refinery"]] = Refinery(
            r["country"], float(r["capacity_tpa"]), float(r["opex_usd_per_t"]), float(r["recovery"]),
            max_new_tpa=float(r["max_new_tpa"]), capex_usd_per_tpa=float(r["capex_usd_per_tpa"]),
            fixed_capex_usd=float(r["fixed_capex_usd"]), min_build_tpa=float(r["min_build_tpa"]),
            build=r["build"], lifetime_yr=float(r["lifetime_yr"]), lead_time_yr=float(r["lead_time_yr"]),
            fab_grade_max_t=_opt(r["fab_grade_max_t"]), retire_year=_year(r["retire_year"]),
            earliest_online_year=_year(r["earliest_online_year"]))
        rows["refineries", r["refinery"]] = r[ROW]

    composition: dict[tuple[str, str], float] = {}
    for r in _records(tables, "composition"):
        rows["composition", r["mine"], r["product"]] = r[ROW]
        if float(r["share"]) > 0:
            composition[r["mine"], r["product"]] = float(r["share"])

    parameters = _parameters(tables)
    default_penalty = parameters.get("default_unmet_penalty_usd_per_t")
    periods, years_represented, multi_period = _periods(tables)
    fab_country: dict[str, str] = {}
    fab_products: list[tuple[str, str]] = []
    demand_t: dict[tuple[str, str, int], float] = {}
    penalty: dict[tuple[str, str], float | None] = {}
    wafer_starts: dict[tuple[str, str], float] = {}
    wafer_pool: dict[str, str] = {}
    wafer_value: dict[tuple[str, str], float] = {}
    for r in _records(tables, "fabs"):
        fab, product = r["fab"], r["product"]
        fab_country.setdefault(fab, r["country"])
        fab_products.append((fab, product))
        rows["fabs", fab, product] = r[ROW]
        for t in periods:
            demand_t[fab, product, t] = float(r["demand_t"])
        own = _opt(r["unmet_penalty_usd_per_t"])
        wafers, value = _opt(r["wafer_starts_per_t"]), _opt(r["value_per_wafer_start_usd"])
        if wafers is not None:
            wafer_starts[fab, product] = wafers
        pool = r.get("wafer_pool")
        if isinstance(pool, str) and pool.strip():
            wafer_pool.setdefault(fab, pool.strip())
        if own is None and wafers is not None and value is not None:
            own = wafers * value  # a tonne short stops the wafer starts it serves
            wafer_value[fab, product] = value
        penalty[fab, product] = own if own is not None else _opt(default_penalty)
    products_of: dict[str, list[str]] = {}
    for fab, product in fab_products:
        products_of.setdefault(fab, []).append(product)
    for r in _records(tables, "demand"):
        product = r["product"] if isinstance(r["product"], str) else products_of[r["fab"]][0]
        demand_t[r["fab"], product, int(r["period"])] = float(r["demand_t"])
        rows["demand", r["fab"], product, str(int(r["period"]))] = r[ROW]

    mine_arcs = resolve_arcs(tables, {m: v.country for m, v in mines.items()},
                             {k: v.country for k, v in refineries.items()})
    fab_arcs = resolve_arcs(tables, {k: v.country for k, v in refineries.items()}, fab_country)
    for r in _records(tables, "lanes"):
        rows["lanes", r["from_country"], r["to_country"]] = r[ROW]
    for r in _records(tables, "arcs"):
        rows["arcs", r["from"], r["to"]] = r[ROW]

    markets: dict[str, Market] = {}
    sellers: dict[str, str] = {}
    for r in _records(tables, "markets"):
        market = r["market"] if isinstance(r["market"], str) and r["market"] else r["product"]
        markets[market] = Market(float(r["price_usd_per_t"]), _opt(r["max_t"]), r["product"])
        sellers[market] = r["sellers"] if isinstance(r["sellers"], str) and r["sellers"] else "*"
        rows["markets", market] = r[ROW]

    data = ModelData(
        country_bloc=_frozen(country_bloc), country_name=_frozen(country_name), products=products,
        mines=_frozen(mines), refineries=_frozen(refineries), composition=_frozen(composition),
        fab_country=_frozen(fab_country), fab_products=tuple(fab_products), demand_t=_frozen(demand_t),
        unmet_penalty_usd_per_t=_frozen(penalty), mine_arcs=_frozen(mine_arcs), fab_arcs=_frozen(fab_arcs),
        caps=_frozen({}), markets=_frozen(markets), periods=periods,
        years_represented=_frozen(years_represented), multi_period=multi_period,
        discount_rate=float(parameters["discount_rate"]),  # type: ignore[arg-type]
        parameters=_frozen(parameters), wafer_starts_per_t=_frozen(wafer_starts),
        wafer_pool=_frozen(wafer_pool), wafer_value_usd=_frozen(wafer_value),
        source=str(tables.source), sha256=tables.sha256,
    )
    data = replace(data, markets=_frozen({k: replace(v, sellers=data.sellers_of(sellers[k]))
                                          for k, v in markets.items()}))
    caps = {}
    shares: dict[str, dict[int, float]] = {}
    for r in _records(tables, "caps"):
        # The rows of one cap share its scope (validated); a blank period gives the share of every other period.
        cap = r["cap"]
        period = _year(r["period"])
        if cap not in caps:
            caps[cap] = data.make_cap(r["supplier"], r["stage"].lower(), 1.0, r["product"], r["importer"])
            rows["caps", cap] = r[ROW]
        if period is None:
            caps[cap] = replace(caps[cap], max_share=float(r["max_share"]))
            rows["caps", cap] = r[ROW]
        else:
            shares.setdefault(cap, {})[period] = float(r["max_share"])
            rows["caps", cap, str(period)] = r[ROW]
    for cap, by_period in shares.items():
        caps[cap] = replace(caps[cap], by_period=tuple(sorted(by_period.items())))
    data = _chain(tables, data, rows)  # before the disruptions, whose removals may name purifiers
    disruptions = {}
    for r in _records(tables, "disruptions"):
        disruptions[r["disruption"]] = _disruption(data, r)
        rows["disruptions", r["disruption"]] = r[ROW]
    stockpiles = {}
    for r in _records(tables, "stockpiles"):
        holders = data.countries_of(r["holder"])
        fabs = frozenset(f for f, p in data.fab_products if p == r["product"] and data.fab_country[f] in holders)
        stockpiles[r["stockpile"]] = Stockpile(r["holder"], r["product"], float(r["holding_usd_per_t_yr"]),
                                               float(r["replenish_usd_per_t"]), _opt(r["max_t"]), fabs)
        rows["stockpiles", r["stockpile"]] = r[ROW]
    # Caps and disruptions resolve their scope against the finished data, so they are added last.
    return replace(data.with_caps(caps), disruptions=_frozen(disruptions), stockpiles=_frozen(stockpiles),
                   rows=_frozen({k: int(v) for k, v in rows.items()}))


def _chain(tables: InputTables, data: ModelData, rows: dict[tuple[str, ...], int]) -> ModelData:
    """``data`` with the v3 chain sheets: purifiers (and their arcs) and product slates."""
    purifiers: dict[str, Purifier] = {}
    for r in _records(tables, "purifiers"):
        purifiers[r["purifier"]] = Purifier(r["country"], float(r["capacity_t"]), float(r["opex_usd_per_t"]),
                                            float(r["recovery"]), expansion(r, "t"), _year(r["retire_year"]))
        rows["purifiers", r["purifier"]] = r[ROW]
    purifier_country = {k: v.country for k, v in purifiers.items()}
    purify_arcs = resolve_arcs(tables, {k: v.country for k, v in data.refineries.items()}, purifier_country) \
        if purifiers else {}
    purified_arcs = resolve_arcs(tables, purifier_country, dict(data.fab_country)) if purifiers else {}
    lines = {}
    for r in _records(tables, "refinery_products"):
        lines[r["refinery"], r["product"]] = ProductLine(_opt(r["recovery"]), _opt(r["max_t"]),
                                                         _opt(r["fab_grade_max_t"]), _year(r["online_year"]))
        rows["refinery_products", r["refinery"], r["product"]] = r[ROW]
    upgrades: dict[str, Upgrade] = {}
    for r in _records(tables, "upgrades"):
        upgrades[r["upgrade"]] = Upgrade(r["refinery"], r["product"], expansion(r, "t"))
        rows["upgrades", r["upgrade"]] = r[ROW]
        slated = any(k[0] == r["refinery"] for k in lines)
        if slated and (r["refinery"], r["product"]) not in lines:  # a new line: it makes what is built
            lines[r["refinery"], r["product"]] = ProductLine(None, 0.0, 0.0, None, by_upgrade=True)
    return replace(data, refinery_products=_frozen(lines), purifiers=_frozen(purifiers), upgrades=_frozen(upgrades),
                   purify_arcs=_frozen(purify_arcs), purified_arcs=_frozen(purified_arcs))


def removal_items(text: Any) -> list[str]:
    """The items of a ``removes`` cell: ``;``-separated, blanks dropped."""
    return [item.strip() for item in text.split(";") if item.strip()] if isinstance(text, str) else []


def _disruption(data: ModelData, r: Record) -> SupplyDisruption:
    supplier = r["supplier"] if isinstance(r["supplier"], str) else ""
    scope = data.make_cap(supplier, str(r["stage"]).lower(), 0.0, r["product"], r["importer"])  # type: ignore[arg-type]
    if not supplier:
        scope = replace(scope, supplier_countries=frozenset())
    nodes: set[str] = set()
    lanes: set[tuple[str, str]] = set()
    for item in removal_items(r["removes"]):
        if ">" in item:
            a, _, b = (x.strip() for x in item.partition(">"))
            lanes.add((a, b))
        elif item in data.country_bloc:
            nodes |= {k for k, v in data.mines.items() if v.country == item}
            nodes |= {k for k, v in data.refineries.items() if v.country == item}
            nodes |= {k for k, v in data.purifiers.items() if v.country == item}
        else:
            nodes.add(item)
    period = _opt(r["period"])
    return SupplyDisruption(scope, _opt(r["probability_per_yr"]), float(r["duration_months"]),
                            None if period is None else int(period), frozenset(nodes), frozenset(lanes))
