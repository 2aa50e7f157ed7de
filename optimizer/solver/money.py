"""How every money column of a result file says what its money is: a present value, or per year.

The one rule, for every CSV a command writes (``costs.csv``, ``frontier.csv``, ``stress.csv``, ``batch.csv``,
``uncertainty.csv``, ``tornado.csv``, ``alternatives.csv``, ...):

A figure summed over the horizon as the objective sums it (a plan's total cost, the difference of two such totals,
a cost component)
    On a pathway (a periods sheet) it is a **present value**: USD discounted to the base year, the first period's
    year (``summary.json``: ``headline.money.base_year``, or ``money.base_year`` for sweep, stress, sensitivity and
    alternatives), named ``<what>_usd_pv``.  For one steady-state year it is **USD per year**: ``<what>_usd_per_yr``.
The same costs at face value (``costs.csv``)
    On a pathway, the period's years summed without discounting: ``usd_undiscounted_over_period``; for one
    steady-state year, per year: ``usd_undiscounted_per_yr``.
A figure per year of its period whatever the case (a flow's cost, a build's annuity, a stockpile's holding cost, a
cap's marginal, a disruption's expected cost)
    Its name says so once and for all (``cost_usd_per_yr``, ``capex_usd_per_yr``, ``holding_usd_per_yr``,
    ``dual_usd_per_yr_per_pct``, ``extra_cost_usd_per_yr_expected``); so does a figure per occurrence
    (``extra_cost_usd_per_occurrence``).

Folders written before the columns said their unit (``total_cost_usd``, ``cost_increase_usd``, ``usd``, ...) hold
the same numbers under the bare names: readers (the report, ``compare``) take either (:func:`unlabelled`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PV = "usd_pv"  # present value, USD discounted to the base year
PER_YR = "usd_per_yr"  # USD per year
UNDISCOUNTED_OVER_PERIOD = "usd_undiscounted_over_period"  # a pathway period's years at face value
UNDISCOUNTED_PER_YR = "usd_undiscounted_per_yr"  # one steady-state year at face value
_BARE = "usd"  # what the columns were called before they said their unit
_SUFFIXES = (PV, PER_YR, UNDISCOUNTED_OVER_PERIOD, UNDISCOUNTED_PER_YR)


def _join(what: str, unit: str) -> str:
    return f"{what}_{unit}" if what else unit


def money_column(what: str, multi_period: bool) -> str:
    """The column of a figure summed as the objective sums it: ``total_cost_usd_pv`` on a pathway (present value at
    the base year), ``total_cost_usd_per_yr`` for one steady-state year (``what`` empty: ``usd_pv`` / ``usd_per_yr``).

    Parameters
    ----------
    what : what the figure is (``total_cost``, ``cost_increase``, ``least_cost``, ...), without a unit.
    multi_period : the case is a pathway (``ModelData.multi_period``).
    """
    return _join(what, PV if multi_period else PER_YR)


def undiscounted_column(what: str, multi_period: bool) -> str:
    """The column of the same costs at face value: ``usd_undiscounted_over_period`` on a pathway (the period's years
    summed), ``usd_undiscounted_per_yr`` for one steady-state year."""
    return _join(what, UNDISCOUNTED_OVER_PERIOD if multi_period else UNDISCOUNTED_PER_YR)


def money_columns(what: str, multi_periods: Iterable[bool]) -> list[str]:
    """The columns of a table whose rows may be of both kinds of case (a batch): the pathways' present value first,
    then the one-year cases' USD per year, each only where such a row exists."""
    kinds = set(multi_periods)
    return [money_column(what, multi) for multi in (True, False) if multi in kinds]


_KINDS = "|".join([*(s.removeprefix("usd_") for s in _SUFFIXES), "per_occurrence"])
_LABELLED = re.compile(rf"(^|_)usd_({_KINDS})(_|$)")  # usd_pv, ..., usd_per_yr_expected, usd_per_yr_per_pct


def is_labelled(column: str) -> bool:
    """A column that holds no money (no ``usd`` in its name), or holds money and says which (present value, per
    year, at face value over a period or per year, per occurrence; see the module docstring).  ``False`` for
    ``usd``, ``total_cost_usd``, ``swing_usd``: money without its kind."""
    return "usd" not in column.split("_") or _LABELLED.search(column) is not None


def labelled_names(what: str) -> list[str]:
    """The names a figure summed as the objective sums it may have in a result file: on a pathway, for one year."""
    return [money_column(what, True), money_column(what, False)]


def unlabelled(columns: Iterable[str], whats: Iterable[str]) -> dict[str, str]:
    """A reader's renaming: each of ``whats``' labelled columns (``total_cost_usd_pv``, ``total_cost_usd_per_yr``,
    ``usd_pv``...) to its bare name (``total_cost_usd``, ``usd``), which readers work with whatever the case (the
    unit is in ``summary.json``'s ``money``).  A folder written before the labels already has the bare names."""
    present = list(columns)
    out: dict[str, str] = {}
    for what in whats:
        found = [c for c in labelled_names(what) if c in present]
        if found and _join(what, _BARE) not in present:
            out[found[0]] = _join(what, _BARE)
    return out


def missing_names(missing: Iterable[str], whats: Iterable[str]) -> list[str]:
    """Columns a reader did not find, as a user would look for them: ``usd_pv or usd_per_yr`` for a bare money
    name of ``whats`` (see :func:`unlabelled`), any other as it is."""
    bare = {_join(what, _BARE): what for what in whats}
    return [" or ".join(labelled_names(bare[c])) if c in bare else c for c in missing]


__all__ = ["PER_YR", "PV", "UNDISCOUNTED_OVER_PERIOD", "UNDISCOUNTED_PER_YR", "is_labelled", "labelled_names",
           "missing_names", "money_column", "money_columns", "undiscounted_column", "unlabelled"]
