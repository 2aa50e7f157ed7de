"""Index sets and variable lookups built in bulk are the ones Pyomo builds member by member."""

from __future__ import annotations

import pyomo.core as pyo
import pytest

from optimizer.model import build_model
from optimizer.model.bulk import add_index_set, aligned, variable_list, variables
from tests.random_networks import random_case


def _both(members: list, dimen: int) -> tuple[pyo.Set, pyo.Set]:
    m = pyo.ConcreteModel()
    m.PYOMO = pyo.Set(dimen=dimen, initialize=members)
    return add_index_set(m, "BULK", members, dimen), m.PYOMO


@pytest.mark.parametrize("members, dimen", [
    ([("r", "f", "P", "CHN", 2030), ("a", "f", "P", "USA", 2030), ("r", "f", "P", "CHN", 2035)], 5),
    ([("m", "r", 0), ("m", "r", 0), ("k", "r", 0)], 3),  # a duplicate is kept once, at its first place
    ([], 2),
    (["CHN", "USA"], 1),  # not tuples: Pyomo's own way
    ([("a", ("b", "c"))], 3),  # a nested tuple: Pyomo flattens it
])
def test_a_bulk_set_has_pyomo_s_members_in_pyomo_s_order(members: list, dimen: int) -> None:
    bulk, pyomo = _both(members, dimen)
    assert list(bulk) == list(pyomo)
    assert bulk.dimen == pyomo.dimen
    assert len(bulk) == len(pyomo)
    assert all(x in bulk for x in pyomo)
    assert [bulk.ord(x) for x in pyomo] == list(range(1, len(pyomo) + 1))  # positions, asked after the build
    if len(pyomo):
        assert bulk.at(len(pyomo)) == pyomo.last()


def test_a_member_of_another_dimension_is_refused_as_pyomo_refuses_it() -> None:
    m = pyo.ConcreteModel()
    with pytest.raises(ValueError, match="dimen"):
        add_index_set(m, "BAD", [("a", "b", "c"), ("a", "b")], 3)


def test_a_bulk_set_takes_new_members_afterwards() -> None:
    bulk, pyomo = _both([("a", 1), ("b", 2)], 2)
    for s in (bulk, pyomo):
        s.add(("c", 3))
    assert list(bulk) == list(pyomo) == [("a", 1), ("b", 2), ("c", 3)]


def test_the_variables_of_a_built_model_are_read_in_index_order() -> None:
    m = build_model(random_case(3, china_cap=0.3, lumpy=True))
    for var in m.component_objects(pyo.Var, descend_into=True):
        if var.is_indexed():
            assert list(variables(var).items()) == list(var.items())
            assert variable_list(var) == list(var.values())
    assert list(m.DELIVERIES) == m.operations.deliveries


def test_variables_in_the_order_of_a_list_with_duplicates_are_looked_up() -> None:
    keys = [("a", 1), ("b", 2), ("a", 1)]
    m = pyo.ConcreteModel()
    add_index_set(m, "S", keys, 2)
    m.x = pyo.Var(m.S)
    assert aligned(keys, m.x) == [m.x["a", 1], m.x["b", 2], m.x["a", 1]]
    assert aligned(list(m.S), m.x) == list(m.x.values())


def test_the_variables_view_cannot_change_the_component() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2])
    with pytest.raises(TypeError):
        variables(m.x)[3] = m.x[1]  # type: ignore[index]
