"""Problems found in the input, each with the place a user can go and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the row number the user sees in the file (the header is row 1, so the first data row is 2);
    ``None`` for a problem with a whole sheet.  ``column`` is ``None`` for a problem with a whole row.
    ``where`` is the formatted place (see :meth:`optimizer.io.tables.InputTables.place`).
    """

    where: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(Exception):
    """The input cannot be used; carries every problem found so a user can fix them in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
