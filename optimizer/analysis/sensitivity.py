"""One-at-a-time sensitivity: how far the answer moves when each uncertain input goes to its low and its high value.

The answer is the cost of the caps (total cost with the caps less the cost of the same input without them, US$/yr),
with the total cost and China's uncapped share beside it.  Each *range* names one or more parameters (the names of
the ``uncertainty`` sheet, :mod:`optimizer.scenarios.uncertainty`: ``demand``, ``capex``, ``market_price:ID``,
``refinery_capacity:ID``, ...) and a low and a high value that all of them take together; every other input stays at
its base.  Ranges come from the input's ``uncertainty`` sheet (each distribution's 10th and 90th percentiles:
``uniform`` and ``triangular`` give their low and high ends) or from a TOML file::

    [[range]]
    name = "wafer intensity"
    parameters = ["demand"]
    low = 0.325     # multipliers of the input, as the uncertainty sheet's names take them
    high = 1.675
    base = 4.0      # optional: what a multiplier of 1 stands for, so that rows show 1.3 and 6.7, not 0.325
    unit = "g CeO2 per wafer"
    source = "1.3-6.7 g CeO2 per wafer (scripts/build_default_dataset.py) [D]"

The tornado table has one row per range, sorted by *swing* (the spread of the cap's cost over base, low and high;
a range whose low or high has no plan comes first, since it decides whether there is an answer at all).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer import __version__
from optimizer.errors import InputError, Problem
from optimizer.io.tables import InputTables
from optimizer.solver.highs import SolveOptions
from optimizer.solver.measures import caps_cost, period_column
from optimizer.solver.run import CapOverride, apply_cap_overrides, solve_case

Z90 = 1.2815515655446004
"""The standard normal's 90th percentile: normal and lognormal ranges are their 10th and 90th percentiles."""


@dataclass(frozen=True)
class Range:
    """Uncertain parameters that move together to ``low`` and to ``high`` (values as the uncertainty sheet reads them)."""

    name: str
    parameters: tuple[str, ...]
    low: float
    high: float
    source: str = ""
    base: float | None = None  # what a multiplier of 1 stands for, in ``unit`` (e.g. 4.0 g CeO2 per wafer)
    unit: str = ""

    def shown(self, value: float) -> str:
        """``value`` as a reader knows it: ``1.3 g CeO2 per wafer`` where the range gives its base and unit, else
        the parameter's value itself (a multiplier for most); start shifts as ``2 years late``, ``1 year early``."""
        from optimizer.scenarios.uncertainty import is_start_shift

        if self.base is None and all(is_start_shift(p) for p in self.parameters):
            n = abs(int(value))
            return "on time" if n == 0 else f"{n} year{'s' if n > 1 else ''} {'late' if value > 0 else 'early'}"
        if self.base is None:
            return f"{value:g}" + (f" {self.unit}" if self.unit else "")
        return _significant(value * self.base) + (f" {self.unit}" if self.unit else "")


