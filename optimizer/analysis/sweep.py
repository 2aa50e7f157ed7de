"""The cost-versus-dependence frontier: one model, one cap's share tightened step by step, re-solved warm.

The model is built and compiled to HiGHS once; between points only the coefficients of the swept cap's rows change
(:func:`optimizer.solver.reuse.set_cap_share`: only their right-hand sides), so HiGHS starts each solve from the previous basis.  The
sweep stops at the first share that no plan can meet and reports the tightest share that one could.

Frontier columns
    ``total_cost_usd_pv``   the plan's total cost (the objective): a present value, USD discounted to the base year
                            (``money.base_year`` in ``summary.json``); ``total_cost_usd_per_yr`` for one
                            steady-state year (:mod:`optimizer.solver.money`).
    ``cost_increase_usd_pv``   total cost minus the cost with the swept cap at 100% (the first point when the sweep
                            starts at 1.0, else one extra solve at 1.0 before the first point); per year likewise.
    ``dual_usd_per_yr_per_pct``    cost of tightening the swept cap by one percentage point, USD per year of the swept
                            period: the cap's dual as ``dependence.csv`` gives it for that period
                            (:func:`optimizer.solver.measures.marginal_usd_per_yr_per_pct`).
    ``realised_share``      the cap's realised share in the swept period.

On a pathway (a periods sheet) one period's share is swept, the last by default (``paxsilica sweep --period``); the
cap's shares in the other periods stay as given.
    ``new_tpa_<COUNTRY>``   new refining capacity decided in each country that has a build candidate, t/yr.
    ``breakpoint``          the investment plan changed from the previous point: another set of built refineries,
                            or another set of countries building more than ``BREAK_TOL_TPA`` (capacity that only
                            grows or shrinks within the same plan as the cap moves is not a break).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizer import __version__
from optimizer.errors import InputError, Problem
from optimizer.io.data import ModelData
from optimizer.io.schema import STAGES
from optimizer.model import build_model
from optimizer.solver.headline import money_basis
from optimizer.solver.highs import HighsProgram, Outcome, SolveOptions, solve_model
from optimizer.solver.marginals import set_cap_share
from optimizer.solver.money import money_column
from optimizer.solver.results import TOL, caps_realised
from optimizer.solver.run import CapOverride, apply_cap_overrides

BREAK_TOL_TPA = 1.0  # t/yr: a country building less than this is not building


@dataclass(frozen=True)
class SweptCap:
    """``--cap SUPPLIER[:STAGE]``: the whole-scope cap to sweep (all products, every fab)."""

    supplier: str
    stage: str

    @classmethod
    def parse(cls, text: str) -> SweptCap:
        supplier, _, stage = text.partition(":")
        stage = (stage or "any").strip().lower()
        if "=" in text or not supplier.strip():
            raise ValueError(f"--cap {text!r}: expected SUPPLIER:STAGE without a share, e.g. CHN:any")
        if stage not in STAGES:
            raise ValueError(f"--cap {text!r}: stage must be one of {', '.join(STAGES)}, got {stage!r}")
        return cls(supplier.strip(), stage)


@dataclass
class SweepPoint:
    """One solved (or failed) point of the frontier."""

    point: int
    max_share: float
    status: str
    objective_usd: float | None = None
    realised_share: float | None = None
    dual_usd_per_yr_per_pct: float | None = None
    new_tpa: dict[str, float] = field(default_factory=dict)  # country -> new capacity, t/yr
    built: frozenset[str] = frozenset()
    solve_s: float = 0.0

    @property
    def usable(self) -> bool:
        return self.objective_usd is not None


@dataclass
class Sweep:
    """A whole frontier, with the reference (swept cap at 100%) it is measured against."""

    cap: str
    supplier: str
    stage: str
    added: bool  # the cap was not in the input and was added for the sweep
    shares: list[float]
    points: list[SweepPoint]
    reference_usd: float | None
    build_countries: list[str]
    data: ModelData
    options: SolveOptions
    solver: dict[str, Any] = field(default_factory=dict)
    times_s: dict[str, float] = field(default_factory=dict)
    uncapped_usd: float | None = None  # the plan with no cap at all, what the report measures the frontier from
    period: int | None = None  # the period whose share is swept (None: a steady-state case)

    @property
    def solved(self) -> list[SweepPoint]:
        return [p for p in self.points if p.usable]

    @property
    def tightest_feasible(self) -> float | None:
        shares = [p.max_share for p in self.solved]
        return min(shares) if shares else None

    @property
    def first_infeasible(self) -> float | None:
        failed = [p for p in self.points if p.status == Outcome.INFEASIBLE.value]
        return failed[0].max_share if failed else None


def sweep_shares(start: float, stop: float, steps: int) -> list[float]:
    """``steps`` evenly spaced shares from ``start`` to ``stop`` (rounded so that 0.35 is 0.35, not 0.35000000001)."""
    if steps < 1:
        raise ValueError("--steps must be at least 1")
    return [round(float(s), 12) for s in np.linspace(start, stop, steps)]


def swept_period(data: ModelData, period: int | None) -> int | None:
    """The period whose share is swept: ``period``, or the last one on a pathway; None without a periods sheet.

    Raises
    ------
    InputError
        ``period`` is not a period of the case, or is given for a case without a periods sheet.
    """
    if not data.multi_period:
        if period is not None:
            raise InputError([Problem("--period", f"{period}: the case has no periods sheet, so there is no period to "
                                                  "sweep; leave --period out")])
        return None
    period = data.periods[-1] if period is None else period
    if period not in data.periods:
        raise InputError([Problem("--period", f"{period} is not a period of the case (periods: "
                                              + ", ".join(str(t) for t in data.periods) + ")")])
    return period


def swept_cap(data: ModelData, cap: SweptCap, share: float, period: int | None = None) -> tuple[ModelData, str, bool]:
    """The case with the swept cap at ``share``, the cap's id, and whether it had to be added.

    The cap swept is the input's whole-scope cap with the same supplier and stage (as ``--cap`` on ``solve``
    replaces), or a new one named ``SUPPLIER:STAGE``.
    """
    same = [k for k, c in data.caps.items() if (c.supplier, c.stage, c.product, c.importer) == (
        cap.supplier, cap.stage, "*", "*")]
    updated = apply_cap_overrides(data, [CapOverride(cap.supplier, cap.stage, share, period)])
    name = same[0] if same else f"{cap.supplier}:{cap.stage}"
    return updated, name, not same


def _with_share(data: ModelData, cap: str, share: float, period: int | None) -> ModelData:
    caps = dict(data.caps)
    caps[cap] = caps[cap].with_share(share, period)
    return data.with_caps(caps)


def _plan(m: Any, data: ModelData, countries: list[str]) -> tuple[dict[str, float], frozenset[str]]:
    """New capacity by country and the set of refineries built, read straight from the variables (the same
    reading as :func:`optimizer.solver.results.builds_table`, without building a table at every point)."""
    new_tpa = dict.fromkeys(countries, 0.0)
    built = set()
    for (r, t), var in m.Build_TPA.items():
        tpa = float(var.value or 0.0)
        is_built = bool(round(m.Built[r, t].value or 0.0)) if (r, t) in m.Built else tpa > TOL
        if tpa > TOL:
            new_tpa[data.refineries[r].country] += tpa
        if is_built:
            built.add(r)
    return new_tpa, frozenset(built)


def _uncapped_usd(data: ModelData, swept: str, reference_usd: float | None, options: SolveOptions) -> float | None:
    """The cost of the plan without any cap: the reference itself when the swept cap is the only one (at 100% it
    binds nothing), else one more solve."""
    if not set(data.caps) - {swept}:
        return reference_usd
    result = solve_model(build_model(data.with_caps({})), options)
    return result.objective_usd if result.outcome.usable else None


def run_sweep(data: ModelData, cap: SweptCap, shares: list[float], options: SolveOptions | None = None,
              on_point: Callable[[Sweep, SweepPoint], None] | None = None, period: int | None = None) -> Sweep:
    """Solve the frontier at ``shares`` in order, warm, stopping at the first point without a plan.

    Parameters
    ----------
    data : the case (its other caps stay as given).
    cap : the supplier and stage whose whole-scope cap is swept (added if the input has none).
    shares : max_share of each point, in the order to solve them (usually loosest first).
    options : solver settings, applied to every point.
    on_point : called with the sweep so far and each point as soon as it is solved (for progress).
    period : on a pathway (a periods sheet), the period whose share is swept, the others as given; default the
        last period.  Without a periods sheet the share holds in the one period.

    Raises
    ------
    InputError
        If the supplier is neither a country nor a bloc of the countries sheet.
    """
    if not shares:
        raise ValueError("no shares to sweep")
    options = options or SolveOptions()
    start = time.perf_counter()
    period = swept_period(data, period)
    data, name, added = swept_cap(data, cap, shares[0], period)
    if not data.caps[name].supplier_countries:
        raise InputError([Problem("--cap", f"supplier {cap.supplier!r} matches no country")])
    countries = sorted({r.country for r in data.refineries.values() if r.can_build})
    model = build_model(data)
    built = time.perf_counter()
    program = HighsProgram(model)
    sweep = Sweep(name, cap.supplier, cap.stage, added, list(shares), [], None, countries, data, options,
                  times_s={"build": built - start, "compile": program.compile_s}, period=period)

    def solve_at(share: float, point: int) -> SweepPoint:
        set_cap_share(program, data, name, share, period)
        result = program.solve(options)
        sweep.solver = result.solver
        pt = SweepPoint(point, share, result.outcome.value, solve_s=result.times_s["solve"])
        if not result.outcome.usable:
            return pt
        at = _with_share(data, name, share, period)
        realised = [c for c in caps_realised(model, at, result) if c.cap == name and period in (None, c.period)]
        pt.objective_usd = result.objective_usd
        pt.realised_share = max((c.share for c in realised), default=0.0)
        pt.dual_usd_per_yr_per_pct = sum(c.dual_usd_per_yr_per_pct for c in realised)  # one row: the swept period's
        pt.new_tpa, pt.built = _plan(model, at, countries)
        return pt

    solves = time.perf_counter()
    if shares[0] < 1.0:
        reference = solve_at(1.0, 0)
        sweep.reference_usd = reference.objective_usd
    for i, share in enumerate(shares, start=1):
        pt = solve_at(share, i)
        sweep.points.append(pt)
        if i == 1 and shares[0] >= 1.0:
            sweep.reference_usd = pt.objective_usd
        if on_point is not None:
            on_point(sweep, pt)
        if not pt.usable:
            break
    if sweep.solved:
        sweep.uncapped_usd = _uncapped_usd(data, name, sweep.reference_usd, options)
    done = time.perf_counter()
    sweep.times_s.update({"solves": done - solves, "total": done - start})
    return sweep


def _building(p: SweepPoint) -> frozenset[str]:
    return frozenset(c for c, tpa in p.new_tpa.items() if tpa > BREAK_TOL_TPA)


def plan_changed(a: SweepPoint, b: SweepPoint) -> bool:
    """The investment plan of ``b`` differs from ``a``'s (a breakpoint of the frontier)."""
    # Capacity that grows with the tightening within one plan is not a break; a new site or country is.
    return a.built != b.built or _building(a) != _building(b)


