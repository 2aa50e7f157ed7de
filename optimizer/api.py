"""The Python API, for notebooks and scripts: the same cases, solves and files as the command line.

>>> import paxsilica as px                             # or: import optimizer as px
>>> case = px.load()                                   # the embedded dataset  # doctest: +SKIP
>>> run = px.solve(case, caps={"CHN:any": 0.5})        # doctest: +SKIP
>>> run.status                                         # doctest: +SKIP
'optimal'
>>> run.tables["builds"]                               # a pandas DataFrame, as builds.csv  # doctest: +SKIP
>>> run.write("outputs/capped")                        # the files `paxsilica solve --out` writes  # doctest: +SKIP
>>> m = px.build(case)                                 # the Pyomo model, to change first (optimizer.api_model)  # doctest: +SKIP
>>> px.solve(m)                                        # doctest: +SKIP

Every function calls what the command of the same name calls, so a number here is the number in the CSV files of
``paxsilica solve`` (``sweep``, ``stress``) on the same input and options.  Bad input raises
:class:`optimizer.errors.InputError`, whose ``problems`` name each sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.analysis import DEFAULT_SWEPT_CAP
from optimizer.io.data import ModelData
from optimizer.solver.highs import SolveOptions
from optimizer.solver.run import CaseRun

if TYPE_CHECKING:
    from optimizer.api_model import Model

PathLike = str | Path


@dataclass(frozen=True)
class Case:
    """An input, read, checked and ready to solve.

    Attributes
    ----------
    data : the validated case (:class:`~optimizer.io.data.ModelData`).
    path : where it was read from (an ``.xlsx`` workbook or a folder of CSV files).
    scenario : the scenario applied to it (``"base"`` when none).
    extra : what ``summary.json`` records about the scenario file, when one was applied.
    """

    data: ModelData
    path: Path
    scenario: str = "base"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        d = self.data
        return (f"Case({str(self.path)!r}, scenario={self.scenario!r}: {len(d.mines)} mines, {len(d.refineries)} "
                f"refineries, {len(d.fab_country)} fabs, {len(d.caps)} caps)")


@dataclass
class Result:
    """Tables and ``summary.json`` of a command, and :meth:`write` to save them as the command would."""

    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    inputs: tuple[Path, ...] = ()  # what the results were made from: ``write`` refuses a folder that is or holds one

    def write(self, out_dir: PathLike) -> Path:
        """Write the result files into ``out_dir`` (CSV files, ``results.xlsx``, ``summary.json``), with the same
        safe writer as the command line: only the tool's own files are replaced, all at once, and a folder that is
        or holds the input is refused (:class:`optimizer.io.outdir.OutputError`)."""
        from optimizer.io.write import write_results

        return write_results(Path(out_dir), self.tables, self.summary, protect=self.inputs)


@dataclass
class Run(Result):
    """One solved case (``paxsilica solve``).

    Attributes
    ----------
    status : ``optimal``, ``feasible`` (a time limit or gap stopped a MIP with a plan), ``infeasible``, ...
    objective_usd : total cost of the plan, USD (None without a plan).
    tables : ``flows``, ``builds``, ``supply``, ``costs``, ``duals``, ``dependence``, ``risk`` as DataFrames.
    summary : the ``summary.json`` document.
    case : the case that was solved.
    """

    case: Case | None = None
    run: CaseRun | None = None
    options: SolveOptions | None = None

    @property
    def status(self) -> str:
        return str(self.summary["status"])

    @property
    def objective_usd(self) -> float | None:
        value = self.summary.get("objective_usd")
        return None if value is None else float(value)

    @property
    def ok(self) -> bool:
        """True when the run has a usable plan (optimal, or feasible within a limit)."""
        return bool(self.run is not None and self.run.ok)

    def diagnosis(self) -> list[str]:
        """Why there is no plan, in terms of the input (as ``paxsilica solve`` prints it); [] when there is one."""
        if self.ok or self.run is None:
            return []
        from optimizer.analysis.diagnose import explain_failure

        r = self.run.result
        return explain_failure(self.run.data, r.outcome.value, r.solver_status, self.options) or [r.message]

    def write(self, out_dir: PathLike) -> Path:
        if not self.ok:
            raise ValueError(f"no usable plan ({self.status}): nothing to write; see Run.diagnosis()")
        return super().write(out_dir)

    def __repr__(self) -> str:
        cost = "-" if self.objective_usd is None else f"{self.objective_usd:,.0f} USD"
        return f"Run({self.status}, {cost}, tables: {', '.join(self.tables) or 'none'})"


def load(path: PathLike | None = None, scenario: str | None = None) -> Case:
    """Read and check an input.

    Parameters
    ----------
    path : an ``.xlsx`` workbook or a folder of CSV files; None for the embedded default dataset.
    scenario : a scenario of ``models/`` (e.g. ``"coalition_builds_only"``) or a path to a ``.toml`` file, applied
        to the input as ``paxsilica solve --scenario`` does.

    Raises
    ------
    InputError
        Every problem of the input, each with its sheet, row and column.
    """
    from optimizer.resources import default_input
    from optimizer.scenarios.scenario import load_for_solve

    data, where, name, extra = load_for_solve(Path(path) if path is not None else None, scenario or "base",
                                              default_input)
    return Case(data, Path(where), name, extra)


def _case(case: Case | PathLike | None) -> Case:
    return case if isinstance(case, Case) else load(case)


def _inputs(case: Case) -> tuple[Path, ...]:
    """The files a case was read from: its input, and its scenario file when it has one."""
    scenario_file = (case.extra.get("scenario_file") or {}).get("path")
    return (case.path, *([Path(str(scenario_file))] if scenario_file else []))


def _options(time_limit: float | None, mip_gap: float | None, method: str = "auto",
             solver_options: Mapping[str, Any] | None = None) -> SolveOptions:
    """Raises :class:`optimizer.arguments.ArgumentError` (a ValueError) naming the argument: a time limit or gap out
    of range, an unknown method, HiGHS option or a value HiGHS refuses."""
    from optimizer import arguments
    from optimizer.solver.methods import METHODS

    limit, gap = arguments.time_limit(time_limit), arguments.mip_gap(mip_gap)
    method = arguments.choice(method, "method", METHODS)
    given = arguments.options(solver_options)
    try:
        return SolveOptions(time_limit=limit, mip_gap=gap, method=method, solver_options=tuple(given.items()))
    except ValueError as err:
        raise arguments.ArgumentError("solver_options", str(err)) from None


def scenario_solver_options(case: Case, method: str, solver_options: Mapping[str, Any] | None
                            ) -> tuple[str, Mapping[str, Any] | None]:
    """The method and HiGHS options of a solve: as given, else the scenario file's ``[solver]`` section."""
    if method == "auto" and not solver_options and case.extra.get("scenario_file"):
        from optimizer.scenarios.scenario import scenario_solver

        given = scenario_solver(str(case.extra["scenario_file"]["path"])) or {}  # the file's [solver] section
        return given.get("method", method), given.get("options")
    return method, solver_options


