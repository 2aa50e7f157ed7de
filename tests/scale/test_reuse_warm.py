"""Re-solving one compiled program for new numbers gives the optimum a cold solve gives, and cold re-solves match."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer.io.data import Arc, Mine, ModelData, Refinery, _frozen
from optimizer.solver.reuse import ReusableProgram, structure_signature
from optimizer.solver.run import solve_case
from tests.builders import make_data
from tests.random_networks import random_case


def _variants(data: ModelData) -> list[ModelData]:
    """Cases that differ from ``data`` only in numbers: demand, costs, capacities, cap shares, discount rate."""
    more_demand = replace(data, demand_t=_frozen({k: 1.4 * v for k, v in data.demand_t.items()}))
    dear_mines = replace(data, mines=_frozen({k: replace(v, cost_usd_per_t=v.cost_usd_per_t * (1 + i))
                                              for i, (k, v) in enumerate(data.mines.items())}))
    small = replace(data, mines=_frozen({k: replace(v, capacity_t=v.capacity_t * 0.3) for k, v in data.mines.items()}),
                    refineries=_frozen({k: replace(v, capacity_tpa=v.capacity_tpa * 0.5, opex_usd_per_t=2 * v.opex_usd_per_t)
                                        for k, v in data.refineries.items()}))
    out = [more_demand, dear_mines, small, replace(data, discount_rate=0.15)]
    for share in (0.1, 0.5, 1.0):
        out.append(data.with_caps({k: replace(c, max_share=share) for k, c in data.caps.items()}))
    return out


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_warm_and_cold_re_solves_match_fresh_solves(seed: int) -> None:
    base = random_case(seed, china_cap=0.4)
    program = ReusableProgram(base)
    first = program.solve(base)
    warm = program.warm_start()
    assert first.ok
    for case in _variants(base):
        assert structure_signature(case) == program.signature
        fresh = solve_case(case, baseline=False)
        warm_run = program.solve(case, warm=warm)
        cold_run = program.solve(case)
        assert warm_run.result.outcome == fresh.result.outcome
        if not fresh.ok:
            continue
        assert warm_run.result.objective_usd == pytest.approx(fresh.result.objective_usd, rel=1e-9, abs=1e-6)
        for name, table in fresh.tables.items():  # a cold re-solve is the same LP as a fresh build: same tables
            assert cold_run.tables[name].equals(table), name
        assert warm_run.tables["costs"].round(4).equals(fresh.tables["costs"].round(4))
        # Shares are the same; a dual may differ where the LP is degenerate (several duals are optimal).
        shares = ["cap", "period", "touched_t", "delivered_t", "share", "max_share"]
        assert warm_run.tables["dependence"][shares].round(4).equals(fresh.tables["dependence"][shares].round(4))


def test_a_cap_share_loaded_into_a_compiled_program_agrees_with_a_cold_solve() -> None:
    # Every tonne comes from China; the fab may go short at 1000 USD/t.
    data = make_data(
        countries={"CHN": "china", "USA": "pax_silica"},
        mines={"m": Mine("CHN", 100.0, 10.0)}, composition={("m", "CeO2"): 0.5},
        refineries={"r": Refinery("CHN", 100.0, 5.0, 1.0)},
        fabs=[("f", "USA", "CeO2", 20.0, 1000.0)],
        mine_arcs={("m", "r"): Arc(1.0)}, fab_arcs={("r", "f"): Arc(2.0)},
        caps=[("china", "CHN", "any", 1.0)],
    )
    program = ReusableProgram(data)
    # 40 t ore at 10 + 5 + 1, 20 t oxide moved at 2 = 680
    assert program.solve(data).result.objective_usd == pytest.approx(40 * 16 + 20 * 2)
    half = data.with_caps({"china": replace(data.caps["china"], max_share=0.5)})
    run = program.solve(half, warm=program.warm_start())
    # China may supply half of the 20 t demanded: 10 t delivered (20 t ore at 16 + 10 t moved at 2), 10 t unmet.
    assert run.result.objective_usd == pytest.approx(20 * 16 + 10 * 2 + 10 * 1000.0)
    assert run.result.objective_usd == pytest.approx(solve_case(half, baseline=False).result.objective_usd)


def test_a_structural_change_is_refused() -> None:
    base = random_case(3, china_cap=0.4)
    program = ReusableProgram(base)
    fewer_arcs = replace(base, mine_arcs=_frozen(dict(list(base.mine_arcs.items())[1:])))
    assert not program.accepts(fewer_arcs)
    with pytest.raises(ValueError, match="structure differs"):
        program.load(fewer_arcs)


def test_a_warm_milp_re_solve_of_the_default_dataset_reports_the_objective_of_its_plan() -> None:
    # The default dataset is a MILP (lumpy builds) solved with HiGHS's user objective and bound scaling; a re-solve
    # started from the anchor's incumbent must report what its plan costs, as a fresh solve does.
    from optimizer.api import load

    data = load().data
    program = ReusableProgram(data)
    assert program.solve(data).ok
    warm = program.warm_start()
    dearer = replace(data, mines=_frozen({k: replace(v, cost_usd_per_t=1.1 * v.cost_usd_per_t)
                                          for k, v in data.mines.items()}))
    warm_run = program.solve(dearer, warm=warm)
    fresh = solve_case(dearer, baseline=False, marginals=False)
    assert warm_run.result.objective_usd == pytest.approx(fresh.result.objective_usd, rel=1e-9)
    # What the plan costs, read from the cost table, is what the run reports.
    assert warm_run.tables["costs"]["usd_pv"].sum() == pytest.approx(warm_run.result.objective_usd, rel=1e-9)
