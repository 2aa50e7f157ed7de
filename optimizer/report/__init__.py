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
    from optimizer.io.outdir import out_lock
    from optimizer.io.write import record_files
    from optimizer.report.html import render, write_atomic

    out = Path(out) if out is not None else Path(run_dir) / "report.html"
    check_report_target(out, png)
    run = load_run(run_dir, data)
    page = render(run, period, product)  # before anything is written: a bad --period leaves no file behind
    with out_lock(out.parent):
        check_report_target(out, png)  # again, now that no other run can write the folder
        written = [write_atomic(out, page)]
        try:
            if png:
                from optimizer.report.png import write_pngs

                written += write_pngs(run, out.with_suffix(""), period, product)
        finally:
            record_files(out.parent, [p.name for p in written])
    return written


PNG_CHARTS = ("sankey", "frontier", "stress", "costs", "builds", "dependence")  # report.png names <stem>-<chart>.png


def check_report_target(out: Path, png: bool) -> None:
    """The report is an ``.html`` file, and replaces only files that the tool wrote."""
    from optimizer.io.outdir import tool_wrote

    if out.suffix.lower() != ".html":
        raise ReportError(f"{out}: the report is an HTML file; give a name ending in .html")
    targets = [out] + ([out.with_name(f"{out.stem}-{c}.png") for c in PNG_CHARTS] if png else [])
    for target in targets:
        if target.is_dir():
            raise ReportError(f"{target}: is a folder")
        if (target.exists() or target.is_symlink()) and not tool_wrote(target):
            raise ReportError(f"{target} exists and was not written by paxsilica; move it away or give another "
                              "--out (nothing was changed)")


__all__ = ["ReportError", "RunFolder", "build_report", "check_report_target", "load_run"]
