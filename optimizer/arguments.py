"""The one validator of the arguments a user gives, shared by the command line and the Python API.

The options of every command (``--time-limit``, ``--mip-gap``, ``--from``, ``--steps``, ...) and the arguments of
:mod:`optimizer.api` of the same name are checked here, so that the API refuses what the command line refuses
(``time_limit=nan``, ``mip_gap=2``, a share above 1, ``steps=10**7``, caps given as a list, a string where a list
is expected), with a message that names the argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

MAX_STEPS = 1001  # a frontier finer than 0.1 percentage point tells nothing more, and each point is a solve
N_1_KINDS = ("country", "refinery", "mine")


class ArgumentError(ValueError):
    """An argument that cannot be used: ``name`` (as the API spells it) and ``reason``, together in the message."""

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")


def finite_number(name: str, value: Any, low: float | None = None, high: float | None = None,
                  low_open: bool = False) -> float:
    """``value`` as a finite float within ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if isinstance(value, bool):
        raise ArgumentError(name, f"{value!r} is not a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ArgumentError(name, f"{value!r} is not a number") from None
    if not math.isfinite(x):
        raise ArgumentError(name, f"{value!r} is not a finite number")
    if low is not None and (x < low or (low_open and x == low)):
        raise ArgumentError(name, f"{value} must be {'>' if low_open else '>='} {low:g}")
    if high is not None and x > high:
        raise ArgumentError(name, f"{value} must be <= {high:g}")
    return x


def time_limit(value: Any, name: str = "time_limit") -> float | None:
    """Seconds, above 0 (None: no limit)."""
    return None if value is None else finite_number(name, value, 0, None, low_open=True)


def mip_gap(value: Any, name: str = "mip_gap") -> float | None:
    """A relative gap, 0-1 (None: HiGHS's default)."""
    return None if value is None else finite_number(name, value, 0, 1)


def share(value: Any, name: str) -> float:
    """A share, 0-1."""
    return finite_number(name, value, 0, 1)


def steps(value: Any, name: str = "steps") -> int:
    """A number of sweep points, 1 to :data:`MAX_STEPS`."""
    if isinstance(value, bool) or not isinstance(value, int):
        if not (isinstance(value, float) and value.is_integer()):
            raise ArgumentError(name, f"{value!r} is not a whole number")
        value = int(value)
    if not 1 <= value <= MAX_STEPS:
        raise ArgumentError(name, f"{value} must be between 1 and {MAX_STEPS:,}")
    return value


def text_list(value: Any, name: str) -> list[str]:
    """A list of texts; a single text is refused (it would be taken letter by letter)."""
    if isinstance(value, (str, bytes)):
        raise ArgumentError(name, f"expected a list of texts, got the text {value!r}; write [{value!r}]")
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise ArgumentError(name, f"expected a list of texts, got {type(value).__name__}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise ArgumentError(name, f"expected a list of texts, got {item!r} in it")
    return items


def shares(value: Any, name: str = "shares") -> list[float]:
    """A list of shares, each 0-1, at most :data:`MAX_STEPS` of them."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ArgumentError(name, f"expected a list of shares, got {value!r}")
    items = list(value)
    if not 1 <= len(items) <= MAX_STEPS:
        raise ArgumentError(name, f"{len(items):,} shares: give between 1 and {MAX_STEPS:,}")
    return [share(x, f"{name}[{i}]") for i, x in enumerate(items)]


def caps(value: Any, name: str = "caps") -> dict[str, float]:
    """``{"SUPPLIER:STAGE": max_share}``; a list, a text or a share outside 0-1 is refused."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ArgumentError(name, f"expected a mapping such as {{'CHN:any': 0.5}}, got {type(value).__name__}")
    checked = {}
    for key, x in value.items():
        if not isinstance(key, str):
            raise ArgumentError(name, f"key {key!r} is not a text such as 'CHN:any'")
        checked[key] = share(x, f"{name}[{key!r}]")
    return checked


def options(value: Any, name: str = "solver_options") -> dict[str, Any]:
    """HiGHS options by name (checked against HiGHS's list by :func:`optimizer.solver.methods.check_highs_options`)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ArgumentError(name, f"expected a mapping such as {{'presolve': 'off'}}, got {type(value).__name__}")
    return dict(value)


def choice(value: Any, name: str, allowed: Iterable[str]) -> str:
    """One of ``allowed``."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ArgumentError(name, f"{value!r}: expected one of {', '.join(allowed)}")
    return value


__all__ = ["MAX_STEPS", "ArgumentError", "caps", "choice", "finite_number", "mip_gap", "options", "share", "shares",
           "steps", "text_list", "time_limit"]