def solve(case: Case | Model | PathLike | None = None, caps: Mapping[str, float] | None = None,
          time_limit: float | None = None, mip_gap: float | None = None, scenario: str | None = None,
          baseline: bool = True, method: str = "auto", solver_options: Mapping[str, Any] | None = None,
          fastest: bool = True) -> Run:
    """Solve a case: the cheapest plan within the dependence caps, and the refineries it builds.

    Parameters
    ----------
    case : a :class:`Case` from :func:`load`, or a path (None: the embedded dataset); or a :class:`Model` from
        :func:`build`, perhaps changed (then give its caps and scenario to :func:`build`, not here).
    caps : ``{"SUPPLIER:STAGE": max_share}``, e.g. ``{"CHN:any": 0.5}``, as ``--cap CHN:any=0.5``: replaces the
        input's whole-scope cap of that supplier and stage, or adds one.
    time_limit, mip_gap : solver settings (seconds; relative gap).
    scenario : apply this scenario to the case's input first (as ``paxsilica solve INPUT --scenario NAME``).
    baseline : also solve without caps, to report what the caps cost (``summary["uncapped"]``).
    method : HiGHS method, as ``--method``: ``"auto"`` (interior point with crossover for large LPs, simplex
        otherwise), ``"simplex"``, ``"ipm"`` or ``"pdlp"``.
    solver_options : further HiGHS options by name, as ``--solver-option``, e.g. ``{"presolve": "off"}``.
    fastest : on a pathway, also find how fast China's share can fall (``tables["pathway"]``, as ``--fastest``).

    Returns
    -------
    Run
        Check ``run.status``: a case with no plan returns a run without tables (see :meth:`Run.diagnosis`).
    """
    from optimizer.api_model import Model, build, solve_model

    if isinstance(case, Model):
        if caps or scenario is not None:
            raise ValueError("a built model's caps and scenario are given to px.build(case, caps=..., scenario=...)")
        _options(time_limit, mip_gap, method, solver_options)  # refuse bad arguments before solving anything
        model = case
    else:
        _options(time_limit, mip_gap, method, solver_options)  # refuse bad arguments before reading anything
        model = build(case, caps, scenario)
    return solve_model(model, time_limit, mip_gap, baseline, method, solver_options, fastest)


def sweep(case: Case | PathLike | None = None, cap: str = DEFAULT_SWEPT_CAP, start: float = 1.0, stop: float = 0.0,
          steps: int = 21, shares: Iterable[float] | None = None, time_limit: float | None = None,
          mip_gap: float | None = None, method: str = "auto", solver_options: Mapping[str, Any] | None = None
          ) -> Result:
    """The cost-versus-dependence frontier of one cap (``paxsilica sweep``): ``tables["frontier"]``.

    Parameters
    ----------
    cap : ``SUPPLIER:STAGE`` whose whole-scope cap is swept (added if the input has none).
    start, stop, steps : the grid of max_share, loosest first (ignored when ``shares`` is given).
    """
    from optimizer import arguments
    from optimizer.analysis.sweep import SweptCap, frontier_table, run_sweep, sweep_shares, sweep_summary

    if not isinstance(cap, str):
        raise arguments.ArgumentError("cap", f"expected a text such as 'CHN:any', got {cap!r}")
    grid = arguments.shares(shares) if shares is not None else sweep_shares(
        arguments.share(start, "start"), arguments.share(stop, "stop"), arguments.steps(steps))
    options = _options(time_limit, mip_gap, method, solver_options)
    case = _case(case)
    result = run_sweep(case.data, SweptCap.parse(cap), grid, options)
    return Result({"frontier": frontier_table(result)}, sweep_summary(result), inputs=_inputs(case))


