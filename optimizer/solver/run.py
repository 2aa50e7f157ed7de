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
from optimizer.io.data import Cap, ModelData
from optimizer.io.schema import parse_stage_share
from optimizer.model import build_model
from optimizer.solver.checks import check_solution
from optimizer.solver.highs import Outcome, SolveOptions, SolveResult, solve_model
from optimizer.solver.results import (
    CapRealised,
    builds_table,
    caps_realised,
    costs_table,
    dependence_table,
    duals_table,
    flows_table,
    realised_share,
    supply_table,
    unmet_demand,
)
from optimizer.solver.risk import risk_summary, risk_table

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INPUTS = (REPO_ROOT / "inputs" / "pax_silica_2025", REPO_ROOT / "inputs" / "example")

_CAP_RE = re.compile(r"^\s*(?P<supplier>[^:=\s]+)\s*(?::\s*(?P<stage>\w+))?\s*=\s*(?P<share>[^\s]+)\s*$")


def default_input() -> Path:
    """The embedded default dataset (the first that exists of :data:`DEFAULT_INPUTS`)."""
    for path in DEFAULT_INPUTS:
        if path.exists():
            # Shown to the user: relative to the working directory when it is below it.
            return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    raise FileNotFoundError("no embedded dataset found under " + str(REPO_ROOT / "inputs"))


def input_name(path: Path) -> str:
    """The name results are filed under: ``inputs/example`` -> ``example``, ``case.xlsx`` -> ``case``."""
    path = Path(path).resolve()  # ``.`` or ``..`` would name no folder (and ``..`` a folder above)
    name = path.stem if path.suffix else path.name
    # The name becomes a folder: keep it to letters, digits and _ . = + -, never a dot first.
    return re.sub(r"[^A-Za-z0-9_.=+-]", "_", name).lstrip(".") or "input"


@dataclass(frozen=True)
class CapOverride:
    """``--cap SUPPLIER[:STAGE]=SHARE``: all products, every fab."""

    supplier: str
    stage: str
    max_share: float

    @classmethod
    def parse(cls, text: str) -> CapOverride:
        match = _CAP_RE.match(text)
        if not match:
            raise ValueError(f"--cap {text!r}: expected SUPPLIER:STAGE=SHARE, e.g. CHN:any=0.2")
        stage, share = parse_stage_share(f"--cap {text!r}", match["stage"] or "any", match["share"])
        return cls(match["supplier"], stage, share)


def apply_cap_overrides(data: ModelData, overrides: list[CapOverride]) -> ModelData:
    """Replace the share of a matching whole-scope cap (same supplier and stage), or add a new cap."""
    caps = dict(data.caps)
    for o in overrides:
        if not data.countries_of(o.supplier) or o.supplier == "*":
            raise InputError([Problem("--cap", f"supplier {o.supplier!r} is neither a country nor a bloc label "
                                               "of the countries sheet")])
        same = [k for k, c in caps.items() if (c.supplier, c.stage, c.product, c.importer) == (
            o.supplier, o.stage, "*", "*")]
        name = same[0] if same else f"{o.supplier}:{o.stage}"
        caps[name] = data.make_cap(o.supplier, o.stage, o.max_share)  # type: ignore[arg-type]
    return data.with_caps(caps)


def china_reference(data: ModelData) -> Cap | None:
    """China's share at any stage, all products, every fab: the headline dependence figure."""
    if "CHN" in data.country_bloc:
        return data.make_cap("CHN", "any", 1.0)
    if data.countries_of("china"):
        return data.make_cap("china", "any", 1.0)
    return None


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


def _china_shares(m: Any, data: ModelData) -> dict[int, float]:
    ref = china_reference(data)
    if ref is None:
        return {}
    shares = {}
    for t in data.periods:
        touched, delivered = realised_share(m, data, ref, t)
        shares[t] = touched / delivered if delivered > 1e-9 else 0.0
    return shares


