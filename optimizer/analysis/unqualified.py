"""Supply that reaches a fab but is not qualified for fabs: what a diagnosis of a shortfall names.

A refinery with ``fab_grade_max_t`` 0 (or a product slate row with ``fab_grade_max_t`` 0) may separate the oxide a fab
is short of, yet deliver none of it to fabs: such oxide needs a purifier (or a fab-grade upgrade) on its way.
"""

from __future__ import annotations

from optimizer.io.data import ModelData


def unqualified_refineries(data: ModelData, fab: str, product: str) -> list[tuple[str, str]]:
    """``(refinery, sheet)`` of the refineries with an arc to ``fab`` that make ``product`` but may deliver none of it
    to fabs; ``sheet`` is where the zero limit is (``refineries`` or ``refinery_products``)."""
    out = []
    for r, f in data.fab_arcs:
        if f != fab or data.recovery_of(r, product) is None:
            continue
        line = data.refinery_products.get((r, product))
        if line is not None and line.fab_grade_max_t == 0:
            out.append((r, "refinery_products"))
        elif data.refineries[r].fab_grade_max_t == 0:
            out.append((r, "refineries"))
    return out


def unqualified_note(data: ModelData, fab: str, product: str) -> str:
    """``; refinery R_C (CHN, refineries row 2) reaches it but is not qualified for fabs (fab_grade_max_t 0) ...``,
    or "" when no such refinery reaches the fab."""
    found = unqualified_refineries(data, fab, product)
    if not found:
        return ""
    names = []
    for r, sheet in found:
        key = (sheet, r) if sheet == "refineries" else (sheet, r, product)
        row = data.rows.get(key)
        where = f", {sheet} row {row}" if row is not None else ""
        names.append(f"{r} ({data.refineries[r].country}{where})")
    return (f"; unqualified supply: refinery {', '.join(names)} reaches it but may deliver no {product} to fabs "
            "(fab_grade_max_t 0): its oxide needs a purifier or a fab-grade upgrade on the way")
