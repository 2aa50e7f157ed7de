"""Disruption tests: take supply away from the plan and see which demand goes unmet and what it costs.

A case removes one or more elements: a *country* (every mine and refinery in it), a *mine*, a *refinery*, or a
*lane* ``FROM>TO`` (every arc from a node in country FROM to a node in country TO).  A removed node keeps its place
in the data but loses all its arcs, so capacity already built there stays paid for (sunk) but can neither receive
nor deliver.

The base plan is solved first, as given.  Each disrupted case then re-optimises the flows with the base plan's
investments fixed (``reoptimize=False``: the network as built meets the shock) or free (``reoptimize=True``), and
with every demand allowed to go unmet at a penalty, so that a disrupted case is always feasible: the fab's own
``unmet_penalty_usd_per_t`` where given, else the parameter ``default_unmet_penalty_usd_per_t``, else
:data:`DEFAULT_UNMET_PENALTY_USD_PER_T`.  That default is far above the cost of any supply route (the dearest
oxide in the example costs a few million USD per tonne), so unmet tonnes mean supply that is physically short,
not merely dear.

Cases are ranked as chokepoints: most unmet tonnes first, then largest cost increase.

When the input has disruptions (a two-stage plan), the base plan's stockpiles are held too in the disrupted cases,
and each disruption is reported for the base plan: the tonnes it leaves unmet with the plan's builds and
stockpiles, and with its builds but no stockpiles (:func:`optimizer.solver.two_stage.disrupted_unmet`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pyomo.core as pyo

from optimizer import __version__
from optimizer.errors import InputError, Problem
from optimizer.io.data import ModelData, _frozen
from optimizer.model import build_model
from optimizer.model.investment import build_sites
from optimizer.solver.headline import money_basis
from optimizer.solver.highs import SolveOptions, solve_model
from optimizer.solver.measures import china_share, share_columns
from optimizer.solver.money import money_column
from optimizer.solver.results import DECIMALS, unmet_demand
from optimizer.solver.two_stage import disrupted_unmet, first_stage, hold

DEFAULT_UNMET_PENALTY_USD_PER_T = 1e8
KINDS = ("country", "mine", "refinery", "lane")


@dataclass(frozen=True, order=True)
class Disruption:
    """One element taken away: ``kind`` is one of :data:`KINDS`; a lane's ``target`` is ``FROM>TO``."""

    kind: str
    target: str

    def __str__(self) -> str:
        return self.target


def parse_disruption(data: ModelData, text: str) -> Disruption:
    """Read ``--remove`` text: a country code, a mine or refinery id, or a lane ``FROM>TO`` of two countries.

    Raises
    ------
    InputError
        When the text names nothing in the case (or a fab: fabs are demand, not supply).
    """
    text = text.strip()
    if ">" in text:
        a, _, b = (s.strip() for s in text.partition(">"))
        unknown = [c for c in (a, b) if c not in data.country_bloc]
        if unknown:
            raise InputError([Problem("--remove", f"lane {text!r}: {', '.join(map(repr, unknown))} is not a "
                                                  "country of the countries sheet")])
        return Disruption("lane", f"{a}>{b}")
    if text in data.country_bloc:
        return Disruption("country", text)
    if text in data.mines:
        return Disruption("mine", text)
    if text in data.refineries:
        return Disruption("refinery", text)
    if text in data.fab_country:
        raise InputError([Problem("--remove", f"{text!r} is a fab: remove supply (a country, mine, refinery or "
                                              "lane FROM>TO), not demand")])
    raise InputError([Problem("--remove", f"{text!r} is not a country, mine, refinery or lane FROM>TO of the input")])


def n_minus_1(data: ModelData, kind: str) -> list[Disruption]:
    """Every single-element disruption of ``kind``: countries with a mine or refinery, every mine, every refinery."""
    if kind == "country":
        countries = {v.country for v in data.mines.values()} | {v.country for v in data.refineries.values()}
        return [Disruption("country", c) for c in sorted(countries)]
    if kind == "mine":
        return [Disruption("mine", m) for m in sorted(data.mines)]
    if kind == "refinery":
        return [Disruption("refinery", r) for r in sorted(data.refineries)]
    raise ValueError(f"--n-1 must be one of country, refinery, mine; got {kind!r}")


