"""paxsilica: optimise the rare-earth supply chain (mines -> refineries -> chip fabs) under dependence caps.

The Python API (see :mod:`optimizer.api`), also importable as ``import paxsilica as px``::

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
    from optimizer.api_commands import batch, sensitivity, validate
    from optimizer.api_model import Model, build

# Each name of the API, and the module that defines it.  ``report`` is ``paxsilica.report`` only: here the name is the
# subpackage optimizer.report.
_API = {**dict.fromkeys(("Case", "Result", "Run", "alternatives", "load", "solve", "stress", "sweep"), "optimizer.api"),
        **dict.fromkeys(("Model", "build"), "optimizer.api_model"),
        **dict.fromkeys(("batch", "report", "sensitivity", "validate"), "optimizer.api_commands")}


def __getattr__(name: str) -> Any:
    # The API imports pandas and Pyomo: loaded on first use, so that `paxsilica --version` stays quick.
    if name in _API and name != "report":
        from importlib import import_module

        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")


__all__ = ["Case", "Model", "Result", "Run", "__version__", "alternatives", "batch", "build", "load", "sensitivity",
           "solve", "stress", "sweep", "validate"]
