"""A scenario's ``[start_shift]``: projects that start some whole years earlier or later than the input says.

``[start_shift]`` maps a selector to a number of years: ``nolans_refinery = 2`` (two years late), ``"*" = -1`` (every
project a year early).  A selector is a site's id, a country code, a bloc label or ``*``, over the sites with a start
to move; a nested table restricts it to one kind of site: ``[start_shift.mines]`` ``"*" = 3`` moves every mine project
and nothing else.  Sheets: ``mines``, ``refineries``, ``purifiers``, ``upgrades`` (an upgrade is also picked by its
refinery's id and its product).  Every selector that picks a site applies (their years add up).

What moves, for a site its selectors pick:

- *its new capacity* (a site that can build: ``build`` not ``none`` and ``max_new_*`` > 0).  Built from the first
  period ``t0``, it can first run in ``E = max(t0 + lead_time_yr, earliest_online_year)``; a shift of ``n`` years sets
  ``earliest_online_year`` to ``E + n``, and for a negative ``n`` shortens ``lead_time_yr`` to at most
  ``E + n - t0`` (never below 0), so a project can come early whichever of the two sets its start;
- *its dated product lines* (a refinery's ``refinery_products`` rows with an ``online_year``, e.g. a heavy-rare-earth
  circuit), whose ``online_year`` moves by ``n``.

Existing capacity (``capacity_*``) is not moved: it runs from the first period.  A shift needs a pathway (a periods
sheet) and is a whole number of years; an id that names no site, or a site with nothing dated to move (no new
capacity and no dated line), is a problem named with the scenario and key.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from optimizer.io.read import format_number
from optimizer.io.tables import ROW

if TYPE_CHECKING:
    import pandas as pd

    from optimizer.scenarios.overrides import _Editor

SHEETS: dict[str, tuple[str, str]] = {
    # sheet -> (id column, the column of the largest new capacity)
    "mines": ("mine", "max_new_t"),
    "refineries": ("refinery", "max_new_tpa"),
    "purifiers": ("purifier", "max_new_t"),
    "upgrades": ("upgrade", "max_new_t"),
}
MAX_SHIFT_YR = 100


def shift_starts(ed: _Editor, source: str, section: Any) -> None:
    """Apply a scenario's ``[start_shift]`` section to the editor's tables (see the module docstring)."""
    where = f"{source}, start_shift"
    if not isinstance(section, dict):
        ed.fail(where, "expected a table: selector = years, or [start_shift.mines] selector = years")
        return
    wanted: list[tuple[str | None, str, int]] = []  # (sheet or None for every sheet, selector, years)
    for key, value in section.items():
        if isinstance(value, dict) and key in SHEETS:
            wanted += [(key, sel, n) for sel, v in value.items()
                       if (n := _years(ed, f"{where}.{key}, key {sel!r}", v)) is not None]
        elif (n := _years(ed, f"{where}, key {key!r}", value)) is not None:
            wanted.append((None, key, n))
    if not wanted:
        return
    frame = ed.tables.frames.get("periods")
    periods = sorted(int(t) for t in frame["period"].dropna()) if frame is not None else []
    if not periods:
        ed.fail(where, "needs a periods sheet listing the years (a steady-state input has no start years)")
        return
    shifts: dict[tuple[str, int], int] = {}  # (sheet, frame index) -> years
    lines: dict[int, int] = {}  # refinery_products frame index -> years
    blocs = _blocs(ed)
    for sheet, selector, n in wanted:
        picked, dated = _pick(ed, sheet, selector, blocs)
        place = f"{where}{'.' + sheet if sheet else ''}, key {selector!r}"
        if not picked:
            kinds = {"refineries": "refinery"}.get(sheet, sheet[:-1]) if sheet else "mine, refinery, purifier or upgrade"
            ed.fail(place, f"matches no {kinds} (give an id, a country code, a bloc label or *)")
            continue
        if not dated:
            ed.fail(place, f"{_names(ed, picked)} {'has' if len(picked) == 1 else 'have'} no start to move: no new "
                           "capacity to build (build none or max_new 0) and no product line with an online_year "
                           "(existing capacity runs from the first period)")
            continue
        for s, i in dated:
            if s == "refinery_products":
                lines[i] = lines.get(i, 0) + n
            else:
                shifts[s, i] = shifts.get((s, i), 0) + n
    for (sheet, i), n in shifts.items():
        _move_build(ed, sheet, i, n, periods[0], f"{where} ({format_number(float(n))} years)")
    products = ed.tables.frames.get("refinery_products")
    for i, n in lines.items():
        if products is not None:
            products.at[i, "online_year"] = float(products.at[i, "online_year"]) + n
            ed.mark("refinery_products", int(products.at[i, ROW]), where)


def _years(ed: _Editor, where: str, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        ed.fail(where, f"expected a whole number of years, got {value!r}")
        return None
    if value != int(value):
        ed.fail(where, f"a start moves by a whole number of years, got {format_number(float(value))}")
        return None
    if abs(value) > MAX_SHIFT_YR:
        ed.fail(where, f"must be between -{MAX_SHIFT_YR} and {MAX_SHIFT_YR} years, got {format_number(float(value))}")
        return None
    return int(value)


def _blocs(ed: _Editor) -> dict[str, str]:
    frame = ed.frame("countries")
    return dict(zip(frame["country"], frame["bloc"]))


def _labels(ed: _Editor, sheet: str, row: dict[str, Any], blocs: dict[str, str]) -> set[str]:
    """Every selector that picks ``row`` of ``sheet``: its id, country, bloc and ``*`` (an upgrade: also its
    refinery's id and its product, and its refinery's country)."""
    labels = {"*", row[SHEETS[sheet][0]]}
    country = row.get("country")
    if sheet == "upgrades":
        labels.update((row["refinery"], row["product"]))
        refineries = ed.frame("refineries")
        match = refineries.loc[refineries["refinery"] == row["refinery"], "country"]
        country = match.iloc[0] if len(match) else None
    if isinstance(country, str):
        labels.add(country)
        if country in blocs:
            labels.add(blocs[country])
    return labels


def _pick(ed: _Editor, only: str | None, selector: str, blocs: dict[str, str]
          ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The rows ``selector`` picks, and those of them with a start to move (sites that can build, and a refinery's
    dated product lines)."""
    picked: list[tuple[str, int]] = []
    dated: list[tuple[str, int]] = []
    for sheet, (_, max_new) in SHEETS.items():
        frame = ed.tables.frames.get(sheet)
        if (only is not None and sheet != only) or frame is None:
            continue
        for i, row in zip(frame.index, frame.to_dict("records")):
            if selector not in _labels(ed, sheet, row, blocs):
                continue
            picked.append((sheet, i))
            build = row.get("build")
            if build != "none" and _number(row.get(max_new)) > 0:
                dated.append((sheet, i))
            if sheet == "refineries":
                dated += [("refinery_products", j) for j in _dated_lines(ed, row["refinery"]).index]
    return picked, dated