def disrupt(data: ModelData, removed: list[Disruption]) -> ModelData:
    """The case without the arcs of every removed element."""
    mine_country = {m: v.country for m, v in data.mines.items()}
    ref_country = {r: v.country for r, v in data.refineries.items()}
    countries = {d.target for d in removed if d.kind == "country"}
    dead = {d.target for d in removed if d.kind in ("mine", "refinery")}
    dead |= {n for n, c in (mine_country | ref_country).items() if c in countries}
    lanes = {tuple(d.target.split(">")) for d in removed if d.kind == "lane"}
    mine_arcs = {k: a for k, a in data.mine_arcs.items()
                 if not {k[0], k[1]} & dead and (mine_country[k[0]], ref_country[k[1]]) not in lanes}
    fab_arcs = {k: a for k, a in data.fab_arcs.items()
                if k[0] not in dead and (ref_country[k[0]], data.fab_country[k[1]]) not in lanes}
    return replace(data, mine_arcs=_frozen(mine_arcs), fab_arcs=_frozen(fab_arcs))


def unmet_penalty(data: ModelData) -> float:
    """The penalty given to demand that has none: the case's default parameter, else the module default."""
    value = data.parameters.get("default_unmet_penalty_usd_per_t")
    return float(value) if isinstance(value, (int, float)) and value == value else DEFAULT_UNMET_PENALTY_USD_PER_T


def elastic(data: ModelData, penalty: float) -> ModelData:
    """The case with every must-meet demand given ``penalty`` per tonne unmet."""
    penalties = {k: (penalty if v is None else v) for k, v in data.unmet_penalty_usd_per_t.items()}
    return replace(data, unmet_penalty_usd_per_t=_frozen(penalties))


@dataclass
class StressCase:
    """One solved disruption."""

    case: str
    removed: list[Disruption]
    status: str
    objective_usd: float | None = None
    unmet: list[tuple[str, str, int, float]] = field(default_factory=list)  # (fab, product, period, t)
    china_share: dict[int, float] = field(default_factory=dict)  # period -> China's share of demand in scope
    solver: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.objective_usd is not None

    @property
    def unmet_t(self) -> float:
        return sum(x for *_, x in self.unmet)


@dataclass
class StressResult:
    """The base plan and every disruption, ranked."""

    base: StressCase
    cases: list[StressCase]
    reoptimize: bool
    penalty_usd_per_t: float
    data: ModelData
    keep_caps: bool = True
    times_s: dict[str, float] = field(default_factory=dict)
    # (disruption, period, unmet t with the plan's stockpiles, unmet t without them) for the base plan
    disruptions: list[tuple[str, int, float | None, float | None]] = field(default_factory=list)

    def increase(self, case: StressCase) -> float | None:
        if case.objective_usd is None or self.base.objective_usd is None:
            return None
        return case.objective_usd - self.base.objective_usd


def _fix_investments(m: pyo.ConcreteModel, base: pyo.ConcreteModel, data: ModelData) -> None:
    """Hold every build decision at the base plan's value.

    Bounds rather than ``fix``: HiGHS then applies its feasibility tolerances to the rows these values enter, where
    Pyomo would reject a constant row that the solver's values miss by 1e-12.  The binaries become continuous
    (their bounds are equal), so the disrupted case is an LP.
    """
    sites = build_sites(data)
    for kind, n in m.build_kinds.items():  # every kind of build: refineries, mines, purifiers, upgrades
        build, built = getattr(m, n.build), getattr(m, n.built)
        base_build, base_built = getattr(base, n.build), getattr(base, n.built)
        for key, var in built.items():
            value = float(round(base_built[key].value or 0.0))
            var.domain = pyo.Reals
            var.setlb(value)
            var.setub(value)
        for (site, t), var in build.items():
            e = sites[kind][site][1]
            value = min(max(float(base_build[site, t].value or 0.0), 0.0), e.max_new)
            if (site, t) in built:
                value = max(value, e.min_build) if built[site, t].lb > 0.5 else 0.0
            var.setlb(value)
            var.setub(value)
    if hasattr(m, "Stock_T"):
        for key, var in m.Stock_T.items():
            hold(var, max(float(base.Stock_T[key].value or 0.0), 0.0))


