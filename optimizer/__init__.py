"""paxsilica: optimise the rare-earth supply chain (mines -> refineries -> chip fabs) under dependence caps.

The Python API (see :mod:`optimizer.api`)::

    import optimizer as px
    case = px.load()                            # or px.load("my_case.xlsx"); the embedded dataset by default
    run = px.solve(case, caps={"CHN:any": 0.5}, time_limit=60)
    run.status, run.objective_usd, run.tables["builds"]
    run.write("outputs/capped")                 # the files of `paxsilica solve --out outputs/capped`
    px.sweep(case, cap="CHN:any").tables["frontier"]
    px.stress(case, n_1="country").tables["stress"]
    px.alternatives(case, slack=0.05).tables["alternatives"]
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("paxsilica")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from optimizer.api import Case, Result, Run, alternatives, load, solve, stress, sweep

_API = ("Case", "Result", "Run", "alternatives", "load", "solve", "stress", "sweep")


def __getattr__(name: str) -> Any:
    # The API imports pandas and Pyomo: loaded on first use, so that `paxsilica --version` stays quick.
    if name in _API:
        from optimizer import api

        return getattr(api, name)
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")


__all__ = ["Case", "Result", "Run", "__version__", "alternatives", "load", "solve", "stress", "sweep"]
