"""Near-optimal alternatives (modelling to generate alternatives): what every plan within a slack of the optimum's
cost builds, and where the choice is free.

With the plan's cost held within ``slack`` of the optimum (:func:`optimizer.analysis.near_optimal.cost_bound`) and
every other constraint kept (the caps included), each group of new capacity
(:mod:`optimizer.analysis.alternatives_groups`: per country by default, per period on a pathway) is minimised and
maximised in turn on one compiled program (:mod:`optimizer.analysis.near_optimal`).  A group whose least is above
zero is **built in every near-optimal plan**; one whose least is zero and most is not may be left out.

Tables
    ``alternatives``         one row per group: ``least_tpa``, ``most_tpa`` and ``optimum_tpa`` (t/yr), and for
                             each of the three plans its cost (the objective: ``*_cost_usd_pv``, the horizon's
                             present value at the base year, on a pathway; ``*_cost_usd_per_yr`` for one
                             steady-state year; :mod:`optimizer.solver.money`), China's share of demand in the
                             group's period (``*_china_share``) and the extreme's solver status.
    ``alternatives_builds``  the builds of every plan: the optimum (``plan`` = ``optimum``, no group) and each
                             group's least and most, one row per build option above zero.

The extremes are independent (each starts from the optimum), so they run on ``workers`` processes, in fixed chunks:
the tables are the same whatever the number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import Any

import pandas as pd

from optimizer import __version__
from optimizer.analysis.alternatives_groups import GROUP_BY, Group
from optimizer.analysis.near_optimal import (
    LEAST,
    MOST,
    ExtremesTask,
    NearOptimalProgram,
    Plan,
    cost_bound,
    extreme_options,
    for_extremes,
    solve_extremes,
)
from optimizer.errors import InputError, Problem
from optimizer.io.data import ModelData
from optimizer.solver.headline import money_basis
from optimizer.solver.highs import Outcome, SolveOptions
from optimizer.solver.money import money_column
from optimizer.solver.results import TOL

BUILT_TOL_TPA = 1e-6  # t/yr: a least below this is no build (solver noise)


@dataclass
class Alternatives:
    """The optimum, the groups and each group's least and most plan."""

    data: ModelData
    slack: float
    by: str
    period: int | None
    optimum: Plan
    bound_usd: float | None = None
    is_mip: bool = False
    slack_usd: float | None = None  # an absolute slack (USD, in the objective's money), where given instead
    groups: list[Group] = field(default_factory=list)
    members: list[list[int]] = field(default_factory=list)
    options: list[tuple[str, str, str, int]] = field(default_factory=list)  # (kind, site, country, period)
    least: list[Plan] = field(default_factory=list)
    most: list[Plan] = field(default_factory=list)
    times_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the optimum has a plan (the extremes may still have failed: see :attr:`failed`)."""
        return self.optimum.usable

    @property
    def failed(self) -> list[str]:
        """The extremes without a usable plan, as ``"JPN refinery least: time_limit"``."""
        return [f"{g.label} {sense}: {p.status}" for g, lo, hi in zip(self.groups, self.least, self.most)
                for sense, p in ((LEAST, lo), (MOST, hi)) if not p.usable]

    def always_built(self, i: int) -> bool:
        """Group i is built in every near-optimal plan: its least is above zero and proven (an optimal extreme)."""
        least = self.least[i].group_tpa(self.members[i])
        return least is not None and least > BUILT_TOL_TPA and self.least[i].status == Outcome.OPTIMAL.value


def check_request(data: ModelData, slack: float, by: str, period: int | None, slack_usd: float | None = None) -> None:
    """Refuse a request that cannot be answered, naming the option.

    Raises
    ------
    InputError
        A negative or non-finite slack, an unknown grouping, or a period that is not one of the case's.
    """
    problems = []
    if not slack >= 0 or slack == float("inf"):
        problems.append(Problem("--slack", f"must be a finite number >= 0, got {slack}"))
    if slack_usd is not None and (not slack_usd >= 0 or slack_usd == float("inf")):
        problems.append(Problem("--slack-usd", f"must be a finite number >= 0, got {slack_usd}"))
    if by not in GROUP_BY:
        problems.append(Problem("--by", f"expected one of {', '.join(GROUP_BY)}, got {by!r}"))
    if period is not None and (not data.multi_period or period not in data.periods):
        known = ", ".join(str(t) for t in data.periods) if data.multi_period else "none: no periods sheet"
        problems.append(Problem("--period", f"{period} is not a period of the case (periods: {known})"))
    if problems:
        raise InputError(problems)


def _chunks(extremes: list[tuple[int, str]], workers: int) -> list[tuple[tuple[int, str], ...]]:
    size = max(1, -(-len(extremes) // max(1, workers)))  # at least 1: a case without candidates has no extremes
    return [tuple(extremes[i:i + size]) for i in range(0, len(extremes), size)]


def _proxy(mapping: dict) -> MappingProxyType:  # type: ignore[type-arg]
    return MappingProxyType(mapping)


def _reduce_proxy(proxy: MappingProxyType) -> tuple[Any, tuple[dict]]:  # type: ignore[type-arg]
    """Pickle a read-only mapping of the case (a worker's task) as the dict it shows, made read-only again."""
    return _proxy, (dict(proxy),)


def prepare(data: ModelData, by: str = "country", period: int | None = None) -> NearOptimalProgram:
    """The case's model compiled, with its groups (``near.groups``), ready for :func:`run_alternatives`."""
    check_request(data, 0.0, by, period)
    return NearOptimalProgram(data, by, period)


def run_alternatives(data: ModelData, slack: float = 0.05, by: str = "country", period: int | None = None,
                     options: SolveOptions | None = None, workers: int = 1,
                     on_extreme: Callable[[Group, str, Plan], None] | None = None,
                     near: NearOptimalProgram | None = None, slack_usd: float | None = None) -> Alternatives:
    """Solve the optimum, then each group's least and most new capacity within ``slack`` of its cost.

    Parameters
    ----------
    data : the case (caps as they should hold in every plan).
    slack : the cost allowed above the optimum, as a fraction of its magnitude (0.05: 5%).
    by : group new capacity by ``country``, ``site`` or ``stage`` (see :mod:`optimizer.analysis.alternatives_groups`).
    period : on a pathway, only the groups of capacity decided in this period.
    options : solver settings; ``time_limit`` holds for each solve.
    workers : processes that solve the extremes (1: this one).
    on_extreme : told of each extreme as it is solved (in chunks when ``workers`` > 1).
    near : the program of :func:`prepare` for the same arguments, when the caller made it (to count the groups).
    slack_usd : the cost allowed above the optimum in USD (present value on a pathway, per year for one year),
        instead of ``slack``: on a case whose total is far from what the choices at stake cost (the whole chain's
        cost net of co-product sales), an absolute slack asks the sharper question.

    Raises
    ------
    InputError
        See :func:`check_request`.
    """
    check_request(data, slack, by, period, slack_usd)
    options = options or SolveOptions()
    start = time.perf_counter()
    near = near or prepare(data, by, period)
    out = Alternatives(data, slack, by, period, Plan("not solved"), is_mip=near.program.is_mip, slack_usd=slack_usd,
                       groups=near.groups,
                       members=near.members, options=[(o.kind, o.site, o.country, o.period) for o in near.options])
    out.times_s["build"] = near.build_s
    optimum, warm = near.solve_optimum(options)
    out.optimum = optimum
    out.times_s["optimum"] = optimum.solve_s
    if warm is None or optimum.cost_usd is None:
        out.times_s["total"] = time.perf_counter() - start
        return out
    out.bound_usd = cost_bound(optimum.cost_usd, slack, slack_usd)
    extremes = [(g, sense) for g in range(len(near.groups)) for sense in (LEAST, MOST)]
    task = ExtremesTask(data, by, period, out.bound_usd, warm, extreme_options(options, near.program.is_mip), ())
    solved: dict[tuple[int, str], Plan] = {}

    def done(chunk: tuple[tuple[int, str], ...], plans: list[Plan]) -> None:
        for (g, sense), plan in zip(chunk, plans):
            solved[g, sense] = plan
            if on_extreme:
                on_extreme(near.groups[g], sense, plan)

    solving = time.perf_counter()
    chunks = _chunks(extremes, workers)
    if workers <= 1 or len(chunks) <= 1:
        near.add_cost_row(out.bound_usd)
        for extreme in extremes:
            done((extreme,), solve_extremes(for_extremes(task, (extreme,)), near))
    else:
        ForkingPickler.register(MappingProxyType, _reduce_proxy)  # the case's tables are read-only mappings
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(solve_extremes, for_extremes(task, chunk)): chunk for chunk in chunks}
            for future in as_completed(futures):
                done(futures[future], future.result())
    out.least = [solved[g, LEAST] for g in range(len(near.groups))]
    out.most = [solved[g, MOST] for g in range(len(near.groups))]
    out.times_s["extremes"] = time.perf_counter() - solving
    out.times_s["extreme_solves"] = sum(p.solve_s for p in out.least + out.most)
    out.times_s["total"] = time.perf_counter() - start
    return out