def base_plan_disruptions(data: ModelData, base_model: pyo.ConcreteModel, options: SolveOptions | None = None
                          ) -> list[tuple[str, int, float | None, float | None]]:
    """Each disruption of the base plan: unmet tonnes with the plan's stockpiles and without them (builds held)."""
    builds, stocks = first_stage(base_model)
    held = disrupted_unmet(data, builds, stocks, options)
    bare = disrupted_unmet(data, builds, None, options)
    keys = [(s, t) for s, d in data.disruptions.items() for t in data.periods if d.happens_in(t)]
    return [(s, t, None if held is None else held[s, t], None if bare is None else bare[s, t]) for s, t in keys]


def solve_disrupted(data: ModelData, base_model: pyo.ConcreteModel, removed: list[Disruption], case: str,
                    reoptimize: bool, penalty: float, options: SolveOptions | None = None,
                    keep_caps: bool = True) -> StressCase:
    """Solve one disruption of ``data`` (the base case, solved in ``base_model``); ``keep_caps=False`` lifts the
    dependence caps in the disrupted case (to see how much the supplier would have to make up)."""
    hit = elastic(disrupt(data, removed), penalty)
    if not keep_caps:
        hit = hit.with_caps({})
    m = build_model(hit)
    if not reoptimize:
        _fix_investments(m, base_model, hit)
    return _solve(m, hit, case, removed, options)


def _solve(m: pyo.ConcreteModel, data: ModelData, case: str, removed: list[Disruption],
           options: SolveOptions | None) -> StressCase:
    result = solve_model(m, options)
    out = StressCase(case, removed, result.outcome.value, solver=dict(result.solver))
    if result.outcome.usable:
        out.objective_usd = result.objective_usd
        out.unmet = unmet_demand(m)
        out.china_share = china_share(m, data)
    return out


def run_stress(data: ModelData, cases: list[list[Disruption]], reoptimize: bool = False,
               options: SolveOptions | None = None, keep_caps: bool = True,
               on_case: Callable[[StressCase, StressCase], None] | None = None) -> StressResult:
    """Solve the base plan as given, then every disruption in ``cases``, ranked as chokepoints.

    If the base plan has no usable solution, no case is solved (``cases`` is empty in the result).  The caps hold
    in the disrupted cases too unless ``keep_caps`` is false.  A cap bounds the supplier's tonnes by a share of the
    demand in its scope, so the supplier still delivers up to its allowance when the others fall short: unmet
    demand is what neither the untouched supply nor the allowance can cover (``keep_caps=False`` shows what is
    physically short).
    """
    start = time.perf_counter()
    penalty = unmet_penalty(data)
    base_model = build_model(data)
    base = _solve(base_model, data, "base", [], options)
    result = StressResult(base, [], reoptimize, penalty, data, keep_caps)
    result.times_s["base"] = time.perf_counter() - start
    if base.usable and data.disruptions:
        result.disruptions = base_plan_disruptions(data, base_model, options)
    if base.usable:
        solved = []
        for removed in cases:
            solved.append(solve_disrupted(data, base_model, removed, "", reoptimize, penalty, options, keep_caps))
            if on_case is not None:
                on_case(solved[-1], base)
        result.cases = rank(solved, base.objective_usd or 0.0)
    result.times_s["total"] = time.perf_counter() - start
    return result


def rank(cases: list[StressCase], base_usd: float) -> list[StressCase]:
    """Chokepoints first: solved before failed, then most unmet tonnes, then largest cost increase; numbered 1.."""
    def key(c: StressCase) -> tuple[Any, ...]:
        return (not c.usable, -round(c.unmet_t, 6), -round((c.objective_usd or 0.0) - base_usd, 2),
                [str(d) for d in c.removed])

    ordered = sorted(cases, key=key)
    for i, c in enumerate(ordered, start=1):
        c.case = str(i)
    return ordered


