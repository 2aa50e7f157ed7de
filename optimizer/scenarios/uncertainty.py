"""Uncertain inputs: named parameters, their distributions (the ``uncertainty`` sheet) and seeded draws.

A *parameter name* says what a number changes, as a scenario override (see ``models/README.md``):

==========================================  ======================================================================
``market_price[:PRODUCT]``, ``<product>_price``   multiplier of market prices (``ndpr_price`` = ``market_price:NdPr``)
``mine_cost[:SEL]``, ``refinery_opex[:SEL]``     multipliers of mining cost and refining opex
``capex[:SEL]``                                  multiplier of capex per t/yr and fixed capex of candidates
``wafer_value[:SEL]``                            multiplier of fabs' value_per_wafer_start_usd
``start_shift[:SEL]``, ``mine_start_shift[:SEL]`` whole years a project starts late (< 0: early), any kind of site
                                                 or mines only (:mod:`optimizer.scenarios.start_shifts`)
``transport[:SEL]``, ``tariff[:SEL]``           multipliers of lane freight and tariffs
``mine_capacity[:SEL]``, ``refinery_capacity``,  multipliers of capacity_t, capacity_tpa, max_new_tpa, markets' max_t
``new_capacity``, ``market_capacity``
``demand[:SEL]``, ``demand_growth``              multiplier of demand_t
``cap:CAP``                                      a cap's max_share (a share, not a multiplier)
``parameter:NAME``, or a known parameter name     the value of a scalar parameter (e.g. ``discount_rate``)
==========================================  ======================================================================

``SEL`` is a selector as in a scenario's multiplier tables: an id, a country code, a bloc label or ``*`` (the
default); a market's id picks that market alone (``market_price:ndpr_outside``).  Sampled multipliers below 0
are taken as 0, sampled shares are clipped to 0-1 and sampled start shifts are rounded to whole years, so a wide
normal distribution cannot make an input invalid (a start shift given as a number, not drawn, must be whole).

Draws are reproducible: sample ``i`` of seed ``S`` uses ``numpy.random.default_rng([S, i])`` and draws the sheet's
rows in order, so a sample does not depend on which worker runs it or how many samples there are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.errors import Problem
from optimizer.io.read import format_number
from optimizer.io.schema import PARAMETERS
from optimizer.io.tables import ROW, InputTables

_MULTIPLIER_NAMES: dict[str, tuple[str, str]] = {
    "market_price": ("prices", "market_price"),
    "mine_cost": ("prices", "mine_cost"),
    "refinery_opex": ("prices", "refinery_opex"),
    "capex": ("prices", "capex"),
    "transport": ("prices", "transport"),
    "tariff": ("prices", "tariff"),
    "wafer_value": ("prices", "wafer_value"),
    "mine_capacity": ("capacity", "mine"),
    "refinery_capacity": ("capacity", "refinery"),
    "new_capacity": ("capacity", "new"),
    "market_capacity": ("capacity", "market"),
}
SHIFTS = {"start_shift": None, "mine_start_shift": "mines"}  # name -> the one sheet it moves (None: every sheet)
ARGS = {"normal": ("mean", "sd"), "lognormal": ("mean of log", "sd of log"), "uniform": ("low", "high"),
        "triangular": ("low", "mode", "high")}


def parameter_override(name: str, value: float, products: tuple[str, ...] | None = ()) -> dict[str, Any]:
    """The scenario override that sets parameter ``name`` to ``value`` (see the module docstring).

    ``products`` resolves ``<product>_price`` names (case-insensitive); None accepts any product (checking only
    the form of the name).

    Raises
    ------
    ValueError
        For a name that is none of the above.
    """
    kind, _, key = name.partition(":")
    kind = kind.strip()
    key = key.strip() or "*"
    if kind.endswith("_price") and kind != "market_price":
        wanted = kind[: -len("_price")].lower()
        match = [wanted] if products is None else [p for p in products if p.lower() == wanted]
        if not match:
            raise ValueError(f"{name!r}: no product {wanted!r} (products: {', '.join(products or ())})")
        kind, key = "market_price", match[0]
    if kind in _MULTIPLIER_NAMES:
        section, entry = _MULTIPLIER_NAMES[kind]
        return {section: {entry: {key: max(0.0, value)}}}
    if kind in SHIFTS:
        sheet = SHIFTS[kind]
        return {"start_shift": {sheet: {key: value}} if sheet else {key: value}}
    if kind in ("demand", "demand_growth"):
        return {"demand": {key: max(0.0, value)}}
    if kind == "cap" and key != "*":
        return {"caps": {key: min(1.0, max(0.0, value))}}
    if kind == "parameter" and key in PARAMETERS:
        return {"parameters": {key: value}}
    if kind in PARAMETERS and key == "*":
        return {"parameters": {kind: value}}
    raise ValueError(f"unknown parameter {name!r}: expected market_price:PRODUCT, mine_cost, refinery_opex, capex, "
                     "wafer_value, transport, tariff, mine_capacity, refinery_capacity, new_capacity, "
                     "market_capacity, demand, start_shift, mine_start_shift (each with an optional :SELECTOR), "
                     "demand_growth, cap:CAP or parameter:NAME")


def is_start_shift(name: str) -> bool:
    """True if parameter ``name`` moves start years (its values are whole years, not multipliers)."""
    return name.partition(":")[0].strip() in SHIFTS


def merge(into: dict[str, Any], fragment: Mapping[str, Any]) -> dict[str, Any]:
    """Merge nested override tables (later values win)."""
    for key, value in fragment.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value
    return into


@dataclass(frozen=True)
class Distribution:
    """One row of the ``uncertainty`` sheet."""

    parameter: str
    distribution: str
    args: tuple[float, ...]
    row: int

    def draw(self, rng: np.random.Generator) -> float:
        """One value; a start shift's is rounded to whole years."""
        value = self._draw(rng)
        return round(value) + 0.0 if is_start_shift(self.parameter) else value  # + 0.0: no -0

    def _draw(self, rng: np.random.Generator) -> float:
        a = self.args
        if self.distribution == "normal":
            return float(rng.normal(a[0], a[1]))
        if self.distribution == "lognormal":
            return float(rng.lognormal(a[0], a[1]))
        if self.distribution == "uniform":
            return float(rng.uniform(a[0], a[1]))
        return float(rng.triangular(a[0], a[1], a[2]))


