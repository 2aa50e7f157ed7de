"""A buildable site whose capacity could only come online after the last period cannot be built (issue 18, bug 7)."""

from __future__ import annotations

import pytest

from optimizer.io.data import Mine, Refinery
from optimizer.model import build_model
from optimizer.solver.run import solve_case
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "AUS": "pax_silica", "JPN": "pax_silica"}


def late_site_case() -> object:
    # The JPN site could only run from 2040, after the last period (2035): only the CHN plant can refine.
    # 100 t REO (Y2O3 is half of it) x (mine 10 + opex 20 + freight 1) + 50 t x freight 2 = 3200 per period.
    return make_data(
        countries=COUNTRIES,
        mines={"m": Mine("AUS", 1000, 10)},
        composition={("m", "Y2O3"): 0.5},
        refineries={
            "rC": Refinery("CHN", 1000, 20, 1.0),
            "rJ": Refinery("JPN", 0, 5, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100, build="lumpy",
                           min_build_tpa=10, lifetime_yr=10, earliest_online_year=2040),
        },
        fabs=[("f", "JPN", "Y2O3", 50, None)],
        mine_arcs={("m", "rC"): 1, ("m", "rJ"): 1},
        fab_arcs={("rC", "f"): 2, ("rJ", "f"): 2},
        periods={2030: 1.0, 2035: 1.0},
    )


def test_a_site_that_could_only_run_after_the_horizon_has_no_build_option() -> None:
    m = build_model(late_site_case())  # type: ignore[arg-type]
    assert list(m.BUILD_OPTIONS) == []
    assert "rJ" not in m.BUILD_SITES


def test_a_site_that_could_only_run_after_the_horizon_solves_without_it() -> None:
    run = solve_case(late_site_case(), baseline=False)  # type: ignore[arg-type]
    assert run.result.objective_usd == pytest.approx(6400)
    assert run.tables["builds"].empty or not run.tables["builds"]["built"].any()
