"""Product slates (``refinery_products``): a refinery with rows makes only what they list, within their limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.run import solve_case
from tests.chain_cases import SLATES, write_case


def _solve(tmp_path: Path, **changes: str | None) -> object:
    return solve_case(load_case(write_case(tmp_path / "case", SLATES, **changes)), baseline=False)


def _refined(run: object) -> dict[tuple[str, str], float]:
    flows = run.tables["flows"]  # type: ignore[attr-defined]
    out = flows[flows["stage"] == "refinery_to_fab"].groupby(["from", "product"])["tonnes"].sum()
    return {k: v for k, v in out.items() if v > 1e-9}


def test_a_refinery_with_a_slate_makes_only_the_products_listed(tmp_path: Path) -> None:
    # Y2O3 cannot come from R_A: 100 x (10 + 1 + 5 + 1) + 50 x (10 + 1 + 20 + 1) = 1,700 + 1,600 = 3,300.
    run = _solve(tmp_path)
    assert run.result.objective_usd == pytest.approx(3300)  # type: ignore[attr-defined]
    assert _refined(run) == {("R_A", "CeO2"): pytest.approx(100), ("R_B", "Y2O3"): pytest.approx(50)}


def test_without_the_sheet_every_refinery_makes_every_product_in_its_feed(tmp_path: Path) -> None:
    # Everything through R_A: 150 x 17 = 2,550.
    run = _solve(tmp_path, refinery_products=None)
    assert run.result.objective_usd == pytest.approx(2550)  # type: ignore[attr-defined]


def test_max_t_bounds_the_product_leaving_the_plant(tmp_path: Path) -> None:
    # R_A may ship 60 t CeO2: the other 40 t through R_B at 32: 60 x 17 + 40 x 32 + 50 x 32 = 3,900.
    run = _solve(tmp_path, refinery_products="refinery,product,max_t\nR_A,CeO2,60\n")
    assert run.result.objective_usd == pytest.approx(3900)  # type: ignore[attr-defined]


def test_fab_grade_max_t_of_a_product_bounds_only_what_goes_to_fabs(tmp_path: Path) -> None:
    # R_A's ceria is not qualified (0): all 100 t through R_B: 100 x 32 + 50 x 32 = 4,800.
    run = _solve(tmp_path, refinery_products="refinery,product,fab_grade_max_t\nR_A,CeO2,0\n")
    assert run.result.objective_usd == pytest.approx(4800)  # type: ignore[attr-defined]


def test_product_recovery_overrides_the_refinerys(tmp_path: Path) -> None:
    # R_A recovers 80% of its ceria: 125 t ore x (10 + 1 + 5) + 100 t x 1 = 2,100 (R_B: 3,200); + 1,600 yttria.
    run = _solve(tmp_path, refinery_products="refinery,product,recovery\nR_A,CeO2,0.8\n")
    assert run.result.objective_usd == pytest.approx(2100 + 1600)  # type: ignore[attr-defined]


def test_a_line_with_an_online_year_runs_from_the_first_period_at_or_after_it(tmp_path: Path) -> None:
    # Periods 2025 and 2030 (one year each).  R_A's yttria line runs from 2027: 2025 at 3,300, 2030 at 2,550.
    run = _solve(tmp_path, periods="period,years_represented\n2025,5\n2030,1\n",
                 refinery_products="refinery,product,online_year\nR_A,CeO2,\nR_A,Y2O3,2027\n")
    assert run.result.objective_usd == pytest.approx(5 * 3300 + 2550)  # type: ignore[attr-defined]


def test_a_warm_re_solve_loads_another_slate_limit(tmp_path: Path) -> None:
    from dataclasses import replace

    from optimizer.io.data import _frozen
    from optimizer.solver.reuse import ReusableProgram

    data = load_case(write_case(tmp_path / "case", SLATES, refinery_products="refinery,product,max_t\nR_A,CeO2,60\n"))
    program = ReusableProgram(data)
    assert program.solve(data).result.objective_usd == pytest.approx(3900)
    line = data.refinery_products["R_A", "CeO2"]
    more = replace(data, refinery_products=_frozen({("R_A", "CeO2"): replace(line, max_t=80.0)}))
    assert program.accepts(more)
    # 80 x 17 + 20 x 32 + 50 x 32 = 3,600
    assert program.solve(more, warm=program.warm_start()).result.objective_usd == pytest.approx(3600)
