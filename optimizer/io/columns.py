"""The shape of one input column and one input sheet (:mod:`optimizer.io.schema` lists the sheets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Dtype = Literal["str", "float", "bool"]


class _Required:
    """Marker: a cell that must hold a value (no default)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input sheet.

    Parameters
    ----------
    name : column header, with its unit as a suffix where it has one.
    dtype : ``str``, ``float`` or ``bool``.
    description : one line for the template and the README.
    default : value used for a blank cell; ``REQUIRED`` means a blank is an error; ``None`` means blank is allowed
        and means "not given" (NaN for numbers, ``None`` for text).
    optional : the column itself may be absent from the sheet (its cells then all take ``default``).
    minimum, maximum : inclusive bounds for numbers.
    choices : the allowed values for text.
    """

    name: str
    dtype: Dtype
    description: str
    default: object = REQUIRED
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSpec:
    """One input sheet: its columns, whether it may be absent, and the columns that identify a row."""

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    optional: bool = False
    key: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: Dtype, description: str, **kw: object) -> ColumnSpec:
    return ColumnSpec(name, dtype, description, **kw)  # type: ignore[arg-type]


