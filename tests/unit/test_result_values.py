"""Reading a solved model's values once: the same numbers, to the last bit and type, as reading every variable."""

from __future__ import annotations

from pathlib import Path

import pyomo.core as pyo
import pytest
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer.io.data import Cap, ModelData
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.model.policy import cap_rows
from optimizer.solver.highs import solve_model
from optimizer.solver.results import realised_shares
from optimizer.solver.values import SolvedValues, linear_value, read_family
from tests.random_networks import COUNTRIES, PRODUCTS, random_case

ROOT = Path(__file__).resolve().parents[2]


def every_delivery(m: pyo.ConcreteModel, data: ModelData, cap: Cap) -> dict[int, tuple]:
    """The realised shares as a sum over every delivery of the cap's rows (what the result files always held), plus
    every purified delivery of the rows where the case has purifiers."""
    value = {k: float(v.value or 0.0) for k, v in m.Deliver_T.items()}
    rows = cap_rows(data, cap, m.DELIVERIES)
    out = {t: (sum(value[x] for x in row.touched), sum(value[x] for x in row.scope), row.demand_t)
           for t, row in rows.items()}
    if hasattr(m, "Purified_T"):
        purified = {k: float(v.value or 0.0) for k, v in m.Purified_T.items()}
        out = {t: (out[t][0] + sum(purified[x] for x in row.purified_touched),
                   out[t][1] + sum(purified[x] for x in row.purified_scope), row.demand_t) for t, row in rows.items()}
    return out


def caps_of_every_kind(data: ModelData) -> list[Cap]:
    """Caps on each country and bloc at each stage, for each product and importer: some touch nothing at all, some
    touch only deliveries left at zero, some have no delivery in scope."""
    suppliers = sorted(set(COUNTRIES) | set(COUNTRIES.values()) | set(data.country_bloc))
    return [data.make_cap(s, stage, 0.5, product, importer)  # type: ignore[arg-type]
            for s in suppliers for stage in ("mine", "refine", "any") for product in ("*", *PRODUCTS)
            for importer in ("*", "USA", "MYS") if data.countries_of(s)]


@pytest.mark.parametrize("case", [*(f"random:{seed}" for seed in range(6)), "pax_silica_2025"])
def test_realised_shares_are_the_sums_over_every_delivery_to_the_last_bit(case: str) -> None:
    data = (random_case(int(case.split(":")[1]), china_cap=0.4) if case.startswith("random")
            else load_case(ROOT / "inputs" / case))
    m = build_model(data)
    assert solve_model(m).outcome.usable
    values = SolvedValues(m)
    kinds = set()
    for cap in caps_of_every_kind(data):
        want = every_delivery(m, data, cap)
        got = realised_shares(m, data, cap, values)
        # repr tells 0 (no delivery in the row: an empty sum) from 0.0 (deliveries, all at zero), and every bit.
        assert repr(got) == repr(want), cap
        kinds |= {type(x).__name__ + ("0" if x == 0 else "") for row in want.values() for x in row[:2]}
    assert kinds >= {"int0", "float0", "float"}  # the test saw empty rows, rows of zeros and rows with tonnes


def test_a_family_is_read_in_its_index_order_with_unset_and_negative_zero_values_as_zero() -> None:
    m = pyo.ConcreteModel()
    m.S = pyo.Set(initialize=[("a", 1), ("b", 2), ("c", 3), ("d", 4)], ordered=True)
    m.x = pyo.Var(m.S, dense=False)
    for key, value in [(("c", 3), 2.5), (("a", 1), -0.0), (("d", 4), None), (("b", 2), -1e-9)]:
        m.x[key].set_value(value)  # made out of the index's order
    family = read_family(m.x)
    assert family.keys == list(m.x.keys()) == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
    assert [repr(v) for v in family.values.tolist()] == ["0.0", "-1e-09", "2.5", "0.0"]
    assert family.nonzero == {("b", 2): -1e-9, ("c", 3): 2.5}
    assert family.above(0.0) == [(("c", 3), 2.5)]
    values = SolvedValues(m)
    assert values[m.x] is values[m.x]  # read once


def test_a_cost_expressions_value_is_pyomos_to_the_last_bit() -> None:
    m = build_model(load_case(ROOT / "inputs" / "pax_silica_2025"))
    solve_model(m)
    for terms in m.cost_terms.values():
        for expr in terms.values():
            assert repr(linear_value(expr)) == repr(float(pyo.value(expr)))


def test_a_constant_a_parameter_or_an_unset_variable_is_left_to_pyomo() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), initialize=0.1)
    m.p = pyo.Param(initialize=3.0, mutable=True)
    with_constant = LinearExpression([MonomialTermExpression((0.3, m.x[0])), 0.7, m.x[1]])
    with_param = LinearExpression([MonomialTermExpression((m.p, m.x[0])), m.x[1]])
    for expr in (with_constant, with_param, LinearExpression([m.x[2]]), LinearExpression([])):
        assert repr(linear_value(expr)) == repr(float(pyo.value(expr)))
    m.x[2].set_value(None)
    with pytest.raises(ValueError, match="No value"):
        linear_value(LinearExpression([MonomialTermExpression((2.0, m.x[2]))]))
