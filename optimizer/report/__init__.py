"""``paxsilica report``: a run folder -> one self-contained HTML report (and PNG charts for slides and papers).

``data`` reads the run folder into tables, ``charts`` draws them with plotly, ``html`` assembles the page and
``png`` draws the main charts with matplotlib (no browser needed).
"""

from __future__ import annotations

from pathlib import Path

from optimizer.io.data import ModelData
from optimizer.report.data import ReportError, RunFolder, load_run


def build_report(run_dir: Path, out: Path | None = None, period: int | None = None, product: str | None = None,
                 png: bool = False, data: ModelData | None = None) -> list[Path]:
    """Write the report of ``run_dir``.

    Parameters
    ----------
    run_dir : a results folder of ``paxsilica solve`` (``sweep``, ``stress``).
    out : the HTML file to write [default: ``run_dir/report.html``].
    period, product : what the Sankey shows [default: the first period, all products].
    png : also write PNG versions of the main charts beside the HTML (``<stem>-<chart>.png``).
    data : the solved case, when the caller has it; otherwise the input named in ``summary.json`` is read.

    Returns
    -------
    list of Path
        The files written, the HTML first.

    Raises
    ------
    ReportError
        The folder holds no results, a file lacks columns, or ``period``/``product`` is not in the run.
    """
    from optimizer.report.html import render, write_atomic

    run = load_run(run_dir, data)
    out = Path(out) if out is not None else Path(run_dir) / "report.html"
    page = render(run, period, product)  # before anything is written: a bad --period leaves no file behind
    written = [write_atomic(out, page)]
    if png:
        from optimizer.report.png import write_pngs

        written += write_pngs(run, out.with_suffix(""), period, product)
    return written


__all__ = ["ReportError", "RunFolder", "build_report", "load_run"]
