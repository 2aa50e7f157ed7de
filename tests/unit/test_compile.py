"""The numpy compile gives the standard form Pyomo's own compiler gives, on every model the product builds.

Pyomo's ``LinearStandardFormCompiler`` is the reference: the matrix, the row and column bounds, the costs and the
objective offset must be identical (rows and columns are matched by the constraint and variable they come from;
the order is checked too, since HiGHS's path on a degenerate problem depends on it).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.solver.compile import compile_model
from optimizer.solver.highs import HighsProgram
from tests.random_networks import random_case

ROOT = Path(__file__).resolve().parents[2]


def reference(m: pyo.ConcreteModel) -> dict[str, Any]:
    """Pyomo's standard form, as {row constraint id: (lower, upper, {column var id: coef})}, costs and bounds."""
    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    a = repn.A.tocsr()
    cols = list(repn.columns)
    rows: dict[int, tuple[float, float, dict[int, float]]] = {}
    for i, (con, sign) in enumerate(repn.rows):
        lower, upper, _ = rows.get(id(con), (-math.inf, math.inf, {}))
        entries = {id(cols[a.indices[k]]): float(a.data[k]) for k in range(a.indptr[i], a.indptr[i + 1])}
        upper = float(repn.rhs[i]) if sign in (0, 1) else upper
        lower = float(repn.rhs[i]) if sign in (0, -1) else lower
        rows[id(con)] = (lower, upper, entries)
    c = repn.c.toarray()[0] if repn.c.shape[0] else np.zeros(len(cols))
    return {"rows": rows, "row_order": list(dict.fromkeys(id(con) for con, _ in repn.rows)),
            "cols": [id(v) for v in cols], "cost": {id(v): float(c[j]) for j, v in enumerate(cols)},
            "bounds": {id(v): (-math.inf if v.lb is None else v.lb, math.inf if v.ub is None else v.ub) for v in cols},
            "integer": {id(v) for v in cols if v.is_integer()},
            "offset": float(repn.c_offset[0]) if len(repn.c_offset) else 0.0}


def ours(m: pyo.ConcreteModel) -> dict[str, Any]:
    f = compile_model(m)
    rows: dict[int, dict[int, float]] = {}
    for j, var in enumerate(f.columns):
        for k in range(f.a_start[j], f.a_start[j + 1]):
            rows.setdefault(int(f.a_index[k]), {})[id(var)] = float(f.a_value[k])
    return {"rows": {id(con): (float(f.row_lower[i]), float(f.row_upper[i]), rows.get(i, {}))
                     for i, (con, _) in enumerate(f.rows)},
            "row_order": [id(con) for con, _ in f.rows], "cols": [id(v) for v in f.columns],
            "cost": {id(v): float(f.col_cost[j]) for j, v in enumerate(f.columns)},
            "bounds": {id(v): (float(f.col_lower[j]), float(f.col_upper[j])) for j, v in enumerate(f.columns)},
            "integer": {id(f.columns[j]) for j in f.integer_cols}, "offset": f.offset, "fallbacks": f.fallbacks}


def assert_same_standard_form(m: pyo.ConcreteModel) -> None:
    want, got = reference(m), ours(m)
    assert got["fallbacks"] == 0  # every expression of the model is read from its lists
    for key in ("rows", "bounds", "integer", "cols", "row_order"):
        assert got[key] == want[key], key
    # Costs are sums of discount-weighted terms on a pathway: the two compilers add them in different orders, which
    # may differ in the last bit.
    assert got["cost"].keys() == want["cost"].keys()
    assert got["cost"] == {k: pytest.approx(v, rel=1e-12, abs=1e-12) for k, v in want["cost"].items()}, "cost"
    assert got["offset"] == pytest.approx(want["offset"], abs=1e-9)


@pytest.mark.parametrize("name", ["example", "pax_silica_2025"])
def test_the_shipped_inputs_compile_to_pyomos_standard_form(name: str) -> None:
    assert_same_standard_form(build_model(load_case(ROOT / "inputs" / name)))


@pytest.mark.parametrize("seed", range(24))
def test_random_networks_compile_to_pyomos_standard_form(seed: int) -> None:
    assert_same_standard_form(build_model(random_case(seed, china_cap=0.3 + 0.02 * seed, lumpy=bool(seed % 2))))


