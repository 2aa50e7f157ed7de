"""Numbers as a person reads them: money in short form, shares as percentages."""

from __future__ import annotations


def usd(x: float) -> str:
    """Money in short form: ``$41.43M``, ``-$603.74k``, ``$12``."""
    sign, x = ("-" if x < 0 and round(x) != 0 else ""), abs(x)  # never "-$0"
    for unit, size in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= size:
            return f"{sign}${x / size:,.2f}{unit}"
    return f"{sign}${x:,.0f}"


def usd_each(x: float) -> str:
    """Money per unit, kept readable when small: ``$1.25M``, ``$412.50``, ``$0.0213``."""
    if abs(x) >= 1e3:
        return usd(x)
    if abs(x) >= 1 or x == 0:
        return f"{'-' if x < 0 else ''}${abs(x):,.2f}"
    return f"{'-' if x < 0 else ''}${abs(x):.3g}"


def pct(x: float) -> str:
    """A share (0-1) as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


__all__ = ["pct", "usd", "usd_each"]
