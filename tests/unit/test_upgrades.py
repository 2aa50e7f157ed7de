"""Fab-grade lines as investments (``upgrades``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.run import solve_case
from tests.chain_cases import UPGRADE, write_case


def _solve(tmp_path: Path, **changes: str | None) -> object:
    return solve_case(load_case(write_case(tmp_path / "case", UPGRADE, **changes)), baseline=False)


def test_an_upgrade_qualifies_a_line_for_fabs(tmp_path: Path) -> None:
    run = _solve(tmp_path)
    assert run.result.objective_usd == pytest.approx(4300)  # type: ignore[attr-defined]
    built = run.tables["builds"].query("built")  # type: ignore[attr-defined]
    assert built[["kind", "refinery", "country", "new_tpa", "capex_usd_per_yr"]].values.tolist() == [
        ["upgrade", "U_A", "AUS", pytest.approx(100), pytest.approx(1000)]]


def test_without_the_upgrade_the_unqualified_ceria_goes_through_the_other_plant(tmp_path: Path) -> None:
    run = _solve(tmp_path, upgrades=None)
    assert run.result.objective_usd == pytest.approx(4800)  # type: ignore[attr-defined]


def test_an_upgrade_raises_the_refinerys_own_fab_grade_limit(tmp_path: Path) -> None:
    # No slate; R_A may deliver nothing to fabs (refinery-wide 0).  Its ceria has no fab-grade limit of its own, so
    # the upgrade raises the refinery's shared limit, which the yttria uses too: 150 t built,
    # 150 x 17 + 1,500 = 4,050 (a product line with fab_grade_max_t keeps the upgrade to its product, as above).
    refineries = ("refinery,country,capacity_tpa,opex_usd_per_t,recovery,lifetime_yr,fab_grade_max_t\n"
                  "R_A,AUS,1000,5,1,10,0\nR_B,JPN,1000,20,1,10,\n")
    run = _solve(tmp_path, refineries=refineries, refinery_products=None)
    assert run.result.objective_usd == pytest.approx(4050)  # type: ignore[attr-defined]


def test_an_upgrade_adds_a_line_a_slated_refinery_did_not_have(tmp_path: Path) -> None:
    # R_A lists only ceria; an upgrade of its yttria adds the line, up to the tonnes built: 50 t at 10 a year each.
    # 100 x 17 + 50 x 17 + 500 = 3,050 (against 3,300 with the yttria through R_B).
    upgrades = ("upgrade,refinery,product,max_new_t,capex_usd_per_tpa,build,lifetime_yr\n"
                "U_Y,R_A,Y2O3,1000,100,continuous,10\n")
    run = _solve(tmp_path, refinery_products="refinery,product\nR_A,CeO2\n", upgrades=upgrades)
    assert run.result.objective_usd == pytest.approx(3050)  # type: ignore[attr-defined]