# --- tables ---------------------------------------------------------------------------------------------------


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(x, digits)


def alternatives_table(alt: Alternatives) -> pd.DataFrame:
    """One row per group (see the module docstring)."""
    rows = []
    multi = alt.data.multi_period
    for i, g in enumerate(alt.groups):
        row: dict[str, Any] = {"group": g.name, "kind": g.kind, "period": g.period}
        plans = {"least": alt.least[i], "most": alt.most[i], "optimum": alt.optimum}
        for name, plan in plans.items():
            row[f"{name}_tpa"] = _round(plan.group_tpa(alt.members[i]))
        for name, plan in plans.items():
            row[money_column(f"{name}_cost", multi)] = _round(plan.cost_usd, 2)
        for name, plan in plans.items():
            row[f"{name}_china_share"] = _round(plan.china_share.get(g.period))
        row["built_in_every_plan"] = alt.always_built(i)
        row["least_status"], row["most_status"] = alt.least[i].status, alt.most[i].status
        rows.append(row)
    columns = ["group", "kind", "period", "least_tpa", "most_tpa", "optimum_tpa",
               *(money_column(f"{name}_cost", multi) for name in ("least", "most", "optimum")),
               "least_china_share", "most_china_share", "optimum_china_share",
               "built_in_every_plan", "least_status", "most_status"]
    return pd.DataFrame(rows, columns=columns)


