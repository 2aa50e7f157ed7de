"""A case built into its Pyomo model, to change before solving: ``m = px.build(case)``, then ``px.solve(m)``.

As PyPSA's ``n.optimize`` and Calliope's ``build(); solve()`` allow, the model is built first and handed over:
``m.pyomo`` is the :class:`pyomo.core.ConcreteModel` the solver will see, so a constraint of your own (on the
variables documented in :mod:`optimizer.model`: ``Ore_T``, ``Deliver_T``, ``Build_TPA``, ...) holds in the plan::

    import pyomo.environ as pyo
    import paxsilica as px

    m = px.build(px.load("inputs/example"))
    m.pyomo.no_new_japan = pyo.Constraint(expr=sum(m.pyomo.Build_TPA["jp_sep_candidate", t]
                                                   for t in m.periods) <= 500)
    run = px.solve(m)
    run.summary["builds"]

A user's constraint must be linear (HiGHS solves LPs and MILPs).  It holds in every solve of :func:`solve_model`:
the plan, the cap marginals and the plan without caps (``summary["uncapped"]``).  The fastest reachable share of a
pathway (``pathway.csv``) is measured on the case as built from its data, without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from optimizer.io.data import ModelData

if TYPE_CHECKING:
    import pyomo.core as pyo

    from optimizer.api import Case, PathLike, Run


@dataclass
class Model:
    """A built case (:func:`build`): change ``pyomo`` before :func:`optimizer.api.solve` solves it.

    Attributes
    ----------
    case : the case it was built from.
    data : the case's data with the caps given to :func:`build` applied (what the model was built from).
    pyomo : the Pyomo model; add constraints, fix or bound variables.  After a solve its variables hold the plan.
    """

    case: Case
    data: ModelData
    pyomo: pyo.ConcreteModel

    @property
    def periods(self) -> list[int]:
        """The case's periods (one, ``[0]``-like, for a steady-state case), as the model's indices use them."""
        return list(self.data.periods)

    def __repr__(self) -> str:
        m = self.pyomo
        n_var = sum(len(v) for v in m.component_objects(_pyo().Var, active=True))
        n_con = sum(len(c) for c in m.component_objects(_pyo().Constraint, active=True))
        return f"Model({self.case.scenario!r} of {str(self.case.path)!r}: {n_var:,} variables, {n_con:,} constraints)"


def _pyo() -> Any:
    import pyomo.core as pyo

    return pyo


def build(case: Case | PathLike | None = None, caps: Mapping[str, float] | None = None,
          scenario: str | None = None) -> Model:
    """Build a case's Pyomo model without solving it.

    Parameters
    ----------
    case : a :class:`~optimizer.api.Case` from :func:`~optimizer.api.load`, or a path (None: the embedded dataset).
    caps : ``{"SUPPLIER:STAGE": max_share}`` as in :func:`~optimizer.api.solve`, applied before the build.
    scenario : apply this scenario to the case's input first.

    Returns
    -------
    Model
        ``m.pyomo`` to change, then ``px.solve(m)``.
    """
    from optimizer import arguments
    from optimizer.api import _case, load
    from optimizer.model import build_model
    from optimizer.solver.run import CapOverride, apply_cap_overrides

    caps = arguments.caps(caps)
    case = _case(case)
    if scenario is not None:
        case = load(case.path, scenario)
    try:
        overrides = [CapOverride.parse(f"{key}={value}") for key, value in caps.items()]
    except ValueError as err:
        raise arguments.ArgumentError("caps", str(err).replace("--cap ", "", 1)) from None
    data = apply_cap_overrides(case.data, overrides)
    return Model(case, data, build_model(data))


def solve_model(model: Model, time_limit: float | None = None, mip_gap: float | None = None,
                baseline: bool = True, method: str = "auto", solver_options: Mapping[str, Any] | None = None,
                fastest: bool = True) -> Run:
    """Solve a built (and perhaps changed) model: what ``px.solve(m)`` calls; the options as in ``px.solve``."""
    from optimizer.api import Run, _inputs, _options, scenario_solver_options
    from optimizer.solver.run import solve_case, summary

    method, solver_options = scenario_solver_options(model.case, method, solver_options)
    options = _options(time_limit, mip_gap, method, solver_options)
    done = solve_case(model.data, options, baseline=baseline, model=model.pyomo)
    extra: dict[str, Any] = {}
    if fastest and done.ok and model.data.multi_period:
        from optimizer.analysis.pathway import add_pathway

        extra = add_pathway(done, options)
    doc = {**summary(done, model.case.scenario), **model.case.extra, **extra}
    return Run(dict(done.tables), doc, inputs=_inputs(model.case), case=model.case, run=done, options=options)


__all__ = ["Model", "build", "solve_model"]
