"""New capacity, one rule for every kind of site: what exists, what may be built, when it runs and what it costs.

Refineries, mines, purifiers and fab-grade upgrades are built by the same rule (an :class:`Expansion` each); only
the names of their components differ, so that the refineries' are those they always had:

==========  =====================  ===================  ==================================  ==================
kind        options (site, d)      new capacity         limits                              unit
==========  =====================  ===================  ==================================  ==================
refinery    ``BUILD_OPTIONS``      ``Build_TPA[r, d]``  ``Build_Limit``, ``Lumpy_Max``, ...  t REO input/yr
mine        ``MINE_BUILD_OPTIONS`` ``Mine_Build_T``     ``Mine_Build_Limit``, ...           t REO/yr
purifier    ``PURIFIER_...``       ``Purifier_Build_T`` ``Purifier_Build_Limit``, ...       t oxide fed/yr
upgrade     ``UPGRADE_...``        ``Upgrade_Build_T``  ``Upgrade_Build_Limit``, ...        t fab-grade oxide/yr
==========  =====================  ===================  ==================================  ==================

(and the binaries ``Built``, ``Mine_Built``, ...).  The refinery kind is always in the model; another kind only when
some site of it can be built.  :func:`build_options` lists every option of every kind as
``(kind, site, country, period, variable)``.

Time (see :mod:`optimizer.model.objective` for the calendar).  Capacity decided in d comes online in the first
period at or after ``d + lead_time_yr`` (and ``earliest_online_year``, an announced start), call it ``on(s, d)``,
and runs while a period starts within its life: on(s, d) <= t <= on(s, d) + lifetime_yr - 1.  A decision that would
come online after the horizon is not an option (a site with no option cannot be built).  Existing capacity runs in
the periods before its ``retire_year``.  With one steady-state period (no periods sheet) lead times and years do
not apply: new capacity runs at once.

Constraints (for each kind, with its names)
    ``Build_Limit[s]``:  sum_d Build[s, d] <= max_new[s]
    ``Lumpy_Max[s, d]``, ``Lumpy_Min[s, d]``:  min_build * Built <= Build <= max_new * Built
    ``Build_Once[s]``:  sum_d Built[s, d] <= 1
    capacity:  ``Refinery_Capacity[r, t]``:  sum_m Ore_T[m, r, t] <= existing_tpa[r, t] + sum_{d running in t} Build_TPA[r, d]
               ``Mine_Capacity[m, t]``: sum_r Ore_T[m, r, t] <= existing_t[m, t] + sum_{d running in t} Mine_Build_T[m, d]
               (purifiers and upgrades: :mod:`optimizer.model.purifiers`, :mod:`optimizer.model.upgrades`)

Cost term ``capex``: capacity decided in d costs its annuity
    crf(discount_rate, lifetime_yr) * (capex_usd_per_tpa * Build + fixed_capex_usd * Built)   USD/yr
in every year from its online year to the end of its life or of the horizon, whichever comes first (annuities after
the horizon are not counted), with crf(r, n) = r (1 + r)^n / ((1 + r)^n - 1), and 1 / n when r = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import pyomo.core as pyo

from optimizer.io.data import Expansion, ModelData
from optimizer.model.bounds import declare_rhs, declare_var_bounds
from optimizer.model.bulk import variables
from optimizer.model.objective import add_cost_term, period_years
from optimizer.model.purifiers import add_purifier_capacity
from optimizer.model.sums import group, linear
from optimizer.model.upgrades import add_upgrade_capacity


class Timed(Protocol):
    """What the time rule reads of a site (an :class:`Expansion`, or a Refinery's own columns)."""

    @property
    def lead_time_yr(self) -> float: ...

    @property
    def earliest_online_year(self) -> int | None: ...

    @property
    def lifetime_yr(self) -> float: ...


@dataclass(frozen=True)
class KindNames:
    """The component names of one kind of build."""

    options: str
    lumpy_options: str
    sites: str
    lumpy_sites: str
    build: str
    built: str
    limit: str
    lumpy_max: str
    lumpy_min: str
    once: str


def _names(prefix: str, upper: str, unit: str) -> KindNames:
    return KindNames(f"{upper}BUILD_OPTIONS", f"{upper}LUMPY_OPTIONS", f"{upper}BUILD_SITES", f"{upper}LUMPY_SITES",
                     f"{prefix}Build_{unit}", f"{prefix}Built", f"{prefix}Build_Limit", f"{prefix}Lumpy_Max",
                     f"{prefix}Lumpy_Min", f"{prefix}Build_Once")


KINDS: dict[str, KindNames] = {
    "refinery": _names("", "", "TPA"),
    "mine": _names("Mine_", "MINE_", "T"),
    "purifier": _names("Purifier_", "PURIFIER_", "T"),
    "upgrade": _names("Upgrade_", "UPGRADE_", "T"),
}


def build_sites(data: ModelData) -> dict[str, dict[str, tuple[str, Expansion]]]:
    """``{kind: {site: (country, expansion)}}`` for every site of every kind that can be built, in input order."""
    purifiers, upgrades = data.purifiers, data.upgrades
    return {
        "refinery": {r: (v.country, v.expansion) for r, v in data.refineries.items() if v.can_build},
        "mine": {k: (v.country, v.expansion) for k, v in data.mines.items() if v.expansion.can_build},
        "purifier": {k: (v.country, v.expansion) for k, v in purifiers.items() if v.expansion.can_build},
        "upgrade": {k: (data.refineries[v.refinery].country, v.expansion) for k, v in upgrades.items()
                    if v.expansion.can_build},
    }


def capital_recovery_factor(discount_rate: float, lifetime_yr: float) -> float:
    """Annual payment per USD of capital over ``lifetime_yr`` years at ``discount_rate`` (1/n when the rate is 0)."""
    if discount_rate == 0:
        return 1.0 / lifetime_yr
    growth = (1.0 + discount_rate) ** lifetime_yr
    return discount_rate * growth / (growth - 1.0)


def online_period(data: ModelData, site: Timed, decided: int) -> int | None:
    """The period in which capacity decided in ``decided`` comes online (``None``: not within the horizon)."""
    if not data.multi_period:
        return decided
    earliest = decided + site.lead_time_yr
    if site.earliest_online_year is not None:
        earliest = max(earliest, site.earliest_online_year)
    return next((t for t in data.periods if t >= earliest), None)


def last_year(site: Timed, online_year: int) -> int:
    """The last calendar year capacity online from ``online_year`` runs (its life is ``lifetime_yr`` years)."""
    return online_year + math.ceil(site.lifetime_yr) - 1


def online(data: ModelData, site: Timed, decided: int, period: int) -> bool:
    """True if capacity decided in ``decided`` runs in ``period`` (online, and the period starts within its life)."""
    start = online_period(data, site, decided)
    if start is None or period < start:
        return False
    return not data.multi_period or period <= last_year(site, start)


def add_investment(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add build decisions of every kind, refinery and mine capacity limits and the capex cost term to ``m``."""
    m.build_kinds = {}
    for kind, sites in build_sites(data).items():
        if kind == "refinery" or sites:
            _add_kind(m, data, kind, {s: e for s, (_c, e) in sites.items()})
    add_capacity(m, data, m)
    add_capex_cost(m, data)


def _add_kind(m: pyo.ConcreteModel, data: ModelData, kind: str, sites: dict[str, Expansion]) -> None:
    n = KINDS[kind]
    periods = list(data.periods)
    options = [(s, t) for s in sites for t in periods if online_period(data, sites[s], t) is not None]
    # A site none of whose decisions would run within the horizon cannot be built at all.
    buildable = [s for s in sites if any(o[0] == s for o in options)]
    lumpy = [s for s in buildable if sites[s].build == "lumpy"]
    setattr(m, n.options, pyo.Set(dimen=2, initialize=options))
    setattr(m, n.lumpy_options, pyo.Set(dimen=2, initialize=[(s, t) for (s, t) in options if s in lumpy]))
    setattr(m, n.sites, pyo.Set(initialize=buildable))
    setattr(m, n.lumpy_sites, pyo.Set(initialize=lumpy))
    opts, lumpy_opts = getattr(m, n.options), getattr(m, n.lumpy_options)
    setattr(m, n.build, pyo.Var(opts, bounds=lambda _m, s, t: (0.0, sites[s].max_new),
                                doc=f"new {kind} capacity decided"))
    setattr(m, n.built, pyo.Var(lumpy_opts, domain=pyo.Binary, doc=f"1 if a lumpy {kind} build is made"))
    build, built = getattr(m, n.build), getattr(m, n.built)
    setattr(m, n.limit, pyo.Constraint(
        getattr(m, n.sites), rule=lambda _m, s: sum(build[s, t] for t in periods if (s, t) in opts)
        <= sites[s].max_new))
    setattr(m, n.lumpy_max, pyo.Constraint(
        lumpy_opts, rule=lambda _m, s, t: build[s, t] <= sites[s].max_new * built[s, t]))
    setattr(m, n.lumpy_min, pyo.Constraint(
        lumpy_opts, rule=lambda _m, s, t: build[s, t] >= sites[s].min_build * built[s, t]))
    setattr(m, n.once, pyo.Constraint(
        getattr(m, n.lumpy_sites), rule=lambda _m, s: sum(built[s, t] for t in periods if (s, t) in lumpy_opts) <= 1))
    # Build sizes, lead times and build modes are structure (a re-solve cannot change them).
    for name in (n.limit, n.lumpy_max, n.lumpy_min, n.once):
        declare_rhs(m, name, None)
    declare_var_bounds(m, n.build, None)
    declare_var_bounds(m, n.built, None)
    m.build_kinds[kind] = n


def new_capacity(m: pyo.ConcreteModel, data: ModelData, kind: str) -> dict[tuple[str, int], list[Any]]:
    """``{(site, period): [build variables running then]}`` for one kind (empty when the model has none of it)."""
    n = m.build_kinds.get(kind)
    if n is None:
        return {}
    sites = {s: e for s, (_c, e) in build_sites(data)[kind].items()}
    build = getattr(m, n.build)
    out: dict[tuple[str, int], list[Any]] = {}
    for s, d in getattr(m, n.options):
        for t in data.periods:
            if online(data, sites[s], d, t):
                out.setdefault((s, t), []).append(build[s, d])
    return out


def build_options(m: pyo.ConcreteModel, data: ModelData) -> list[tuple[str, str, str, int, Any]]:
    """Every build option of the model: ``(kind, site, country, period decided, variable)``, kinds in the order
    refinery, mine, purifier, upgrade (an upgrade's country is its refinery's)."""
    out = []
    for kind, sites in build_sites(data).items():
        n = m.build_kinds.get(kind)
        if n is None:
            continue
        for (s, d), var in getattr(m, n.build).items():
            out.append((kind, s, sites[s][0], d, var))
    return out


def add_capacity(m: pyo.ConcreteModel, data: ModelData, b: pyo.Block) -> None:
    """The capacity rows of the operating state on ``b`` (the model, or a disruption's copy): ``Refinery_Capacity``
    (the ore it refines within the capacity that exists and the builds online) and the new capacity of buildable
    mines added to ``Mine_Capacity``."""
    add_refinery_capacity(m, data, b)
    add_purifier_capacity(b, data, new_capacity(m, data, "purifier"))
    add_upgrade_capacity(b, data, new_capacity(m, data, "upgrade"))
    mine_new = new_capacity(m, data, "mine")
    if not mine_new:
        return
    ore_t = variables(b.Ore_T)
    ore_by_mine = group(b.ORE_ARCS, lambda k: (k[0], k[2]))
    for (mine, t), con in b.Mine_Capacity.items():
        new = mine_new.get((mine, t))
        if new:
            con.set_value(linear([ore_t[k] for k in ore_by_mine[mine, t]] + [-1.0 * v for v in new])
                          <= data.mines[mine].existing_t(t))


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
    """Register the ``capex`` cost term of every kind (a function of its own so that a re-solve can rebuild it for
    new prices).

    Entries are keyed ``(t, last_year)``: the annuities of the capacity running in period t, paid in the years of t
    up to ``last_year`` (the end of the life of capacity that retires within t; else the period's last year).
    """
    periods = list(data.periods)
    by_entry: dict[tuple[int, int], list[Any]] = {}
    for kind, sites in build_sites(data).items():
        n = m.build_kinds.get(kind)
        if n is None:
            continue
        build, built, lumpy = getattr(m, n.build), getattr(m, n.built), getattr(m, n.lumpy_options)
        for s, d in getattr(m, n.options):
            site = sites[s][1]
            crf = capital_recovery_factor(data.discount_rate, site.lifetime_yr)
            annuity = crf * site.capex_usd_per_tpa * build[s, d]
            if (s, d) in lumpy:
                annuity += crf * site.fixed_capex_usd * built[s, d]
            start = online_period(data, site, d)
            for t in periods:
                if online(data, site, d, t):
                    end = period_years(data, t)[-1]
                    last = min(end, last_year(site, start)) if data.multi_period else end  # type: ignore[arg-type]
                    by_entry.setdefault((t, last), []).append(annuity)
    add_cost_term(m, "capex", {key: sum(terms) for key, terms in sorted(by_entry.items())})
