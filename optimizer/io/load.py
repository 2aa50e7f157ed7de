"""Load a case: read the input, check it, and build :class:`ModelData`, or report every problem at once."""

from __future__ import annotations

from pathlib import Path

from optimizer.errors import InputError, Problem
from optimizer.io.build_data import model_data_from_tables
from optimizer.io.data import ModelData
from optimizer.io.read import read_tables
from optimizer.io.schema import TABLES, TABLES_BY_NAME
from optimizer.io.validate import validate_tables

_SHEET_ORDER = {spec.name: i for i, spec in enumerate(TABLES)}


def _sort_key(problem: Problem) -> tuple[int, int, int]:
    sheet = _SHEET_ORDER.get(problem.sheet, -1)  # problems with the whole input come first
    row = -1 if problem.row is None else problem.row
    spec = TABLES_BY_NAME.get(problem.sheet)
    names = spec.column_names if spec else []
    column = names.index(problem.column) if problem.column in names else -1
    return sheet, row, column


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in the order a user fixes them: by sheet (schema order), row, column; duplicates dropped."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=_sort_key)


def check_input(path: Path) -> list[Problem]:
    """Every problem with the input at ``path`` (empty when it can be used), sorted by place.

    Parameters
    ----------
    path : an ``.xlsx`` workbook or a directory of CSV files.
    """
    try:
        tables, problems = read_tables(Path(path))
    except InputError as err:
        return sort_problems(err.problems)
    return sort_problems(problems + validate_tables(tables))


def load_case(path: Path) -> ModelData:
    """Read, check and build the case at ``path``.

    Parameters
    ----------
    path : an ``.xlsx`` workbook or a directory of CSV files.

    Returns
    -------
    ModelData
        The validated case.

    Raises
    ------
    InputError
        With every problem found (cells, sheets and cross-references), sorted by sheet then row.
    """
    try:
        tables, problems = read_tables(Path(path))
    except InputError as err:
        raise InputError(sort_problems(err.problems)) from None
    problems = sort_problems(problems + validate_tables(tables))
    if problems:
        raise InputError(problems)
    return model_data_from_tables(tables)
