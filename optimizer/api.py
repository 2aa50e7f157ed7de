"""The Python API, for notebooks and scripts: the same cases, solves and files as the command line.

>>> import optimizer as px
>>> case = px.load()                                   # the embedded default dataset  # doctest: +SKIP
>>> run = px.solve(case, caps={"CHN:any": 0.5})        # doctest: +SKIP
>>> run.status, run.objective_usd                      # doctest: +SKIP
('optimal', -5899543335.2)
>>> run.tables["builds"]                               # a pandas DataFrame, as builds.csv  # doctest: +SKIP
>>> run.write("outputs/capped")                        # the files `paxsilica solve --out` writes  # doctest: +SKIP

Every function calls what the command of the same name calls, so a number here is the number in the CSV files of
``paxsilica solve`` (``sweep``, ``stress``) on the same input and options.  Bad input raises
:class:`optimizer.errors.InputError`, whose ``problems`` name each sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.analysis import DEFAULT_SWEPT_CAP
from optimizer.io.data import ModelData
from optimizer.solver.highs import SolveOptions
from optimizer.solver.run import CaseRun

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

    def write(self, out_dir: PathLike) -> Path:
        """Write the result files into ``out_dir`` (CSV files, ``results.xlsx``, ``summary.json``), with the same
        safe writer as the command line: only the tool's own files are replaced, all at once."""
        from optimizer.io.write import write_results

        return write_results(Path(out_dir), self.tables, self.summary)


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


def _options(time_limit: float | None, mip_gap: float | None, method: str = "auto",
             solver_options: Mapping[str, Any] | None = None) -> SolveOptions:
    """Raises ValueError naming an unknown method, HiGHS option or a value HiGHS refuses."""
    return SolveOptions(time_limit=time_limit, mip_gap=mip_gap, method=method,
                        solver_options=tuple((solver_options or {}).items()))


def solve(case: Case | PathLike | None = None, caps: Mapping[str, float] | None = None,
          time_limit: float | None = None, mip_gap: float | None = None, scenario: str | None = None,
          baseline: bool = True, method: str = "auto", solver_options: Mapping[str, Any] | None = None) -> Run:
    """Solve a case: the cheapest plan within the dependence caps, and the refineries it builds.

    Parameters
    ----------
    case : a :class:`Case` from :func:`load`, or a path (None: the embedded dataset).
    caps : ``{"SUPPLIER:STAGE": max_share}``, e.g. ``{"CHN:any": 0.5}``, as ``--cap CHN:any=0.5``: replaces the
        input's whole-scope cap of that supplier and stage, or adds one.
    time_limit, mip_gap : solver settings (seconds; relative gap).
    scenario : apply this scenario to the case's input first (as ``paxsilica solve INPUT --scenario NAME``).
    baseline : also solve without caps, to report what the caps cost (``summary["uncapped"]``).
    method : HiGHS method, as ``--method``: ``"auto"`` (interior point with crossover for large LPs, simplex
        otherwise), ``"simplex"``, ``"ipm"`` or ``"pdlp"``.
    solver_options : further HiGHS options by name, as ``--solver-option``, e.g. ``{"presolve": "off"}``.

    Returns
    -------
    Run
        Check ``run.status``: a case with no plan returns a run without tables (see :meth:`Run.diagnosis`).
    """
    from optimizer.solver.run import CapOverride, apply_cap_overrides, solve_case, summary

    case = _case(case)
    if scenario is not None:
        case = load(case.path, scenario)
    overrides = [CapOverride.parse(f"{key}={value}") for key, value in (caps or {}).items()]
    data = apply_cap_overrides(case.data, overrides)
    if method == "auto" and not solver_options and case.extra.get("scenario_file"):
        from optimizer.scenarios.scenario import scenario_solver

        given = scenario_solver(str(case.extra["scenario_file"]["path"])) or {}  # the file's [solver] section
        method, solver_options = given.get("method", method), given.get("options")
    options = _options(time_limit, mip_gap, method, solver_options)
    done = solve_case(data, options, baseline=baseline)
    doc = {**summary(done, case.scenario), **case.extra}
    return Run(dict(done.tables), doc, case=case, run=done, options=options)


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
    from optimizer.analysis.sweep import SweptCap, frontier_table, run_sweep, sweep_shares, sweep_summary

    case = _case(case)
    grid = list(shares) if shares is not None else sweep_shares(start, stop, steps)
    result = run_sweep(case.data, SweptCap.parse(cap), grid, _options(time_limit, mip_gap, method, solver_options))
    return Result({"frontier": frontier_table(result)}, sweep_summary(result))


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
    from optimizer.analysis.stress import (
        n_minus_1,
        parse_disruption,
        run_stress,
        stress_detail_table,
        stress_summary,
        stress_table,
    )

    removals = list(remove or [])
    if bool(removals) == bool(n_1):
        raise ValueError("give either remove=[...] (one case) or n_1='country'|'refinery'|'mine'")
    case = _case(case)
    cases = [[parse_disruption(case.data, text) for text in removals]] if removals else [
        [d] for d in n_minus_1(case.data, n_1)]  # type: ignore[arg-type]
    result = run_stress(case.data, cases, reoptimize, _options(time_limit, mip_gap, method, solver_options),
                        keep_caps=not drop_caps)
    tables = {"stress": stress_table(result), "stress_detail": stress_detail_table(result)}
    return Result(tables, stress_summary(result))


__all__ = ["Case", "Result", "Run", "load", "solve", "stress", "sweep"]