def test_fixed_variables_constants_ranges_and_duplicates_are_compiled_as_pyomo_does() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(4), bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.Binary)
    m.x[3].fix(2.0)
    m.p = pyo.Param(initialize=3.0, mutable=True)
    m.c1 = pyo.Constraint(expr=m.x[0] + 2 * m.x[1] - m.x[0] + 4 + m.x[3] <= 9)  # x0 cancels; x3 fixed; constant
    m.c2 = pyo.Constraint(expr=pyo.inequality(1, m.x[1] + m.p * m.x[2] + 0 * m.x[0], 7))  # a range, a Param
    m.c3 = pyo.Constraint(expr=m.x[2] == 5 * m.y)
    m.c4 = pyo.Constraint(expr=2 * (m.x[1] - m.x[2]) / 4 >= -(m.y + 1))  # products and a division of sums
    m.c5 = pyo.Constraint(expr=m.x[3] <= 5)  # only a fixed variable: left out
    m.obj = pyo.Objective(expr=3 * (m.x[0] + m.x[1]) + 2 * m.x[3] + 7 - m.y)
    assert_same_standard_form(m)


def test_linear_expressions_mixing_constants_sums_params_and_repeats_are_compiled_as_pyomo_does() -> None:
    # The bulk reader takes variables and monomials with numpy and walks the rest where it stands: entries of one
    # variable in one row must be added in the order they appear, and constants summed into the row's bounds.
    from pyomo.core.expr.numeric_expr import LinearExpression

    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), bounds=(-5, 5))
    m.z = pyo.Var([1, 2, 3], dense=False, domain=pyo.NonNegativeIntegers, bounds=(None, 9))  # made as used: 3, 1
    m.p = pyo.Param(initialize=0.1, mutable=True)
    m.w = pyo.Var(bounds=(m.p, 4))  # a bound that is a Param: read through Pyomo
    m.x[2].fix(1.5)
    m.c1 = pyo.Constraint(expr=LinearExpression([m.w, m.x[1], 3, 0.1 * m.x[0], m.p * m.x[0], m.z[3] + 2 * m.x[0],
                                                 -m.x[1], 4.5, 0.2 * m.x[0], m.x[2]]) <= 20)
    m.c2 = pyo.Constraint(expr=LinearExpression([m.z[1], 2 * (m.x[0] - 1)]) == 1)
    m.c3 = pyo.Constraint(expr=pyo.inequality(-1, m.z[3], 4))  # a body that is one variable
    m.c4 = pyo.Constraint(expr=LinearExpression([2.0, m.x[2]]) >= 1)  # a constant and a fixed variable only
    m.obj = pyo.Objective(expr=LinearExpression([7, m.z[1], 0.3 * m.x[1], m.x[1] + m.z[3], 1e-17 * m.x[0]]))
    assert_same_standard_form(m)
    f = compile_model(m)
    assert [v.name for v in f.columns] == ["z[1]", "z[3]", "x[0]", "x[1]", "w"]  # by first use, then index order
    assert (f.col_lower[-1], f.col_upper[-1]) == (0.1, 4)


def test_variables_that_are_not_columns_are_set_to_zero_and_fixed_ones_keep_their_value() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(4), bounds=(0, 10))
    m.x[2].fix(3.0)
    m.c = pyo.Constraint(expr=m.x[0] + m.x[3] - m.x[3] + m.x[2] >= 4)  # x3 cancels, x2 fixed, x1 nowhere
    m.obj = pyo.Objective(expr=m.x[0])
    program = HighsProgram(m)
    assert [v.name for v in program.columns] == ["x[0]"]
    assert program.solve().objective_usd == pytest.approx(1.0)
    assert [m.x[i].value for i in range(4)] == [pytest.approx(1.0), 0.0, 3.0, 0.0]


@pytest.mark.parametrize("bound", [math.nan, math.inf])
def test_an_invalid_bound_gets_pyomos_message(bound: float) -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), bounds=(0, 5))
    m.x[1].setlb(bound)
    m.c = pyo.Constraint(expr=sum(m.x.values()) >= 1)
    m.obj = pyo.Objective(expr=m.x[0])
    with pytest.raises(ValueError, match=r"Var 'x\[1\]' created with an invalid non-finite lower bound"):
        compile_model(m)


def test_the_solve_path_does_not_import_scipy_stats() -> None:
    # Pyomo imports scipy.stats (over a second) when its compiler touches scipy; the solve path must not.
    code = ("import sys; from optimizer.io.load import load_case; from optimizer.solver.run import solve_case; "
            "from optimizer.resources import default_input; solve_case(load_case(default_input())); "
            "print('scipy.stats' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