def _dated_lines(ed: _Editor, refinery: str) -> pd.DataFrame:
    products = ed.tables.frames.get("refinery_products")
    if products is None:
        return ed.frame("refineries").iloc[0:0]
    return products[(products["refinery"] == refinery) & products["online_year"].notna()]


def _number(x: Any) -> float:
    return float(x) if isinstance(x, (int, float)) and x == x else 0.0


def _names(ed: _Editor, picked: list[tuple[str, int]]) -> str:
    names = [f"{sheet[:-1] if sheet != 'refineries' else 'refinery'} {ed.tables.frames[sheet].at[i, SHEETS[sheet][0]]!r}"
             for sheet, i in picked[:3]]
    return ", ".join(names) + (f" and {len(picked) - 3} more" if len(picked) > 3 else "")


def _move_build(ed: _Editor, sheet: str, i: int, n: int, first: int, label: str) -> None:
    """Move the first year site ``i``'s new capacity can run by ``n`` years (see the module docstring)."""
    frame = ed.tables.frames[sheet]
    lead = _number(frame.at[i, "lead_time_yr"])
    announced = frame.at[i, "earliest_online_year"]
    start = math.ceil(first + lead)
    if isinstance(announced, (int, float)) and announced == announced:
        start = max(start, int(announced))
    moved = start + n
    frame.at[i, "earliest_online_year"] = float(moved)
    if n < 0:
        frame.at[i, "lead_time_yr"] = min(lead, float(max(0, moved - first)))
    ed.mark(sheet, int(frame.at[i, ROW]), label)