def extract_run(model: Any, data: ModelData, result: SolveResult, start: float) -> CaseRun:
    """The :class:`CaseRun` of a solved model: every result table, realised caps, China's share, unmet demand.

    ``start`` is when the work on this case began (for the total wall time).
    """
    extracting = time.perf_counter()
    run = CaseRun(data, result, times_s=dict(result.times_s))
    if run.ok:
        run.tables = {
            "flows": flows_table(model, data),
            "builds": builds_table(model, data),
            "supply": supply_table(model, data),
            "costs": costs_table(model, data),
            "duals": duals_table(model, data, result),
        }
        run.caps = caps_realised(model, data, result)
        run.tables["dependence"] = dependence_table(run.caps)
        run.tables["risk"] = risk_table(run.tables["supply"])
        run.china_share = _china_shares(model, data)
        run.unmet = unmet_demand(model)
        run.warnings = check_solution(model, data, result.objective_usd)
        run.times_s["extract"] = time.perf_counter() - extracting
    run.times_s["total"] = time.perf_counter() - start
    return run


def solve_case(data: ModelData, options: SolveOptions | None = None, baseline: bool = True) -> CaseRun:
    """Build and solve ``data``; with ``baseline``, also solve it without caps for comparison."""
    start = time.perf_counter()
    model = build_model(data)
    built = time.perf_counter()
    result = solve_model(model, options)
    result.times_s = {"build": built - start, **result.times_s}
    run = extract_run(model, data, result, start)
    if run.ok and baseline and data.caps:
        free = data.with_caps({})
        free_model = build_model(free)
        free_result = solve_model(free_model, options)
        if free_result.outcome.usable:
            run.uncapped = {"objective_usd": free_result.objective_usd,
                            "china_share": _china_shares(free_model, free)}
        run.times_s["total"] = time.perf_counter() - start
    return run


def summary(run: CaseRun, scenario: str = "base") -> dict[str, Any]:
    """The ``summary.json`` document of a run."""
    r = run.result
    doc: dict[str, Any] = {
        "status": r.outcome.value,
        "solver_status": r.solver_status,
        "message": r.message,
        "scenario": scenario,
        "objective_usd": r.objective_usd,
        "is_mip": r.is_mip,
        "mip_gap": r.mip_gap,
        "duals_source": r.duals_source,
        "warnings": list(run.warnings),  # non-empty: the plan is numerically doubtful (see solver/checks.py)
    }
    if run.ok:
        costs = run.tables["costs"]
        builds = run.tables["builds"]
        doc["cost_breakdown_usd"] = {k: round(float(v), 2) for k, v in costs.groupby("component", sort=True)["usd"].sum().items()}
        doc["caps"] = [
            {"cap": c.cap, "period": c.period, "supplier": run.data.caps[c.cap].supplier,
             "stage": run.data.caps[c.cap].stage, "product": run.data.caps[c.cap].product,
             "importer": run.data.caps[c.cap].importer, "max_share": c.max_share, "share": round(c.share, 6),
             "touched_t": round(c.touched_t, 6), "delivered_t": round(c.delivered_t, 6),
             "dual_usd_per_pct": round(c.dual_usd_per_pct, 6), "dual_usd_per_t": round(c.dual_usd_per_t, 6)}
            for c in run.caps
        ]
        doc["china_share"] = {str(t): round(s, 6) for t, s in run.china_share.items()}
        doc["uncapped"] = None if run.uncapped is None else {
            "objective_usd": run.uncapped["objective_usd"],
            "china_share": {str(t): round(s, 6) for t, s in run.uncapped["china_share"].items()},
        }
        built = builds[builds["built"].astype(bool)]
        doc["builds"] = [{"refinery": b.refinery, "country": b.country, "period": int(b.period),
                          "new_tpa": float(b.new_tpa)} for b in built.itertuples()]
        doc["unmet_t"] = round(sum(t for *_, t in run.unmet), 6)
        doc["unmet"] = [{"fab": f, "product": p, "period": t, "tonnes": round(x, 6)} for f, p, t, x in run.unmet]
        doc["risk"] = risk_summary(run.tables["supply"])
    doc["solver"] = r.solver
    doc["wall_times_s"] = {k: round(v, 4) for k, v in run.times_s.items()}
    doc["input"] = {"source": run.data.source, "sha256": run.data.sha256}
    doc["package"] = {"name": "paxsilica", "version": __version__}
    return doc


__all__ = ["CapOverride", "CaseRun", "Outcome", "SolveOptions", "apply_cap_overrides", "default_input",
           "input_name", "solve_case", "summary"]