def _given(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def distributions(tables: InputTables) -> tuple[list[Distribution], list[Problem]]:
    """The ``uncertainty`` sheet as distributions, with a problem for every row that cannot be sampled."""
    frame = tables.get("uncertainty")
    if frame is None:
        return [], []
    product_frame = tables.get("products")
    products = tuple(product_frame["product"]) if product_frame is not None else ()
    out: list[Distribution] = []
    problems: list[Problem] = []
    for rec in frame.to_dict("records"):
        row, name, kind = int(rec[ROW]), rec["parameter"], rec["distribution"]
        try:
            parameter_override(name, 1.0, products)
        except ValueError as err:
            problems.append(tables.problem("uncertainty", row, "parameter", str(err)))
            continue
        names = ARGS[kind]
        args = tuple(float(rec[f"arg{i + 1}"]) for i in range(len(names)) if _given(rec[f"arg{i + 1}"]))
        if len(args) < len(names):
            problems.append(tables.problem("uncertainty", row, f"arg{len(args) + 1}", f"{kind} needs "
                                           f"{len(names)} arguments ({', '.join(names)})"))
            continue
        message = _check_args(kind, args)
        if message:
            problems.append(tables.problem("uncertainty", row, None, message))
            continue
        out.append(Distribution(name, kind, args, row))
    return out, problems


def _check_args(kind: str, args: tuple[float, ...]) -> str:
    f = format_number
    if kind in ("normal", "lognormal") and args[1] < 0:
        return f"{kind}: the sd (arg2) must be >= 0, got {f(args[1])}"
    if kind == "uniform" and args[0] > args[1]:
        return f"uniform: low (arg1) must be <= high (arg2), got {f(args[0])} > {f(args[1])}"
    if kind == "triangular" and not args[0] <= args[1] <= args[2]:
        return f"triangular: needs low <= mode <= high (arg1 <= arg2 <= arg3), got {', '.join(f(a) for a in args)}"
    return ""


def draw_sample(rows: list[Distribution], seed: int, index: int) -> dict[str, float]:
    """Sample ``index`` of ``seed``: one value per row, in the sheet's order."""
    rng = np.random.default_rng([seed, index])
    return {d.parameter: d.draw(rng) for d in rows}


def sample_override(draws: Mapping[str, float], products: tuple[str, ...] | None) -> dict[str, Any]:
    """The scenario override of one sample's draws."""
    doc: dict[str, Any] = {}
    for name, value in draws.items():
        merge(doc, parameter_override(name, value, products))
    return doc