def frontier_table(sweep: Sweep) -> pd.DataFrame:
    """``frontier.csv``: one row per point solved or failed, in sweep order."""
    rows = []
    previous: SweepPoint | None = None
    multi = sweep.data.multi_period
    for p in sweep.points:
        increase = None
        if p.usable and sweep.reference_usd is not None:
            increase = p.objective_usd - sweep.reference_usd  # type: ignore[operator]
        row: dict[str, Any] = {
            "point": p.point, "max_share": p.max_share, "status": p.status,
            money_column("total_cost", multi): p.objective_usd, money_column("cost_increase", multi): increase,
            "dual_usd_per_yr_per_pct": p.dual_usd_per_yr_per_pct,
            "realised_share": p.realised_share,
        }
        for c in sweep.build_countries:
            row[f"new_tpa_{c}"] = p.new_tpa.get(c) if p.usable else None
        row["breakpoint"] = bool(p.usable and previous is not None and plan_changed(previous, p))
        if p.usable:
            previous = p
        rows.append(row)
    df = pd.DataFrame(rows)
    for col in df.columns:
        if col not in ("point", "status", "breakpoint"):
            df[col] = pd.to_numeric(df[col]).astype(float).round(6) + 0.0
    return df


def sweep_summary(sweep: Sweep) -> dict[str, Any]:
    """``summary.json`` of a sweep: what was swept, how far it got, and how long it took."""
    solved = sweep.solved
    times = [p.solve_s for p in sweep.points]
    return {
        "cap": sweep.cap,
        "supplier": sweep.supplier,
        "stage": sweep.stage,
        "cap_added": sweep.added,
        "period": sweep.period,
        "points_requested": len(sweep.shares),
        "points_solved": len(solved),
        "tightest_feasible_share": sweep.tightest_feasible,
        "first_infeasible_share": sweep.first_infeasible,
        "stopped_by": None if sweep.points[-1].usable else sweep.points[-1].status,
        "money": money_basis(sweep.data),
        "reference": {"max_share": 1.0, "objective_usd": sweep.reference_usd},
        "uncapped": {"objective_usd": sweep.uncapped_usd},
        "breakpoints": [p.max_share for p, flag in zip(sweep.points, frontier_table(sweep)["breakpoint"]) if flag],
        "solver": sweep.solver,
        "wall_times_s": {**{k: round(v, 4) for k, v in sweep.times_s.items()},
                         "per_point": [round(t, 4) for t in times]},
        "input": {"source": sweep.data.source, "sha256": sweep.data.sha256},
        "package": {"name": "paxsilica", "version": __version__},
    }


__all__ = ["BREAK_TOL_TPA", "Sweep", "SweepPoint", "SweptCap", "frontier_table", "plan_changed", "run_sweep",
           "sweep_shares", "sweep_summary", "swept_cap"]
