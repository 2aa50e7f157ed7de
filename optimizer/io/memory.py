"""How many rows paxsilica reads from one CSV file: as many as the memory available can hold as a case.

A CSV file has no fixed row limit (OR-Library's capa has 100,000 arcs; a real case can have millions).  What bounds
it is the memory the case will take once read, built into a model and handed to HiGHS: about
:data:`BYTES_PER_CSV_ROW` per row: OR-Library's capa as a CSV case (``benchmarks/orlib.py``, 101,215 rows, nearly
all of them arcs) peaks at 0.8 GB in ``paxsilica solve``, about 8 KiB a row, taken twice over for branch and bound
and the result tables.  The rows are counted before the file is parsed (line ends: an upper bound on its records), so a
file of millions of empty lines is refused before it costs anything.  A workbook keeps its fixed limits
(:mod:`optimizer.io.workbook`): its cells are expanded from a zip, and its bounds are part of the defence against
hostile files.
"""

from __future__ import annotations

from pathlib import Path

BYTES_PER_CSV_ROW = 16 * 2**10
MEMINFO = Path("/proc/meminfo")


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's ``MemAvailable``); ``None`` where it is not known."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def csv_row_limit() -> int | None:
    """The most rows one CSV file may have on this machine now (``None``: no limit known beyond the file size)."""
    available = available_memory()
    return None if available is None else available // BYTES_PER_CSV_ROW


def csv_rows_problem(data: bytes) -> str | None:
    """Why a CSV file's content is too long to read here, or ``None`` when it is not."""
    available = available_memory()
    if available is None:
        return None
    limit = available // BYTES_PER_CSV_ROW
    # Line ends of either kind (a file saved with CR alone is read as CSV too); a last line may lack one.
    lines = max(data.count(b"\n"), data.count(b"\r")) + (0 if data.endswith((b"\n", b"\r")) else 1)
    if lines <= limit:
        return None
    return (f"{lines:,} rows: above the {limit:,} rows this machine's available memory "
            f"({available / 2**30:,.1f} GiB, about {BYTES_PER_CSV_ROW // 2**10} KiB per row once "
            "built into a model) can hold")
