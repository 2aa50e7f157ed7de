"""Refinery capacity: what exists, what may be built, when it runs and what it costs.

==================  ====================================================================  ===========
BUILD_OPTIONS       (refinery, period) where new capacity may be decided and would come
                    online within the horizon
LUMPY_OPTIONS       the subset whose build is all-or-nothing above a minimum size
Build_TPA[r, d]     new capacity decided in period d                                       t REO/yr
Built[r, d]         1 if a lumpy build is decided in period d (binary: makes the model a MILP)
==================  ====================================================================  ===========

Time (see :mod:`optimizer.model.objective` for the calendar).  Capacity decided in d comes online in the first
period at or after ``d + lead_time_yr`` (and ``earliest_online_year``, an announced plant's start), call it
``on(r, d)``, and runs while a period starts within its life: on(r, d) <= t <= on(r, d) + lifetime_yr - 1.
Existing capacity runs in the periods before its ``retire_year``.  With one steady-state period (no periods sheet)
lead times and years do not apply: new capacity runs at once.

Constraints
    ``Refinery_Capacity[r, t]``:  sum_m Ore_T[m, r, t] <= existing_tpa[r, t] + sum_{d running in t} Build_TPA[r, d]
    ``Build_Limit[r]``:  sum_d Build_TPA[r, d] <= max_new_tpa[r]
    ``Lumpy_Max[r, d]``, ``Lumpy_Min[r, d]``:  min_build_tpa * Built <= Build_TPA <= max_new_tpa * Built
    ``Build_Once[r]``:  sum_d Built[r, d] <= 1

Cost term ``capex``: capacity decided in d costs its annuity
    crf(discount_rate, lifetime_yr) * (capex_usd_per_tpa * Build_TPA + fixed_capex_usd * Built)   USD/yr
in every year from its online year to the end of its life or of the horizon, whichever comes first (annuities after
the horizon are not counted), with crf(r, n) = r (1 + r)^n / ((1 + r)^n - 1), and 1 / n when r = 0.
"""

from __future__ import annotations

import math
from typing import Any

import pyomo.core as pyo

from optimizer.io.data import ModelData, Refinery
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import variables
from optimizer.model.objective import add_cost_term, period_years
from optimizer.model.sums import group, linear


def capital_recovery_factor(discount_rate: float, lifetime_yr: float) -> float:
    """Annual payment per USD of capital over ``lifetime_yr`` years at ``discount_rate`` (1/n when the rate is 0)."""
    if discount_rate == 0:
        return 1.0 / lifetime_yr
    growth = (1.0 + discount_rate) ** lifetime_yr
    return discount_rate * growth / (growth - 1.0)


def online_period(data: ModelData, refinery: Refinery, decided: int) -> int | None:
    """The period in which capacity decided in ``decided`` comes online (``None``: not within the horizon)."""
    if not data.multi_period:
        return decided
    earliest = decided + refinery.lead_time_yr
    if refinery.earliest_online_year is not None:
        earliest = max(earliest, refinery.earliest_online_year)
    return next((t for t in data.periods if t >= earliest), None)


def last_year(refinery: Refinery, online_year: int) -> int:
    """The last calendar year capacity online from ``online_year`` runs (its life is ``lifetime_yr`` years)."""
    return online_year + math.ceil(refinery.lifetime_yr) - 1


def online(data: ModelData, refinery: Refinery, decided: int, period: int) -> bool:
    """True if capacity decided in ``decided`` runs in ``period`` (online, and the period starts within its life)."""
    start = online_period(data, refinery, decided)
    if start is None or period < start:
        return False
    return not data.multi_period or period <= last_year(refinery, start)


