"""The balances as registries: model parts add terms, the balance constraints sum whatever is registered.

Like switch-model's ``Zone_Power_Injections`` and GridPath's load-balance component lists, a balance is not written
by the part that owns its variables.  Each part registers, under a name of its own, a mapping from the balance's
index to the terms it contributes; :func:`add_balances` then builds each balance from every registered mapping.  A
stockpile drawn into a fab's demand, recycled oxide into a refinery's output or a new kind of demand is a new module
that registers a term; it does not edit ``network.py``.

==========================  ====================================================================  ===========
Registry (on the model)     Balance built from it                                                 unit
==========================  ====================================================================  ===========
``demand_supply_terms``     ``Demand_Balance[f, p, t]``:  sum of every term  ==  demand_t[f, p, t]   t oxide/yr
``oxide_supply_terms``      ``Oxide_Balance[r, p, o, t]``:  sum of use terms  <=  sum of supply      t oxide/yr
``oxide_use_terms``         terms (free disposal of what is neither delivered nor sold)
==========================  ====================================================================  ===========

Each operating state has its registries: the model's for normal operations, and a block's for each copy of the
operations during a disruption (``m.operating_copies``, see :mod:`optimizer.model.disruptions`); a part registers
into the block of the state its term belongs to, and :func:`add_balances` builds every state's balances.

A term is a variable, a ``coef * variable`` term (:func:`optimizer.model.network.term`) or a number (a fixed
quantity, moved to the right-hand side).  Terms may only name indices that the balance has; the balances' index
sets (``DEMANDS``, ``YIELDS``) belong to the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Number
from typing import Any

import pyomo.core as pyo
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer.io.data import ModelData
from optimizer.model.bounds import declare_rhs

REGISTRIES = ("demand_supply_terms", "oxide_supply_terms", "oxide_use_terms")


def init_registries(m: pyo.Block) -> None:
    """Create the empty registries; :func:`optimizer.model.build_model` calls it before any part is added."""
    for name in REGISTRIES:
        setattr(m, name, {})


def _register(m: pyo.Block, registry: str, name: str, terms: Mapping[tuple, Sequence[Any]]) -> None:
    entries = getattr(m, registry)
    if name in entries:
        raise ValueError(f"{registry}: term {name!r} registered twice")
    if hasattr(m, "Demand_Balance"):
        raise RuntimeError(f"{registry}: term {name!r} registered after the balances were built")
    entries[name] = terms


def add_demand_supply(m: pyo.Block, name: str, terms: Mapping[tuple, Sequence[Any]]) -> None:
    """Register what ``name`` supplies to each fab's demand: ``{(fab, product, period): [terms]}``."""
    _register(m, "demand_supply_terms", name, terms)


def add_oxide_supply(m: pyo.Block, name: str, terms: Mapping[tuple, Sequence[Any]]) -> None:
    """Register oxide that ``name`` makes available at a refinery: ``{(refinery, product, origin, period): [terms]}``."""
    _register(m, "oxide_supply_terms", name, terms)


def add_oxide_use(m: pyo.Block, name: str, terms: Mapping[tuple, Sequence[Any]]) -> None:
    """Register oxide that ``name`` takes from a refinery: ``{(refinery, product, origin, period): [terms]}``."""
    _register(m, "oxide_use_terms", name, terms)


def _negated(arg: Any) -> Any:
    """``-arg`` for a variable or a monomial, built directly (Pyomo's operators cost more)."""
    if isinstance(arg, MonomialTermExpression):
        return MonomialTermExpression((-arg.arg(0), arg.arg(1)))
    return MonomialTermExpression((-1.0, arg))


# The kinds of term the model parts register; a list holding only these has no number to move to the right-hand
# side, which one pass over the list's types (in C) tells, instead of an isinstance check per term.
_VARIABLE_TERMS = frozenset({VarData, MonomialTermExpression})


def _collect(m: pyo.Block, registry: str, index_set: Iterable[tuple], sign: float,
             out: dict[tuple, list]) -> None:
    """Add every term of ``registry`` to ``out[index] = [args, constant]``, multiplied by ``sign``."""
    valid = set(index_set)
    for name, terms in getattr(m, registry).items():
        for index, args in terms.items():
            if index not in valid:
                raise KeyError(f"{registry}: term {name!r} names {index!r}, which the balance does not have")
            entry = out.get(index)
            if entry is None:
                entry = out[index] = [[], 0.0]
            if _VARIABLE_TERMS.issuperset(map(type, args)):
                entry[0].extend(args if sign == 1.0 else map(_negated, args))
                continue
            for arg in args:
                if isinstance(arg, Number):
                    entry[1] += sign * float(arg)  # type: ignore[arg-type]
                else:
                    entry[0].append(arg if sign == 1.0 else _negated(arg))


def add_balances(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Build ``Demand_Balance`` and ``Oxide_Balance`` from every registered term, for normal operations (on ``m``)
    and for every operating copy (the blocks in ``m.operating_copies``, each with registries of its own)."""
    for b in [m, *getattr(m, "operating_copies", [])]:
        _add_balances_of(b, data)


def _add_balances_of(m: pyo.Block, data: ModelData) -> None:
    demand: dict[tuple, list] = {}
    _collect(m, "demand_supply_terms", m.DEMANDS, 1.0, demand)

    def demand_balance(_m, f, p, t):  # type: ignore[no-untyped-def]
        args, constant = demand.get((f, p, t), ([], 0.0))
        return LinearExpression(args) == data.demand_t[f, p, t] - constant

    m.Demand_Balance = pyo.Constraint(m.DEMANDS, rule=demand_balance)
    # Fixed quantities registered as numbers are part of the structure (they are kept on a re-solve).
    declare_rhs(m, "Demand_Balance", lambda d, i: d.demand_t[i] - demand.get(i, ([], 0.0))[1])

    oxide: dict[tuple, list] = {}
    _collect(m, "oxide_use_terms", m.YIELDS, 1.0, oxide)
    _collect(m, "oxide_supply_terms", m.YIELDS, -1.0, oxide)

    def oxide_balance(_m, r, p, c, t):  # type: ignore[no-untyped-def]
        args, constant = oxide.get((r, p, c, t), ([], 0.0))
        if not args:
            return pyo.Constraint.Skip
        return LinearExpression(args) <= -constant

    m.Oxide_Balance = pyo.Constraint(m.YIELDS, rule=oxide_balance)
    declare_rhs(m, "Oxide_Balance", None)
