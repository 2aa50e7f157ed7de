"""Solve one case end to end: data -> model -> HiGHS -> result tables and summary.

The CLI's ``solve`` and later capabilities (sweeps, batches) call :func:`solve_case`; nothing here prints.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer import __version__
from optimizer.errors import InputError, Problem
from optimizer.io.data import ModelData
from optimizer.io.schema import parse_stage_share
from optimizer.model import build_model
from optimizer.model.objective import horizon_end
from optimizer.resources import default_input
from optimizer.solver.checks import check_solution
from optimizer.solver.headline import headline
from optimizer.solver.highs import HighsProgram, Outcome, SolveOptions, SolveResult
from optimizer.solver.marginals import measure_cap_marginals, solve_uncapped
from optimizer.solver.measures import china_reference, china_share
from optimizer.solver.money import money_column
from optimizer.solver.results import (
    CapRealised,
    builds_table,
    caps_realised,
    costs_table,
    dependence_table,
    duals_table,
    flows_table,
    supply_table,
    unmet_demand,
)
from optimizer.solver.risk import risk_summary, risk_table
from optimizer.solver.two_stage import disrupted_unmet, disruptions_table, stockpiles_table, two_stage_summary
from optimizer.solver.values import SolvedValues
from optimizer.solver.wafers import wafer_starts_table

_CAP_RE = re.compile(r"^\s*(?P<supplier>[^:@=\s]+)\s*(?::\s*(?P<stage>\w+))?\s*(?:@\s*(?P<period>[^=\s]+))?\s*"
                     r"=\s*(?P<share>[^\s]+)\s*$")


def input_name(path: Path) -> str:
    """The name results are filed under: ``inputs/example`` -> ``example``, ``case.xlsx`` -> ``case``."""
    path = Path(path).resolve()  # ``.`` or ``..`` would name no folder (and ``..`` a folder above)
    name = path.stem if path.suffix else path.name
    # The name becomes a folder: keep it to letters, digits and _ . = + -, never a dot first.
    return re.sub(r"[^A-Za-z0-9_.=+-]", "_", name).lstrip(".") or "input"


@dataclass(frozen=True)
class CapOverride:
    """``--cap SUPPLIER[:STAGE][@PERIOD]=SHARE``: all products, every fab; in one period or in all of them."""

    supplier: str
    stage: str
    max_share: float
    period: int | None = None

    @classmethod
    def parse(cls, text: str) -> CapOverride:
        match = _CAP_RE.match(text)
        if not match:
            raise ValueError(f"--cap {text!r}: expected SUPPLIER:STAGE=SHARE or SUPPLIER:STAGE@YEAR=SHARE, e.g. "
                             "CHN:any=0.2 or CHN:any@2030=0.5")
        stage, share = parse_stage_share(f"--cap {text!r}", match["stage"] or "any", match["share"])
        period = None
        if match["period"] is not None:
            if not match["period"].isdigit():
                raise ValueError(f"--cap {text!r}: the period after @ must be a year, got {match['period']!r}")
            period = int(match["period"])
        return cls(match["supplier"], stage, share, period)


def apply_cap_overrides(data: ModelData, overrides: list[CapOverride]) -> ModelData:
    """Replace the share of a matching whole-scope cap (same supplier and stage), or add a new cap.

    An override for one period sets that period's share and keeps the others; a new cap made for one period
    holds in that period only (100% elsewhere).  Without a period, the share holds in every period.
    """
    caps = dict(data.caps)
    given: dict[tuple[str, str, int | None], float] = {}
    for o in overrides:
        key = (o.supplier, o.stage, o.period)
        if key in given and given[key] != o.max_share:
            what = f"{o.supplier}:{o.stage}" + (f"@{o.period}" if o.period is not None else "")
            raise InputError([Problem("--cap", f"{what} is given twice, with {given[key]:g} and {o.max_share:g}: "
                                               "give each cap once")])
        given[key] = o.max_share
    for o in overrides:
        if not data.countries_of(o.supplier) or o.supplier == "*":
            raise InputError([Problem("--cap", f"supplier {o.supplier!r} is neither a country nor a bloc label "
                                               "of the countries sheet")])
        if o.period is not None and (not data.multi_period or o.period not in data.periods):
            known = ", ".join(str(t) for t in data.periods) if data.multi_period else "none: no periods sheet"
            raise InputError([Problem("--cap", f"{o.supplier}:{o.stage}@{o.period}: {o.period} is not a period of "
                                               f"the case (periods: {known})")])
        same = [k for k, c in caps.items() if (c.supplier, c.stage, c.product, c.importer) == (
            o.supplier, o.stage, "*", "*")]
        name = same[0] if same else f"{o.supplier}:{o.stage}"
        cap = caps[name] if same else data.make_cap(o.supplier, o.stage, 1.0)  # type: ignore[arg-type]
        caps[name] = cap.with_share(o.max_share, o.period)
    return data.with_caps(caps)


@dataclass
class CaseRun:
    """Everything one solve produced."""

    data: ModelData
    result: SolveResult
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    caps: list[CapRealised] = field(default_factory=list)
    china_share: dict[int, float] = field(default_factory=dict)
    uncapped: dict[str, Any] | None = None
    unmet: list[tuple[str, str, int, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # a usable plan that disagrees with its input (checks.py)
    times_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result.outcome.usable


def extract_run(model: Any, data: ModelData, result: SolveResult, start: float) -> CaseRun:
    """The :class:`CaseRun` of a solved model: every result table, realised caps, China's share, unmet demand.

    ``start`` is when the work on this case began (for the total wall time).
    """
    extracting = time.perf_counter()
    run = CaseRun(data, result, times_s=dict(result.times_s))
    if run.ok:
        values = SolvedValues(model)  # each variable family read once, for every table below
        run.tables = {
            "flows": flows_table(model, data, values),
            "builds": builds_table(model, data),
            "supply": supply_table(model, data, values),
            "costs": costs_table(model, data),
            "duals": duals_table(model, data, result),
        }
        run.caps = caps_realised(model, data, result, values)
        run.tables["dependence"] = dependence_table(run.caps)
        run.tables["risk"] = risk_table(run.tables["supply"])
        run.china_share = china_share(model, data, values)
        run.unmet = unmet_demand(model, values)
        run.warnings = check_solution(model, data, result.objective_usd, values)
        if data.disruptions:
            run.tables["stockpiles"] = stockpiles_table(model, data)
            run.tables["disruptions"] = disruptions_table(model, data)
        if data.wafer_starts_per_t:
            run.tables["wafer_starts"] = wafer_starts_table(model, data)
        run.times_s["extract"] = time.perf_counter() - extracting
    run.times_s["total"] = time.perf_counter() - start
    return run


def solve_case(data: ModelData, options: SolveOptions | None = None, baseline: bool = True,
               marginals: bool = True, model: Any = None) -> CaseRun:
    """Build and solve ``data``.

    With ``marginals``, each cap's cost of one point tighter and one point looser is measured by re-solving
    (:func:`optimizer.solver.marginals.measure_cap_marginals`); with ``baseline``, the same compiled program is
    re-solved with every cap lifted, for comparison.  Both re-use the compiled program (no second build).

    ``model`` is the Pyomo model of ``data`` when the caller built it (and perhaps added constraints of its own,
    which then hold in every solve here, the baseline's too); its variables hold the plan's values on return.
    """
    start = time.perf_counter()
    given = model is not None
    model = model if given else build_model(data, reduce=True)
    built = time.perf_counter()
    program = HighsProgram(model)
    result = program.solve(options)
    result.times_s = {"build": built - start, **result.times_s}
    run = extract_run(model, data, result, start)
    if run.ok and data.disruptions and baseline:
        measuring = time.perf_counter()
        missing = disrupted_unmet(data, None, None, options)
        table = run.tables["disruptions"]
        table["unmet_without_plan_t"] = [
            None if missing is None else round(missing.get((s, t, p), 0.0), 6)
            for s, t, p in zip(table["disruption"], table["period"], table["product"])]
        run.times_s["without_plan"] = time.perf_counter() - measuring
    if not run.ok or not data.caps:
        return run
    if marginals and result.outcome is Outcome.OPTIMAL and result.objective_usd is not None:
        measuring = time.perf_counter()
        run.caps = measure_cap_marginals(program, data, run.caps, result.objective_usd, options)
        run.tables["dependence"] = dependence_table(run.caps)
        run.times_s["marginals"] = time.perf_counter() - measuring
    if baseline:
        solving = time.perf_counter()
        plan = [v.value for v in program.columns] if given else None
        free = solve_uncapped(program, data, options)
        if free.outcome.usable:
            free_builds = builds_table(model, data)
            run.uncapped = {"objective_usd": free.objective_usd,
                            "china_share": china_share(model, data),
                            "costs": costs_table(model, data),
                            "builds": free_builds[free_builds["built"].astype(bool)]}
        for var, value in zip(program.columns, plan or []):  # the caller's model shows the plan, not the baseline
            var.set_value(value, skip_validation=True)
        run.times_s["baseline"] = time.perf_counter() - solving
    run.times_s["total"] = time.perf_counter() - start
    return run


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _builds_list(built: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for b in built.itertuples():
        item = {"refinery": b.refinery, "country": b.country, "period": int(b.period), "new_tpa": float(b.new_tpa)}
        if "kind" in built.columns:  # a case that can build mines, purifiers or upgrades says which each is
            item["kind"] = b.kind
        if "online" in built.columns and pd.notna(b.online):  # a pathway: when it is decided and runs
            item.update(decided=int(b.decided), online=int(b.online))
        out.append(item)
    return out


def _uncapped_summary(uncapped: dict[str, Any], data: ModelData) -> dict[str, Any]:
    """The plan without caps, as far as a report needs it: what the caps cost, and which builds they cause."""
    doc: dict[str, Any] = {
        "objective_usd": uncapped["objective_usd"],
        "china_share": {str(t): round(s, 6) for t, s in uncapped["china_share"].items()},
    }
    if "costs" in uncapped:
        doc["cost_breakdown_usd"] = {k: round(float(v), 2) for k, v in
                                     uncapped["costs"].groupby("component", sort=True)[money_column("", data.multi_period)]
                                     .sum().items()}
    if "builds" in uncapped:
        doc["builds"] = _builds_list(uncapped["builds"])
    return doc


def horizon(data: ModelData) -> dict[str, Any]:
    """The pathway's calendar: its periods with the years each covers, the last year, the discount rate."""
    return {"periods": {str(t): int(round(data.years_represented[t])) for t in data.periods},
            "first_year": data.periods[0], "last_year": horizon_end(data), "discount_rate": data.discount_rate,
            "costs": f"discounted to {data.periods[0]} at {100 * data.discount_rate:g}% a year"}


def geography(data: ModelData) -> dict[str, Any]:
    """Where each fab is and which countries count as China: what a report needs from the input.

    Stored in ``summary.json`` so that a results folder is self-contained: the report never re-reads the input.
    """
    china = {"CHN"} | {c for c, bloc in data.country_bloc.items() if bloc == "china"}
    return {"fab_country": dict(sorted(data.fab_country.items())), "china_countries": sorted(china)}


def summary(run: CaseRun, scenario: str = "base") -> dict[str, Any]:
    """The ``summary.json`` document of a run."""
    r = run.result
    doc: dict[str, Any] = {"headline": headline(run) if run.ok else None}
    doc.update({
        "status": r.outcome.value,
        "solver_status": r.solver_status,
        "message": r.message,
        "scenario": scenario,
        "objective_usd": r.objective_usd,
        "is_mip": r.is_mip,
        "mip_gap": r.mip_gap,
        "duals_source": r.duals_source,
        "warnings": list(run.warnings),  # non-empty: the plan is numerically doubtful (see solver/checks.py)
    })
    if run.ok:
        costs = run.tables["costs"]
        builds = run.tables["builds"]
        doc["cost_breakdown_usd"] = {k: round(float(v), 2) for k, v in costs.groupby("component", sort=True)[
            money_column("", run.data.multi_period)].sum().items()}
        doc["caps"] = [
            {"cap": c.cap, "period": c.period, "supplier": run.data.caps[c.cap].supplier,
             "stage": run.data.caps[c.cap].stage, "product": run.data.caps[c.cap].product,
             "importer": run.data.caps[c.cap].importer, "max_share": c.max_share, "share": round(c.share, 6),
             "touched_t": round(c.touched_t, 6), "delivered_t": round(c.delivered_t, 6),
             "demand_t": round(c.demand_t, 6), "dual_usd_per_yr_per_pct": round(c.dual_usd_per_yr_per_pct, 6),
             "dual_usd_per_t": round(c.dual_usd_per_t, 6),
             "usd_per_yr_per_pct_tighter": _rounded(c.usd_per_yr_per_pct_tighter),
             "usd_per_yr_per_pct_looser": _rounded(c.usd_per_yr_per_pct_looser)}
            for c in run.caps
        ]
        doc["china_share"] = {str(t): round(s, 6) for t, s in run.china_share.items()}
        if run.data.multi_period:  # a pathway: the calendar its years and discounting refer to
            doc["horizon"] = horizon(run.data)
        doc["uncapped"] = None if run.uncapped is None else _uncapped_summary(run.uncapped, run.data)
        doc["builds"] = _builds_list(builds[builds["built"].astype(bool)])
        doc["unmet_t"] = round(sum(t for *_, t in run.unmet), 6)
        doc["unmet"] = [{"fab": f, "product": p, "period": t, "tonnes": round(x, 6)} for f, p, t, x in run.unmet]
        doc["risk"] = risk_summary(run.tables["supply"], run.tables.get("risk"))
        doc["geography"] = geography(run.data)
        if run.data.disruptions:
            doc.update(two_stage_summary(run.tables))
    doc["solver"] = r.solver
    doc["wall_times_s"] = {k: round(v, 4) for k, v in run.times_s.items()}
    doc["input"] = {"source": run.data.source, "sha256": run.data.sha256}
    doc["package"] = {"name": "paxsilica", "version": __version__}
    return doc


__all__ = ["CapOverride", "CaseRun", "Outcome", "SolveOptions", "apply_cap_overrides", "china_reference", "default_input",
           "input_name", "solve_case", "summary"]
