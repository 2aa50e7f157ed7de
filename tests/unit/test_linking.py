"""The lumpy links are valid inequalities: they never change an optimum, they tighten the LP relaxation."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import optimizer.model as model_module
from optimizer.io.data import Mine, ModelData, Refinery, _frozen
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.solver.highs import HighsProgram, SolveOptions
from optimizer.solver.reuse import structure_signature
from tests.builders import make_data
from tests.random_networks import random_case
from tests.unit.test_hand_optima import lumpy_case

ROOT = Path(__file__).resolve().parents[2]


def objective(data: ModelData, links: bool, monkeypatch: pytest.MonkeyPatch, **options: Any) -> float:
    with monkeypatch.context() as patch:
        if not links:
            patch.setattr(model_module, "add_linking", lambda m, d: None)
        result = HighsProgram(build_model(data)).solve(SolveOptions(**options))
    assert result.objective_usd is not None, result.message
    return result.objective_usd


FIXED = (300.0, 500.0)
SHIP = {("w0", "c0"): 1, ("w0", "c1"): 4, ("w0", "c2"): 9, ("w1", "c0"): 8, ("w1", "c1"): 3, ("w1", "c2"): 2}
DEMAND = {"c0": 30.0, "c1": 20.0, "c2": 40.0}


def warehouses() -> ModelData:
    # Two greenfield sites (fixed costs 300 and 500, ample capacity) and three customers: a facility-location case
    # whose optimum is found below by trying every set of open sites.
    return make_data(
        countries={"AAA": "other"},
        mines={"m": Mine("AAA", 1000, 0)},
        composition={("m", "P"): 1.0},
        refineries={f"w{i}": Refinery("AAA", 0, 0, 1.0, max_new_tpa=1000, capex_usd_per_tpa=0, fixed_capex_usd=f,
                                      min_build_tpa=0, build="lumpy", lifetime_yr=1) for i, f in enumerate(FIXED)},
        fabs=[(c, "AAA", "P", d, None) for c, d in DEMAND.items()],
        mine_arcs={("m", "w0"): 0, ("m", "w1"): 0},
        fab_arcs=SHIP,
    )


def by_hand() -> float:
    best = float("inf")
    for open_sites in itertools.chain.from_iterable(itertools.combinations(["w0", "w1"], k) for k in (1, 2)):
        cost = sum(FIXED[int(w[1])] for w in open_sites)
        cost += sum(d * min(SHIP[w, c] for w in open_sites) for c, d in DEMAND.items())
        best = min(best, cost)
    return best  # {w0, w1}: 800 + 30 + 60 + 80 = 970 (w0 alone: 300 + 30 + 80 + 360 = 770)


def test_a_facility_location_case_is_solved_at_its_optimum_and_its_relaxation_is_tight(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = warehouses()
    assert objective(data, True, monkeypatch) == pytest.approx(by_hand()) == pytest.approx(770)
    # The LP relaxation: with the links it pays the whole fixed cost of the site it uses; without, a fraction.
    strong = objective(data, True, monkeypatch, solver_options={"solve_relaxation": True})
    weak = objective(data, False, monkeypatch, solver_options={"solve_relaxation": True})
    assert strong == pytest.approx(770)
    assert weak < 500  # w0 opened at 90/1000 of its size pays 27 of its 300


@pytest.mark.parametrize("seed", range(16))
def test_random_lumpy_networks_have_the_same_optimum_with_and_without_links(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = random_case(seed, china_cap=0.5, lumpy=True)
    assert objective(data, True, monkeypatch) == pytest.approx(objective(data, False, monkeypatch), rel=1e-7)


@pytest.mark.parametrize("penalty", [100, 200])
def test_the_hand_lumpy_cases_have_the_same_optimum_with_and_without_links(
        penalty: float, monkeypatch: pytest.MonkeyPatch) -> None:
    data = lumpy_case(penalty)
    assert objective(data, True, monkeypatch) == pytest.approx(objective(data, False, monkeypatch), rel=1e-9)


def test_the_default_dataset_has_the_same_optimum_with_and_without_links(monkeypatch: pytest.MonkeyPatch) -> None:
    data = load_case(ROOT / "inputs" / "pax_silica_2025")
    assert objective(data, True, monkeypatch) == pytest.approx(objective(data, False, monkeypatch), rel=1e-9)


def test_only_greenfield_lumpy_sites_are_linked() -> None:
    # The lumpy plant of the hand case has no capacity: linked; one with existing capacity runs unbuilt: not linked.
    m = build_model(lumpy_case(200))
    assert {k[0] for k in m.LUMPY_DELIVERY_LINKS} == {"rJ"} and {k[1] for k in m.LUMPY_ORE_LINKS} == {"rJ"}
    refs = dict(lumpy_case(200).refineries)  # type: ignore[attr-defined]
    refs["rJ"] = Refinery("JPN", 50, 20, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100, fixed_capex_usd=20000,
                          min_build_tpa=200, build="lumpy", lifetime_yr=10)
    m = build_model(replace(lumpy_case(200), refineries=_frozen(refs)))  # type: ignore[type-var]
    assert len(m.LUMPY_DELIVERY_LINKS) == 0 and len(m.LUMPY_ORE_LINKS) == 0


def test_a_re_solve_never_keeps_a_link_whose_demand_changed() -> None:
    # The links' coefficients are demands: a case with another demand at a linked fab needs its own program.
    data = warehouses()
    demand = dict(data.demand_t)
    demand["c0", "P", 0] = 60.0
    assert structure_signature(data) != structure_signature(replace(data, demand_t=_frozen(demand)))