def add_investment(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add build decisions, refinery capacity limits and the capex cost term to ``m``."""
    refs = data.refineries
    periods = list(data.periods)
    sites = [r for r, ref in refs.items() if ref.can_build]
    # A decision whose capacity would come online after the horizon could never run: it is not an option.
    options = [(r, t) for r in sites for t in periods if online_period(data, refs[r], t) is not None]
    # A site none of whose decisions would run within the horizon cannot be built at all.
    sites = [r for r in sites if any(o[0] == r for o in options)]
    m.BUILD_OPTIONS = pyo.Set(dimen=2, initialize=options)
    m.LUMPY_OPTIONS = pyo.Set(dimen=2, initialize=[(r, t) for (r, t) in m.BUILD_OPTIONS if refs[r].build == "lumpy"])
    m.BUILD_SITES = pyo.Set(initialize=sites)
    m.LUMPY_SITES = pyo.Set(initialize=[r for r in sites if refs[r].build == "lumpy"])

    m.Build_TPA = pyo.Var(m.BUILD_OPTIONS, bounds=lambda _m, r, t: (0.0, refs[r].max_new_tpa),
                          doc="new refinery capacity decided, t REO/yr")
    m.Built = pyo.Var(m.LUMPY_OPTIONS, domain=pyo.Binary, doc="1 if a lumpy build is made")

    m.Build_Limit = pyo.Constraint(
        m.BUILD_SITES, rule=lambda _m, r: sum(m.Build_TPA[r, t] for t in periods if (r, t) in m.BUILD_OPTIONS)
        <= refs[r].max_new_tpa)
    m.Lumpy_Max = pyo.Constraint(
        m.LUMPY_OPTIONS, rule=lambda _m, r, t: m.Build_TPA[r, t] <= refs[r].max_new_tpa * m.Built[r, t])
    m.Lumpy_Min = pyo.Constraint(
        m.LUMPY_OPTIONS, rule=lambda _m, r, t: m.Build_TPA[r, t] >= refs[r].min_build_tpa * m.Built[r, t])
    m.Build_Once = pyo.Constraint(
        m.LUMPY_SITES, rule=lambda _m, r: sum(m.Built[r, t] for t in periods if (r, t) in m.LUMPY_OPTIONS) <= 1)

    add_refinery_capacity(m, data, m)
    # Build sizes, lead times and build modes are structure (a re-solve cannot change them).
    for name in ("Build_Limit", "Lumpy_Max", "Lumpy_Min", "Build_Once"):
        declare_rhs(m, name, None)
    declare_var_bounds(m, "Build_TPA", None)
    declare_var_bounds(m, "Built", None)
    add_capex_cost(m, data)


def add_refinery_capacity(m: pyo.ConcreteModel, data: ModelData, b: pyo.Block) -> None:
    """``Refinery_Capacity`` of the operating state on ``b`` (the model, or a disruption's copy): the ore it
    refines within the capacity that exists and the model's builds online."""
    refs = data.refineries
    periods = list(data.periods)
    ore_t = variables(b.Ore_T)
    ore_by_ref = group(b.ORE_ARCS, lambda k: (k[1], k[2]))
    ref_periods = sorted(ore_by_ref)

    def capacity(_m, r, t):  # type: ignore[no-untyped-def]
        ore = linear([ore_t[k] for k in ore_by_ref[r, t]])
        new = sum(m.Build_TPA[r, d] for d in periods if (r, d) in m.BUILD_OPTIONS and online(data, refs[r], d, t))
        return ore - new <= refs[r].existing_tpa(t)

    b.REFINERY_PERIODS = pyo.Set(dimen=2, initialize=ref_periods)
    b.Refinery_Capacity = pyo.Constraint(b.REFINERY_PERIODS, rule=capacity)
    declare_rhs(b, "Refinery_Capacity", lambda d, i: d.refineries[i[0]].existing_tpa(i[1]))


def add_capex_cost(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register the ``capex`` cost term (a function of its own so that a re-solve can rebuild it for new prices).

    Entries are keyed ``(t, last_year)``: the annuities of the capacity running in period t, paid in the years of t
    up to ``last_year`` (the end of the life of capacity that retires within t; else the period's last year).
    """
    refs = data.refineries
    periods = list(data.periods)
    by_entry: dict[tuple[int, int], list[Any]] = {}
    for r, d in m.BUILD_OPTIONS:
        ref = refs[r]
        crf = capital_recovery_factor(data.discount_rate, ref.lifetime_yr)
        annuity = crf * ref.capex_usd_per_tpa * m.Build_TPA[r, d]
        if (r, d) in m.LUMPY_OPTIONS:
            annuity += crf * ref.fixed_capex_usd * m.Built[r, d]
        start = online_period(data, ref, d)
        for t in periods:
            if online(data, ref, d, t):
                end = period_years(data, t)[-1]
                last = min(end, last_year(ref, start)) if data.multi_period else end  # type: ignore[arg-type]
                by_entry.setdefault((t, last), []).append(annuity)
    add_cost_term(m, "capex", {key: sum(terms) for key, terms in sorted(by_entry.items())})