def stress(case: Case | PathLike | None = None, remove: Iterable[str] | None = None, n_1: str | None = None,
           reoptimize: bool = False, drop_caps: bool = False, time_limit: float | None = None,
           mip_gap: float | None = None, method: str = "auto", solver_options: Mapping[str, Any] | None = None
           ) -> Result:
    """Disruption tests of the base plan (``paxsilica stress``): ``tables["stress"]`` and ``["stress_detail"]``.

    Parameters
    ----------
    remove : countries, nodes or lanes (``"AUS>MYS"``) removed together, as one case; or
    n_1 : ``"country"``, ``"refinery"`` or ``"mine"``: every single removal of that kind, ranked.
    reoptimize : let investments change too (default: fixed at the base plan).
    drop_caps : lift the dependence caps in the disrupted cases.
    """
    from optimizer import arguments
    from optimizer.analysis.stress import (
        n_minus_1,
        parse_disruption,
        run_stress,
        stress_detail_table,
        stress_summary,
        stress_table,
    )

    removals = arguments.text_list(remove, "remove") if remove is not None else []
    if n_1 is not None:
        arguments.choice(n_1, "n_1", arguments.N_1_KINDS)
    if bool(removals) == bool(n_1):
        raise ValueError("give either remove=[...] (one case) or n_1='country'|'refinery'|'mine'")
    options = _options(time_limit, mip_gap, method, solver_options)
    case = _case(case)
    cases = [[parse_disruption(case.data, text) for text in removals]] if removals else [
        [d] for d in n_minus_1(case.data, n_1)]  # type: ignore[arg-type]
    result = run_stress(case.data, cases, reoptimize, options, keep_caps=not drop_caps)
    tables = {"stress": stress_table(result), "stress_detail": stress_detail_table(result)}
    return Result(tables, stress_summary(result), inputs=_inputs(case))


def alternatives(case: Case | PathLike | None = None, slack: float = 0.05, by: str = "country",
                 period: int | None = None, caps: Mapping[str, float] | None = None, workers: int = 1,
                 time_limit: float | None = None, mip_gap: float | None = None, scenario: str | None = None,
                 method: str = "auto", solver_options: Mapping[str, Any] | None = None,
                 slack_usd: float | None = None) -> Result:
    """Near-optimal alternatives (``paxsilica alternatives``): each group's least and most new capacity in the plans
    that cost at most ``slack`` more than the optimum, every cap kept: ``tables["alternatives"]`` (a group whose
    ``built_in_every_plan`` is true is built in every one of them) and ``tables["alternatives_builds"]``.

    Parameters
    ----------
    slack : the cost allowed above the optimum, as a fraction of its magnitude (0.05: 5%).
    slack_usd : the cost allowed above the optimum in USD (present value on a pathway), instead of ``slack``.
    by : group new capacity by ``"country"``, ``"site"`` or ``"stage"``.
    period : on a pathway, only the capacity decided in this period.
    caps : ``{"SUPPLIER:STAGE": max_share}``, as for :func:`solve`.
    workers : processes that solve the extremes.
    time_limit : seconds, for each solve.
    scenario : apply this scenario to the case's input first (as ``paxsilica alternatives INPUT --scenario NAME``).

    Raises
    ------
    InputError
        A slack below 0, an unknown grouping or a period the case does not have (named as the command's option).
    """
    from optimizer import arguments
    from optimizer.analysis.alternatives import (
        alternatives_summary,
        alternatives_table,
        builds_table,
        run_alternatives,
    )
    from optimizer.solver.run import CapOverride, apply_cap_overrides

    caps = arguments.caps(caps)
    options = _options(time_limit, mip_gap, method, solver_options)  # refuse bad arguments before reading anything
    case = _case(case)
    if scenario is not None:
        case = load(case.path, scenario)
    data = apply_cap_overrides(case.data, [CapOverride.parse(f"{k}={v}") for k, v in caps.items()])
    alt = run_alternatives(data, slack, by, period, options, workers, slack_usd=slack_usd)
    if not alt.ok:
        return Result({}, {**alternatives_summary(alt), "scenario": case.scenario})
    tables = {"alternatives": alternatives_table(alt), "alternatives_builds": builds_table(alt)}
    return Result(tables, {**alternatives_summary(alt), "scenario": case.scenario, **case.extra})


__all__ = ["Case", "Result", "Run", "alternatives", "load", "solve", "stress", "sweep"]
