"""Problems found in the input, each with the place a user can go and fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ID_SHOWN = 80  # characters of an id echoed in a message; a longer one is cut, with its length
_LONG = f"{{{MAX_ID_SHOWN + 1},}}"  # a regex repeat count: more than MAX_ID_SHOWN characters
_QUOTED = re.compile(r"'([^'\n]" + _LONG + r")'|\"([^\"\n]" + _LONG + r")\"")


def cut_ids(message: str) -> str:
    """Cut every quoted text longer than :data:`MAX_ID_SHOWN` characters in ``message`` (a pasted paragraph as an
    id would otherwise flood the terminal): ``'aaaa...' (1,234 characters)``."""

    def cut(match: re.Match[str]) -> str:
        text = match.group(1) if match.group(1) is not None else match.group(2)
        return f"'{text[:MAX_ID_SHOWN]}...' ({len(text):,} characters)"

    return _QUOTED.sub(cut, message)


def shown(message: str) -> str:
    """``message`` as it may reach a terminal: long ids cut (:func:`cut_ids`), control characters and bidi controls
    written as escapes (:func:`optimizer.safe_text.visible`), line breaks kept."""
    from optimizer.safe_text import visible

    return visible(cut_ids(message), one_line=False)


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
        return shown(f"{self.where}: {self.message}" if self.where else self.message)


class InputError(Exception):
    """The input cannot be used; carries every problem found so a user can fix them in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