def builds_table(alt: Alternatives) -> pd.DataFrame:
    """The builds of the optimum and of every extreme (one row per build option above ``TOL``)."""
    rows = []

    def add(group: Group | None, plan_name: str, plan: Plan) -> None:
        for (kind, site, country, decided), tpa in zip(alt.options, plan.option_tpa):
            if tpa > TOL:
                rows.append({"group": "" if group is None else group.name,
                             "group_kind": "" if group is None else group.kind,
                             "group_period": None if group is None else group.period, "plan": plan_name,
                             "kind": kind, "site": site, "country": country, "period": decided,
                             "new_tpa": round(tpa, 6)})

    add(None, "optimum", alt.optimum)
    for g, lo, hi in zip(alt.groups, alt.least, alt.most):
        add(g, LEAST, lo)
        add(g, MOST, hi)
    columns = ["group", "group_kind", "group_period", "plan", "kind", "site", "country", "period", "new_tpa"]
    df = pd.DataFrame(rows, columns=columns)
    # A year, blank for the optimum's rows: whole numbers and None in an object column (as builds.csv's years).
    df["group_period"] = pd.Series([r["group_period"] for r in rows], index=df.index, dtype=object)
    return df


def alternatives_summary(alt: Alternatives) -> dict[str, Any]:
    """The ``summary.json`` document: the optimum, the bound, what every near-optimal plan builds, the times."""
    t = alt.times_s
    per_extreme = t.get("extreme_solves", 0.0) / max(1, 2 * len(alt.groups))
    return {
        "status": alt.optimum.status,
        "objective_usd": alt.optimum.cost_usd,
        "slack": alt.slack if alt.slack_usd is None else None,
        "slack_usd": alt.slack_usd,
        "cost_bound_usd": alt.bound_usd,
        "money": money_basis(alt.data),
        "by": alt.by,
        "period": alt.period,
        "is_mip": alt.is_mip,
        "groups": len(alt.groups),
        "built_in_every_plan": [g.label + (f" {g.period}" if alt.data.multi_period else "")
                                for i, g in enumerate(alt.groups) if alt.always_built(i)],
        "extremes_without_plan": alt.failed,
        "wall_times_s": {**{k: round(v, 4) for k, v in t.items()}, "per_extreme": round(per_extreme, 4),
                         "extreme_over_optimum": round(per_extreme / t["optimum"], 3) if t.get("optimum") else None},
        "input": {"source": alt.data.source, "sha256": alt.data.sha256},
        "package": {"name": "paxsilica", "version": __version__},
    }


def verdict(alt: Alternatives, i: int) -> str:
    """What every near-optimal plan does with group i, in words."""
    least, most = alt.least[i].group_tpa(alt.members[i]), alt.most[i].group_tpa(alt.members[i])
    if least is None or most is None:
        return "not measured (" + ", ".join(p.status for p in (alt.least[i], alt.most[i]) if not p.usable) + ")"
    if alt.always_built(i):
        return "built in every near-optimal plan"
    if most <= BUILT_TOL_TPA:
        return "built in no near-optimal plan"
    return "a free choice: some near-optimal plans build nothing there"


def group_lines(alt: Alternatives) -> list[str]:
    """One line per group: its range, the optimum's figure and the verdict."""
    lines = []
    for i, g in enumerate(alt.groups):
        least, most = alt.least[i].group_tpa(alt.members[i]), alt.most[i].group_tpa(alt.members[i])
        when = f" decided in {g.period}" if alt.data.multi_period else ""
        span = "?" if least is None or most is None else f"{least:,.6g} to {most:,.6g} t/yr"
        best = alt.optimum.group_tpa(alt.members[i]) or 0.0
        lines.append(f"{g.label}{when}: {span} (optimum {best:,.6g}): {verdict(alt, i)}")
    return lines


__all__ = ["Alternatives", "alternatives_summary", "alternatives_table", "builds_table", "check_request",
           "group_lines", "prepare", "run_alternatives", "verdict"]
