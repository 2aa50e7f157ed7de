"""Which numbers of the data each constraint and variable family's bounds come from, declared where it is built.

A warm re-solve (:mod:`optimizer.solver.reuse`) loads another case's numbers into a compiled program.  It must know,
for every constraint family, how its right-hand side follows from the data, and for every variable family how its
bounds do.  Each model part declares that beside the component it adds:

- ``declare_rhs(m, "Mine_Capacity", lambda data, index: ...)``: the bound (the upper one; both for an equality) of
  the row at ``index``, from the data;
- ``declare_rhs(m, "Oxide_Balance", None)``: the bounds follow from the structure only (what
  :func:`optimizer.solver.reuse.structure_signature` hashes), so a re-solve keeps them;
- ``declare_var_bounds(m, "Ore_T", lambda data, index: (lower, upper))`` or ``None`` likewise for variables.

:func:`undeclared` lists the families built without a declaration; the re-solve refuses a model that has any, so a
new constraint can never silently keep a stale right-hand side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyomo.core as pyo

RhsRule = Callable[[Any, tuple], float | None]
VarBoundsRule = Callable[[Any, tuple], tuple[float | None, float | None]]


def init_bound_rules(m: pyo.ConcreteModel) -> None:
    """Create the empty declarations; :func:`optimizer.model.build_model` calls it first."""
    m.rhs_rules = {}
    m.var_bound_rules = {}


def _key(b: pyo.Block, family: str) -> str:
    """The family's full name: ``Mine_Capacity`` on the model, ``Disrupted[ban].Mine_Capacity`` on a block."""
    return family if b is b.model() else f"{b.name}.{family}"


def declare_rhs(b: pyo.Block, family: str, rule: RhsRule | None) -> None:
    """Declare how constraint ``family`` (of the model or of block ``b``)'s right-hand side follows from the data
    (``None``: from structure only)."""
    b.model().rhs_rules[_key(b, family)] = rule


def declare_var_bounds(b: pyo.Block, family: str, rule: VarBoundsRule | None) -> None:
    """Declare how variable ``family`` (of the model or of block ``b``)'s bounds follow from the data (``None``: from
    structure only)."""
    b.model().var_bound_rules[_key(b, family)] = rule


def undeclared(m: pyo.ConcreteModel) -> list[str]:
    """Constraint and variable families of ``m`` (and of its blocks) without a declaration (should be empty)."""
    missing = [c.name for c in m.component_objects(pyo.Constraint, active=True, descend_into=True)
               if c.name not in m.rhs_rules]
    missing += [v.name for v in m.component_objects(pyo.Var, descend_into=True) if v.name not in m.var_bound_rules]
    return sorted(missing)
