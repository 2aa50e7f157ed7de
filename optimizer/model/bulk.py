"""Pyomo index sets and variable lookups built in bulk, without Pyomo's per-member work.

Pyomo checks every member added to a Set (it normalises the member, flattening nested tuples, and verifies its
dimension) and normalises every index read back through a component's ``items()``: about a microsecond per member.
The model's index lists are flat tuples of names and periods that the model parts build themselves, so that work
finds nothing to change; at a million deliveries it was seconds of every build.  Here the members are checked once
for the whole list (all tuples of the set's dimension) and stored at once.

This relies on two Pyomo internals, the same in Pyomo 6.8 to 6.10 (``pyproject.toml`` asks for ``pyomo>=6.8``):

- an insertion-ordered Set's members are the keys of the dict ``_values`` (``InsertionOrderSetData``), with
  ``_ordered_values`` a cache of them in a list (``None`` until asked for);
- an indexed component's ``_data`` is the dict index -> data object, filled in the index set's order when a dense
  Var is constructed.

Where either does not hold (another Pyomo, a set with members of another shape, a sparse Var) the public, slower
way is taken, so the result never depends on them; ``tests/unit/test_bulk.py`` compares both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pyomo.core as pyo


def _plain_tuples(members: Sequence[Any], dimen: int) -> bool:
    """True if every member is a tuple of ``dimen`` items (two passes in C instead of a Python call per member).

    Items are not checked for nested tuples (Pyomo would flatten them): the model parts build members from names
    and periods, never from tuples, and the first member stands for that.
    """
    if dimen < 2 or not members or any(type(item) is tuple for item in members[0]):
        return False
    return set(map(type, members)) == {tuple} and set(map(len, members)) == {dimen}


def add_index_set(b: pyo.Block, name: str, members: Sequence[tuple], dimen: int) -> pyo.Set:
    """Add ``b.<name>``, an ordered Set of ``dimen``-tuples with ``members`` in their order (duplicates once).

    The same Set as ``pyo.Set(dimen=dimen, initialize=members)``, built with one dict instead of a check per member.
    """
    setattr(b, name, pyo.Set(dimen=dimen, ordered=True))
    component = getattr(b, name)
    values = getattr(component, "_values", None)
    if type(values) is dict and not values and _plain_tuples(members, dimen):
        component._values = dict.fromkeys(members)
        component._ordered_values = None
    else:
        component.update(members)
    return component


def variables(component: pyo.Var) -> Mapping[tuple, Any]:
    """index -> variable of a constructed indexed Var, in index order: a read-only view of the component's own
    dict when that holds every index (no copy), else a new dict."""
    data = getattr(component, "_data", None)
    if type(data) is dict and len(data) == len(component.index_set()):
        return MappingProxyType(data)
    return dict(component.items())


def variable_list(component: pyo.Var) -> list:
    """The variables of an indexed Var in index order (aligned with the list its index set was built from)."""
    return list(variables(component).values())


def aligned(keys: Sequence[tuple], component: pyo.Var) -> list:
    """The variables of ``component`` in the order of ``keys``, the list its index set was built from.

    Read in one pass (no lookup per key) when the component holds exactly those keys, which it does unless the list
    had duplicates; a lookup per key otherwise.
    """
    found = variable_list(component)
    if len(found) == len(keys):
        return found
    by_index = variables(component)
    return [by_index[k] for k in keys]
