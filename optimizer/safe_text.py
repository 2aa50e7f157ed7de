"""The one sanitiser for text the tool did not make (ids, scenario names, file names) on its way out.

Three destinations, three dangers:

* **a terminal** runs escape sequences (``ESC [ 2 J`` clears the screen, OSC 8 makes links) and shows right-to-left
  overrides (U+202E) that make ``exe.txt`` read as ``txt.exe``: :func:`visible` writes every control character and
  every bidi control as its escape (``\\x1b``, ``\\u202e``), so what is printed is what the file holds;
* **a CSV file opened in a spreadsheet** runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return as a formula (OWASP, "CSV Injection"): :func:`csv_cell` puts a ``'`` before such text; numbers (a negative
  cost) are numbers, not text, and are left alone;
* **an xlsx workbook** takes a text starting with ``=`` for a formula unless the cell is typed as text, and cannot
  hold most control characters at all (openpyxl raises ``IllegalCharacterError``): :func:`xlsx_text` makes those
  characters visible, and the writer types every text cell as text (``optimizer.io.results_xlsx``).

Ids in the input are refused at the root instead (:func:`unsafe_character`, used by ``optimizer.io.read``): a cell of
text holding a control character or a bidi control is reported with its sheet, row and column, so that ids in the
result files are always plain.  The escapes here cover what reaches the output by other ways (a file name, a
scenario's name, the text of an error).
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Bidi controls: marks (LRM, RLM, ALM), embeddings and overrides (LRE..RLO), isolates (LRI..PDI).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = "\x00-\x1f\x7f-\x9f"
_UNSAFE_LINE = re.compile(f"[{_CONTROL}{_BIDI}]")  # one line: even a newline is escaped
_UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # a message: keeps tab and newline
# What a cell of text in the input may not hold: controls but tab and newline (a note in a cell may wrap), and bidi
# controls.  A carriage return is refused: it would hide text on a terminal and split a row of a CSV result.
_UNSAFE_CELL = _UNSAFE_TEXT
# Characters an xlsx file (XML 1.0) cannot hold.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, one_line: bool = True) -> str:
    """``text`` with control characters and bidi controls written as escapes (``\\x1b``, ``\\u202e``).

    ``one_line`` escapes newlines and tabs too (an id, a path); without it a message keeps its line breaks.
    """
    return (_UNSAFE_LINE if one_line else _UNSAFE_TEXT).sub(_escape, text)


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` that input text may not hold, as ``U+001B``; None when there is none."""
    found = _UNSAFE_CELL.search(text)
    return None if found is None else f"U+{ord(found.group(0)):04X}"


def csv_cell(value: object) -> object:
    """A value for a CSV file: text a spreadsheet would run as a formula gets a leading ``'`` (numbers unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """Text an xlsx cell can hold: the characters XML cannot carry written as escapes (``\\x1b``)."""
    return _XML_ILLEGAL.sub(_escape, value)


__all__ = ["FORMULA_START", "csv_cell", "unsafe_character", "visible", "xlsx_text"]
