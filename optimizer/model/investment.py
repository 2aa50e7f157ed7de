"""Refinery capacity: what exists, what may be built, when it runs and what it costs.

==================  ====================================================================  ===========
BUILD_OPTIONS       (refinery, period) where new capacity may be decided
LUMPY_OPTIONS       the subset whose build is all-or-nothing above a minimum size
Build_TPA[r, t]     new capacity decided in period t                                       t REO/yr
Built[r, t]         1 if a lumpy build is made in period t (binary: makes the model a MILP)
==================  ====================================================================  ===========

Constraints
    ``Refinery_Capacity[r, t]``:  sum_m Ore_T[m, r, t] <= capacity_tpa[r] + sum_{t' online by t} Build_TPA[r, t']
        where capacity decided in t' is online from year t' + lead_time_yr[r] (with one steady-state period,
        lead times do not apply and new capacity runs at once).
    ``Build_Limit[r]``:  sum_t Build_TPA[r, t] <= max_new_tpa[r]
    ``Lumpy_Max[r, t]``, ``Lumpy_Min[r, t]``:  min_build_tpa * Built <= Build_TPA <= max_new_tpa * Built
    ``Build_Once[r]``:  sum_t Built[r, t] <= 1

Cost term ``capex``: capacity decided in t' costs, in every period t >= t', its annualised capital cost
    crf(discount_rate, lifetime_yr) * (capex_usd_per_tpa * Build_TPA + fixed_capex_usd * Built)   USD/yr
with crf(r, n) = r (1 + r)^n / ((1 + r)^n - 1), and 1 / n when r = 0.
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo

from optimizer.io.data import ModelData, Refinery
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.network import group, linear, variables
from optimizer.model.objective import add_cost_term


def capital_recovery_factor(discount_rate: float, lifetime_yr: float) -> float:
    """Annual payment per USD of capital over ``lifetime_yr`` years at ``discount_rate`` (1/n when the rate is 0)."""
    if discount_rate == 0:
        return 1.0 / lifetime_yr
    growth = (1.0 + discount_rate) ** lifetime_yr
    return discount_rate * growth / (growth - 1.0)


def online(data: ModelData, refinery: Refinery, decided: int, period: int) -> bool:
    """True if capacity decided in ``decided`` runs in ``period``."""
    if not data.multi_period:
        return decided == period
    return decided + refinery.lead_time_yr <= period


def add_investment(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add build decisions, refinery capacity limits and the capex cost term to ``m``."""
    refs = data.refineries
    periods = list(data.periods)
    sites = [r for r, ref in refs.items() if ref.can_build]
    m.BUILD_OPTIONS = pyo.Set(dimen=2, initialize=[(r, t) for r in sites for t in periods])
    m.LUMPY_OPTIONS = pyo.Set(dimen=2, initialize=[(r, t) for (r, t) in m.BUILD_OPTIONS if refs[r].build == "lumpy"])
    m.BUILD_SITES = pyo.Set(initialize=sites)
    m.LUMPY_SITES = pyo.Set(initialize=[r for r in sites if refs[r].build == "lumpy"])

    m.Build_TPA = pyo.Var(m.BUILD_OPTIONS, bounds=lambda _m, r, t: (0.0, refs[r].max_new_tpa),
                          doc="new refinery capacity decided, t REO/yr")
    m.Built = pyo.Var(m.LUMPY_OPTIONS, domain=pyo.Binary, doc="1 if a lumpy build is made")

    m.Build_Limit = pyo.Constraint(
        m.BUILD_SITES, rule=lambda _m, r: sum(m.Build_TPA[r, t] for t in periods) <= refs[r].max_new_tpa)
    m.Lumpy_Max = pyo.Constraint(
        m.LUMPY_OPTIONS, rule=lambda _m, r, t: m.Build_TPA[r, t] <= refs[r].max_new_tpa * m.Built[r, t])
    m.Lumpy_Min = pyo.Constraint(
        m.LUMPY_OPTIONS, rule=lambda _m, r, t: m.Build_TPA[r, t] >= refs[r].min_build_tpa * m.Built[r, t])
    m.Build_Once = pyo.Constraint(m.LUMPY_SITES, rule=lambda _m, r: sum(m.Built[r, t] for t in periods) <= 1)

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
        return ore - new <= refs[r].capacity_tpa

    b.REFINERY_PERIODS = pyo.Set(dimen=2, initialize=ref_periods)
    b.Refinery_Capacity = pyo.Constraint(b.REFINERY_PERIODS, rule=capacity)
    declare_rhs(b, "Refinery_Capacity", lambda d, i: d.refineries[i[0]].capacity_tpa)


def add_capex_cost(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register the ``capex`` cost term (a function of its own so that a re-solve can rebuild it for new prices)."""
    refs = data.refineries
    periods = list(data.periods)

    def annual_capex(r: str, decided: int) -> Any:
        ref = refs[r]
        crf = capital_recovery_factor(data.discount_rate, ref.lifetime_yr)
        expr = crf * ref.capex_usd_per_tpa * m.Build_TPA[r, decided]
        if (r, decided) in m.LUMPY_OPTIONS:
            expr += crf * ref.fixed_capex_usd * m.Built[r, decided]
        return expr

    add_cost_term(m, "capex", {
        t: sum(annual_capex(r, d) for (r, d) in m.BUILD_OPTIONS if d <= t) for t in periods})