def _significant(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, with thousands separators and no exponent: 20,000, 1.3, 8,998."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    shown = f"{round(x, decimals):,.{decimals}f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


@dataclass(frozen=True)
class Point:
    """One solved case: the base, or one range at one end."""

    value: float | None
    status: str
    objective_usd: float | None = None
    cap_cost_usd: float | None = None
    china_share_uncapped: dict[int, float] = field(default_factory=dict)  # period -> share, without the caps

    @property
    def usable(self) -> bool:
        return self.objective_usd is not None


@dataclass
class Tornado:
    """The base case and, per range, its low and high case."""

    base: Point
    rows: list[tuple[Range, Point, Point]] = field(default_factory=list)
    input: dict[str, Any] = field(default_factory=dict)  # the base input's source and sha256
    multi_period: bool = False  # a pathway: China's share is given per period


def ranges_from_uncertainty(tables: InputTables) -> list[Range]:
    """One range per row of the input's ``uncertainty`` sheet: its distribution's 10th and 90th percentiles.

    Raises
    ------
    InputError
        Rows that cannot be read (the same checks as for sampling).
    """
    from optimizer.scenarios.uncertainty import distributions, is_start_shift

    rows, problems = distributions(tables)
    if problems:
        raise InputError(problems)
    out = []
    for d in rows:
        a = d.args
        if d.distribution == "normal":
            low, high = a[0] - Z90 * a[1], a[0] + Z90 * a[1]
        elif d.distribution == "lognormal":
            low, high = math.exp(a[0] - Z90 * a[1]), math.exp(a[0] + Z90 * a[1])
        else:  # uniform (low, high), triangular (low, mode, high)
            low, high = a[0], a[-1]
        if is_start_shift(d.parameter):  # whole years, as draws are
            low, high = round(low) + 0.0, round(high) + 0.0  # + 0.0: no -0
        out.append(Range(d.parameter, (d.parameter,), low, high, f"uncertainty sheet row {d.row}"))
    return out


def ranges_from_toml(path: Path) -> list[Range]:
    """The ``[[range]]`` entries of a TOML file (see the module docstring).

    Raises
    ------
    InputError
        A missing or malformed entry, named by file and entry number.
    """
    from optimizer.scenarios.scenario import read_toml
    from optimizer.scenarios.uncertainty import is_start_shift, parameter_override

    doc = read_toml(Path(path))
    entries = doc.get("range")
    if not isinstance(entries, list) or not entries:
        raise InputError([Problem(str(path), "expected [[range]] entries with name, parameters, low and high")])
    out, problems = [], []
    for n, entry in enumerate(entries, start=1):
        where = f"{path}, range {n}"
        if not isinstance(entry, dict):
            problems.append(Problem(where, "expected a table"))
            continue
        params = entry.get("parameters")
        if isinstance(params, str):
            params = [params]
        low, high = entry.get("low"), entry.get("high")
        if not isinstance(params, list) or not params or not all(isinstance(p, str) for p in params):
            problems.append(Problem(where, "parameters: expected a list of parameter names"))
            continue
        if not (isinstance(low, (int, float)) and isinstance(high, (int, float))) or isinstance(low, bool) \
                or isinstance(high, bool):
            problems.append(Problem(where, "low and high: expected numbers"))
            continue
        try:
            for p in params:
                parameter_override(p, 1.0, products=None)
        except ValueError as err:
            problems.append(Problem(where, str(err)))
            continue
        shifts = [p for p in params if is_start_shift(p)]
        if shifts and (low != int(low) or high != int(high)):
            problems.append(Problem(where, f"{shifts[0]}: a start moves by a whole number of years, got low = "
                                           f"{low:g}, high = {high:g}"))
            continue
        base, unit = entry.get("base"), entry.get("unit", "")
        if base is not None and (isinstance(base, bool) or not isinstance(base, (int, float))):
            problems.append(Problem(where, "base: expected a number (what a multiplier of 1 stands for)"))
            continue
        out.append(Range(str(entry.get("name") or "+".join(params)), tuple(params), float(low), float(high),
                         str(entry.get("source", "")), None if base is None else float(base), str(unit)))
    if problems:
        raise InputError(problems)
    return out


def _products(tables: InputTables) -> tuple[str, ...]:
    frame = tables.get("products")
    return tuple(frame["product"]) if frame is not None else ()


def _layers(r: Range, value: float, products: tuple[str, ...]) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    from optimizer.scenarios.uncertainty import merge, parameter_override

    doc: dict[str, Any] = {}
    for p in r.parameters:
        merge(doc, parameter_override(p, value, products))
    return ((f"sensitivity {r.name!r} = {value:g}", doc),)


def check_ranges(tables: InputTables, ranges: Iterable[Range]) -> None:
    """Apply every range at its low and its high value to ``tables`` and validate the result, without solving, so
    that a bad range (an unknown id, a shift that moves nothing) is reported before any solve.

    Raises
    ------
    InputError
        Every problem of every range's end, each named by the range and value.
    """
    from optimizer.scenarios.scenario import build_case

    products = _products(tables)
    problems: list[Problem] = []
    for r in ranges:
        for value in dict.fromkeys((r.low, r.high)):
            try:
                build_case(tables, _layers(r, value, products))
            except InputError as err:
                problems += err.problems
            except ValueError as err:  # a <product>_price name for a product the input lacks
                problems.append(Problem(f"sensitivity {r.name!r}", str(err)))
    if problems:
        raise InputError(problems)


def solve_point(tables: InputTables, layers: tuple[tuple[str, Mapping[str, Any]], ...], value: float | None,
                caps: Iterable[CapOverride], options: SolveOptions | None) -> Point:
    """Solve ``tables`` with ``layers`` applied and measure the cap's cost against the same input uncapped."""
    from optimizer.scenarios.scenario import build_case

    data = apply_cap_overrides(build_case(tables, layers).data, list(caps))
    run = solve_case(data, options, baseline=True, marginals=False)
    if not run.ok:
        return Point(value, str(run.result.outcome))
    objective = run.result.objective_usd
    free = run.uncapped["objective_usd"] if run.uncapped else objective
    shares = run.uncapped["china_share"] if run.uncapped else run.china_share
    measured = caps_cost(data, objective, free) if data.caps else None
    cost = None if objective is None or free is None else (measured.pv_usd if measured else objective - free)
    return Point(value, str(run.result.outcome), objective, cost, dict(shares))


def run_sensitivity(tables: InputTables, ranges: list[Range], caps: Iterable[CapOverride] = (),
                    options: SolveOptions | None = None,
                    on_point: Callable[[Range | None, Point], None] | None = None) -> Tornado:
    """Solve the base case and each range at its low and high value (``on_point`` is told of each as it is solved).

    Raises
    ------
    InputError
        A range whose override makes the input invalid (named by the range).
    """
    from optimizer.scenarios.scenario import build_case

    caps = list(caps)
    products = _products(tables)
    base_data = build_case(tables).data
    check_ranges(tables, ranges)
    base = solve_point(tables, (), None, caps, options)
    if on_point:
        on_point(None, base)
    tornado = Tornado(base, input={"source": base_data.source, "sha256": base_data.sha256},
                      multi_period=base_data.multi_period)
    for r in ranges:
        ends = []
        for value in (r.low, r.high):
            p = solve_point(tables, _layers(r, value, products), value, caps, options)
            ends.append(p)
            if on_point:
                on_point(r, p)
        tornado.rows.append((r, ends[0], ends[1]))
    return tornado


def swing(base: Point, low: Point, high: Point) -> float:
    """The spread of the cap's cost over base, low and high (US$/yr); infinite when an end has no plan."""
    costs = [p.cap_cost_usd for p in (base, low, high)]
    if any(c is None for c in costs):
        return math.inf
    known = [c for c in costs if c is not None]
    return max(known) - min(known)


def tornado_table(tornado: Tornado) -> pd.DataFrame:
    """One row per range, sorted by swing (largest first; ties keep the order of the ranges)."""
    b = tornado.base
    rows = []
    periods = sorted({t for _, lo, hi in tornado.rows for p in (lo, hi) for t in p.china_share_uncapped})
    multi = tornado.multi_period
    for r, low, high in tornado.rows:
        rows.append({
            "range": r.name, "parameters": " ".join(r.parameters), "low": r.shown(r.low), "high": r.shown(r.high),
            "low_value": r.low, "high_value": r.high,
            "base_cap_cost_usd": b.cap_cost_usd, "low_cap_cost_usd": low.cap_cost_usd,
            "high_cap_cost_usd": high.cap_cost_usd, "swing_usd": swing(b, low, high),
            "low_status": low.status, "high_status": high.status,
            "base_objective_usd": b.objective_usd, "low_objective_usd": low.objective_usd,
            "high_objective_usd": high.objective_usd,
            **{period_column(f"{end}_china_share_uncapped", t, multi): p.china_share_uncapped.get(t)
               for end, p in (("low", low), ("high", high)) for t in periods},
            "source": r.source})
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["range", "swing_usd"])
    return frame.sort_values("swing_usd", ascending=False, kind="stable").reset_index(drop=True)


def sensitivity_summary(tornado: Tornado) -> dict[str, Any]:
    """The headline: the cap's cost at the base and its lowest and highest over the ranges' ends."""
    costs = [p.cap_cost_usd for _, lo, hi in tornado.rows for p in (lo, hi) if p.cap_cost_usd is not None]
    base = tornado.base.cap_cost_usd
    no_plan = [f"{r.name}={p.value:g}" for r, lo, hi in tornado.rows for p in (lo, hi) if not p.usable]
    return {"base_cap_cost_usd": base, "base_objective_usd": tornado.base.objective_usd,
            "base_status": tornado.base.status,
            "base_china_share_uncapped": {str(t): round(x, 6) for t, x in tornado.base.china_share_uncapped.items()},
            "cap_cost_min_usd": min(costs + ([base] if base is not None else []), default=None),
            "cap_cost_max_usd": max(costs + ([base] if base is not None else []), default=None),
            "ranges": len(tornado.rows), "ends_without_plan": no_plan, "input": tornado.input,
            "package": {"name": "paxsilica", "version": __version__}}


def read_ranges(input_path: Path, ranges_path: Path | None) -> tuple[InputTables, list[Range], str]:
    """The input's tables, the ranges to solve and where they come from (``paxsilica sensitivity`` and
    ``px.sensitivity``): ``ranges_path``, else the input's ``uncertainty`` sheet, else the shipped
    ``models/sensitivity/<input-name>.toml``.

    Raises
    ------
    InputError
        The input cannot be read, or no ranges are found for it.
    """
    from optimizer.io.read import read_tables
    from optimizer.resources import embedded
    from optimizer.solver.run import input_name

    tables, problems = read_tables(input_path)
    if problems:
        raise InputError(problems)
    if ranges_path is None and tables.get("uncertainty") is None:
        ranges_path = embedded(Path("models") / "sensitivity" / f"{input_name(input_path)}.toml")
        if ranges_path is None:
            raise InputError([Problem(str(input_path), "no uncertainty sheet and no shipped ranges for this "
                                                       "input: give --ranges FILE.toml")])
    ranges = ranges_from_toml(ranges_path) if ranges_path else ranges_from_uncertainty(tables)
    return tables, ranges, str(ranges_path or "uncertainty sheet")


def sensitivity_document(tornado: Tornado, ranges_from: str, caps: Iterable[CapOverride]) -> dict[str, Any]:
    """The ``summary.json`` of a sensitivity run."""
    return {"ranges_from": ranges_from, "caps": [f"{c.supplier}:{c.stage}={c.max_share:g}" for c in caps],
            **sensitivity_summary(tornado)}
