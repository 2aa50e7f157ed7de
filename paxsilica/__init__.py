"""paxsilica: optimise the rare-earth supply chain (mines -> refineries -> chip fabs) under dependence caps.

``import paxsilica as px`` is the Python API; the implementation lives in the ``optimizer`` package (the command
line is ``optimizer.cli``), which stays importable as it is::

    import paxsilica as px

    case = px.load()                            # the embedded dataset; px.load("my_case.xlsx") for yours
    run = px.solve(case, caps={"CHN:any": 0.5})
    run.status, run.tables["builds"]
    run.write("outputs/capped")                 # the files of `paxsilica solve --out outputs/capped`

    m = px.build(case)                          # the Pyomo model, to change before solving
    m.pyomo.my_rule = ...                       # a constraint of your own
    px.solve(m)

    px.sweep(case), px.stress(case, n_1="country"), px.sensitivity(), px.batch("scenarios.toml"),
    px.report("outputs/capped"), px.validate("my_case.xlsx")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from optimizer import __version__

# The API's names are listed, with their modules, in optimizer._API.

if TYPE_CHECKING:
    from optimizer.api import Case, Result, Run, alternatives, load, solve, stress, sweep
    from optimizer.api_commands import batch, report, sensitivity, validate
    from optimizer.api_model import Model, build
    from optimizer.errors import InputError


def __getattr__(name: str) -> Any:
    # Loaded on first use, as in ``optimizer``: importing paxsilica stays quick until the API is called.
    from importlib import import_module

    from optimizer import _API

    if name == "InputError":
        from optimizer.errors import InputError

        return InputError
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'paxsilica' has no attribute {name!r}")


__all__ = ["Case", "InputError", "Model", "Result", "Run", "__version__", "alternatives", "batch", "build", "load",
           "report", "sensitivity", "solve", "stress", "sweep", "validate"]
