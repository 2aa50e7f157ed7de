"""The groups of new capacity whose ranges ``paxsilica alternatives`` measures: the one definition of what a build
option is and how options are grouped.

A *build option* is one decision of new capacity the model may take: its kind (what is built), its site, the
site's country, the period in which it is decided, and the model's expression of the capacity decided (t/yr).
:func:`optimizer.model.investment.build_options` lists every kind of investment of the model (refineries, mines,
purifiers, fab-grade lines); a kind the case cannot build has no options.  A *group* sums the options of one kind that share a key:

========  =====================================================================
``by``    the key of a group
========  =====================================================================
country   the site's country (the default): JPN's refineries, KOR's refineries
site      the site itself
stage     the kind alone: every refinery build of the period
========  =====================================================================

and, on a pathway, the period of the decision (one group per period; ``--period`` keeps one).  A group never sums
two kinds: their capacities are of different things (t of ore, t of oxide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.model.investment import KINDS as KIND_ORDER
from optimizer.model.investment import build_options as investment_options

GROUP_BY = ("country", "site", "stage")


@dataclass(frozen=True)
class BuildOption:
    """One decision of new capacity: ``expr`` is the model's expression of the capacity decided (t/yr)."""

    kind: str
    site: str
    country: str
    period: int
    expr: Any


def build_options(m: pyo.ConcreteModel, data: ModelData) -> list[BuildOption]:
    """Every build option of model ``m`` (:func:`optimizer.model.investment.build_options`, the one list of every
    kind of investment: refineries, mines, purifiers, fab-grade lines), kind by kind, each kind's in index order."""
    return [BuildOption(kind, site, country, int(period), var)
            for kind, site, country, period, var in investment_options(m, data)]


def group_key(option: BuildOption, by: str) -> str:
    """The name of the group ``option`` belongs to when grouping ``by`` country, site or stage."""
    if by == "country":
        return option.country
    if by == "site":
        return option.site
    if by == "stage":
        return option.kind
    raise ValueError(f"group by {by!r}: expected one of {', '.join(GROUP_BY)}")


@dataclass(frozen=True)
class Group:
    """The options whose capacity is summed: one kind, one key, one period of decision."""

    name: str
    kind: str
    period: int
    options: tuple[BuildOption, ...]

    @property
    def label(self) -> str:
        """``JPN refinery`` (``refinery`` when grouped by stage), with the period on a pathway."""
        return self.name if self.name == self.kind else f"{self.name} {self.kind}"


def groups(options: list[BuildOption], by: str = "country", period: int | None = None) -> list[Group]:
    """The groups of ``options`` (see the module docstring), sorted by kind (refinery, mine, purifier, upgrade),
    period and name; only the options decided in ``period`` when it is given."""
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    members: dict[tuple[int, int, str, str], list[BuildOption]] = {}
    for o in options:
        if period is not None and o.period != period:
            continue
        members.setdefault((order.get(o.kind, len(order)), o.period, group_key(o, by), o.kind), []).append(o)
    return [Group(name, kind, t, tuple(found)) for (_, t, name, kind), found in sorted(members.items())]