def _describe(removed: list[Disruption]) -> tuple[str, str]:
    return ";".join(str(d) for d in removed), ";".join(sorted({d.kind for d in removed}))


def stress_table(result: StressResult) -> pd.DataFrame:
    """``stress.csv``: the base plan, then every case in chokepoint order; its total cost and the increase over the
    base plan are present values on a pathway (``total_cost_usd_pv``), USD per year for one steady-state year
    (``total_cost_usd_per_yr``): :mod:`optimizer.solver.money`."""
    rows = []
    periods = result.data.periods
    multi = result.data.multi_period
    for c in [result.base, *result.cases]:
        removed, kind = _describe(c.removed)
        rows.append({"case": c.case, "removed": removed, "kind": kind, "status": c.status,
                     money_column("total_cost", multi): c.objective_usd,
                     money_column("cost_increase", multi): result.increase(c),
                     "unmet_t": c.unmet_t if c.usable else None,
                     **share_columns("china_share", {t: c.china_share.get(t) for t in periods}, multi)})
    cols = ["case", "removed", "kind", "status", money_column("total_cost", multi), money_column("cost_increase", multi),
            "unmet_t",
            *share_columns("china_share", {t: None for t in periods}, multi)]
    df = pd.DataFrame(rows, columns=cols)
    for col in cols[4:]:
        df[col] = pd.to_numeric(df[col]).astype(float).round(DECIMALS) + 0.0
    return df


def stress_detail_table(result: StressResult) -> pd.DataFrame:
    """``stress_detail.csv``: unmet demand per case, fab, product and period (rows with none left out)."""
    rows = [(c.case, f, p, t, x) for c in [result.base, *result.cases] for (f, p, t, x) in c.unmet]
    df = pd.DataFrame(rows, columns=["case", "fab", "product", "period", "unmet_t"])
    df["unmet_t"] = df["unmet_t"].astype(float).round(DECIMALS) + 0.0
    return df


def stress_disruptions_table(result: StressResult) -> pd.DataFrame:
    """``stress_disruptions.csv``: each disruption of the base plan, unmet with and without its stockpiles."""
    df = pd.DataFrame(result.disruptions, columns=["disruption", "period", "unmet_t", "unmet_without_stockpiles_t"])
    for col in ("unmet_t", "unmet_without_stockpiles_t"):
        df[col] = pd.to_numeric(df[col]).astype(float).round(DECIMALS) + 0.0
    return df


def stress_summary(result: StressResult) -> dict[str, Any]:
    """``summary.json`` of a stress run: the base plan, the top chokepoints and the settings used."""
    top = [{"case": c.case, "removed": _describe(c.removed)[0], "kind": _describe(c.removed)[1],
            "status": c.status, "unmet_t": round(c.unmet_t, 6),
            "cost_increase_usd": None if result.increase(c) is None else round(result.increase(c), 2)}  # type: ignore[arg-type]
           for c in result.cases[:10]]
    return {
        "base": {"status": result.base.status, "objective_usd": result.base.objective_usd,
                 "unmet_t": round(result.base.unmet_t, 6),
                 "china_share": {str(t): round(x, 6) for t, x in result.base.china_share.items()}},
        "money": money_basis(result.data),
        "investments": "re-optimised" if result.reoptimize else "fixed at the base plan",
        "caps_in_disrupted_cases": "kept" if result.keep_caps else "lifted",
        "unmet_penalty_usd_per_t": result.penalty_usd_per_t,
        "cases": len(result.cases),
        "cases_with_unmet_demand": sum(1 for c in result.cases if c.unmet_t > 1e-6),
        "chokepoints": top,
        "disruptions": [{"disruption": s, "period": t, "unmet_t": _round(a), "unmet_without_stockpiles_t": _round(b)}
                        for s, t, a, b in result.disruptions],
        "solver": result.base.solver,
        "wall_times_s": {k: round(v, 4) for k, v in result.times_s.items()},
        "input": {"source": result.data.source, "sha256": result.data.sha256},
        "package": {"name": "paxsilica", "version": __version__},
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)
