"""The rest of the command line as Python: ``px.validate``, ``px.sensitivity``, ``px.batch``, ``px.report``.

Each calls what its command calls (:mod:`optimizer.cli`), so the tables and files are the command's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.api import Case, PathLike, Result
    from optimizer.errors import Problem


def validate(path: PathLike) -> list[Problem]:
    """Check an input as ``paxsilica validate`` does.

    Parameters
    ----------
    path : an ``.xlsx`` workbook or a folder of CSV files.

    Returns
    -------
    list of Problem
        Every problem found, each with ``sheet``, ``row``, ``column`` and ``message`` (``str(p)`` as the command
        prints it); empty when the input is clean.
    """
    from optimizer.errors import InputError
    from optimizer.io.load import load_case

    try:
        load_case(Path(path))
    except InputError as err:
        return list(err.problems)
    return []


def _input_path(case: Case | PathLike | None) -> Path:
    """The input a command that reads its own tables starts from (the embedded dataset for None)."""
    from optimizer.api import Case
    from optimizer.resources import default_input

    if isinstance(case, Case):
        if case.scenario != "base":
            raise ValueError(f"this command reads the input itself and cannot apply the scenario {case.scenario!r}:"
                             " give the input's path, and caps as caps=...")
        return case.path
    return Path(case) if case is not None else default_input()


def sensitivity(case: Case | PathLike | None = None, ranges: PathLike | None = None,
                caps: Mapping[str, float] | None = None, time_limit: float | None = None) -> Result:
    """Each uncertain input at its low and high value: the tornado table of the caps' cost
    (``paxsilica sensitivity``): ``tables["tornado"]``.

    Parameters
    ----------
    case : the input (a path, or a :class:`~optimizer.api.Case` without a scenario); None: the embedded dataset.
    ranges : a TOML file of ``[[range]]`` entries [default: the input's uncertainty sheet, else the shipped
        ``models/sensitivity/<input-name>.toml``].
    caps : ``{"SUPPLIER:STAGE": max_share}`` for every case, as ``--cap``.

    Raises
    ------
    InputError
        The input or a range is invalid; ValueError when the base case has no plan.
    """
    from optimizer.analysis.sensitivity import read_ranges, run_sensitivity, sensitivity_document, tornado_table
    from optimizer.api import Result
    from optimizer.solver.highs import SolveOptions
    from optimizer.solver.run import CapOverride

    overrides = [CapOverride.parse(f"{key}={value}") for key, value in (caps or {}).items()]
    tables, found, ranges_from = read_ranges(_input_path(case), Path(ranges) if ranges is not None else None)
    tornado = run_sensitivity(tables, found, overrides, SolveOptions(time_limit=time_limit))
    if not tornado.base.usable:
        raise ValueError(f"the base case has no plan ({tornado.base.status}); px.solve(case).diagnosis() says why")
    return Result({"tornado": tornado_table(tornado)}, sensitivity_document(tornado, ranges_from, overrides))


def batch(source: PathLike, out: PathLike | None = None, workers: int = 1, samples: int | None = None,
          seed: int = 0, time_limit: float | None = None, mip_gap: float | None = None, method: str = "auto",
          solver_options: Mapping[str, Any] | None = None, warm: bool = True) -> Result:
    """Many scenarios (a batch file) or samples of an input, as ``paxsilica batch``: every scenario's results in
    its own folder of ``out``, and ``tables["batch"]`` (with ``samples``: ``"uncertainty"``, ``"build_frequency"``).

    Parameters
    ----------
    source : a batch file (``.toml``, see ``models/README.md``) or an input with an ``uncertainty`` sheet.
    out : the results folder [default: ``outputs/batch/<file>`` or ``outputs/<input>/batch``]; only paxsilica's
        own files in it are replaced, and a second run resumes (scenarios already solved are read back).
    workers : local processes.
    samples, seed : draw this many samples from the input's uncertainty sheet (for each scenario of a file).
    """
    from optimizer.api import Result, _options
    from optimizer.cli.batch import _default_out
    from optimizer.io.outdir import check_out_dir, out_lock
    from optimizer.scenarios.batch import batch_solver, plan, run_batch
    from optimizer.solver.run import default_input

    source = Path(source)
    entries = plan(source, samples, seed, default_input)
    if method == "auto" and not solver_options:
        given = batch_solver(source) or {}
        method, solver_options = given.get("method", method), given.get("options")
    options = _options(time_limit, mip_gap, method, solver_options)
    out_dir = check_out_dir(Path(out) if out is not None else _default_out(source, samples, seed),
                            protect=(source, *{Path(e.input) for e in entries}))
    with out_lock(out_dir):
        result = run_batch(entries, out_dir, workers=workers, options=options, warm=warm)
    summary = {"scenarios": len(result.rows), "solved": result.count("solved"), "reused": result.count("reused"),
               "failed": result.count("failed"), "out_dir": str(out_dir)}
    return Result(dict(result.tables), summary)


def report(run_dir: PathLike, out: PathLike | None = None, png: bool = False, period: int | None = None,
           product: str | None = None) -> list[Path]:
    """Write the HTML report of a results folder (``paxsilica report``); returns the files written, HTML first.

    Parameters
    ----------
    run_dir : a folder written by ``run.write(...)`` or by ``paxsilica solve`` (``sweep``, ``stress``).
    out : the HTML file [default: ``run_dir/report.html``].
    png : also PNG charts beside it (needs ``paxsilica[png]``).
    period, product : what the Sankey shows.

    Raises
    ------
    ReportError
        The folder holds no results, or ``period``/``product`` is not in the run.
    """
    from optimizer.extras import require
    from optimizer.report import build_report

    if png:
        require("png")
    return build_report(Path(run_dir), Path(out) if out is not None else None, period=period, product=product,
                        png=png)


__all__ = ["batch", "report", "sensitivity", "validate"]
