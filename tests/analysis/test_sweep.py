"""The cost-vs-dependence frontier: warm re-solves in one HiGHS object agree with cold solves and with the hand
optimum of tests/analysis/cases.py; duals are the frontier's slope."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.analysis.sweep import SweptCap, frontier_table, run_sweep, sweep_shares
from optimizer.cli import main
from optimizer.io.data import _frozen
from optimizer.model import build_model
from optimizer.solver.highs import HighsProgram, Outcome
from optimizer.solver.marginals import set_cap_share
from optimizer.solver.run import solve_case
from tests.analysis.cases import chain, frontier_cost, write_chain_csv
from tests.random_networks import random_case

CHINA = SweptCap("CHN", "any")


@pytest.fixture(scope="module")
def sweep():  # type: ignore[no-untyped-def]
    return run_sweep(chain(0.5), CHINA, sweep_shares(1.0, 0.0, 11))


def test_frontier_matches_the_hand_optimum_and_cold_solves(sweep) -> None:  # type: ignore[no-untyped-def]
    solved = sweep.solved
    assert [p.max_share for p in solved] == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    for p in solved:
        assert p.objective_usd == pytest.approx(frontier_cost(p.max_share), rel=1e-9)
        cold = solve_case(chain(p.max_share), baseline=False)
        assert p.objective_usd == pytest.approx(cold.result.objective_usd, rel=1e-6)
        assert p.realised_share == pytest.approx(p.max_share)


def test_sweep_stops_at_the_first_infeasible_share_and_reports_the_tightest(sweep) -> None:  # type: ignore[no-untyped-def]
    assert sweep.points[-1].status == Outcome.INFEASIBLE.value and sweep.points[-1].max_share == pytest.approx(0.1)
    assert len(sweep.points) == 10  # 0.0 is never tried
    assert sweep.tightest_feasible == pytest.approx(0.2)
    assert sweep.cap == "china" and not sweep.added


def test_duals_are_the_slope_of_the_frontier(sweep) -> None:  # type: ignore[no-untyped-def]
    by_share = {round(p.max_share, 6): p for p in sweep.solved}
    # Inside each linear piece the dual is the slope: 50 - 20 = 30 USD per point above 0.8, 80 - 20 = 60 below.
    assert by_share[0.9].dual_usd_per_yr_per_pct == pytest.approx(30)
    for s in (0.7, 0.6, 0.5, 0.4, 0.3):
        assert by_share[s].dual_usd_per_yr_per_pct == pytest.approx(60)
    # Everywhere, a dual is a subgradient: the secant between two points lies between their duals.
    solved = sweep.solved
    for a, b in zip(solved, solved[1:]):
        secant = (b.objective_usd - a.objective_usd) / (100 * (a.max_share - b.max_share))
        assert a.dual_usd_per_yr_per_pct - 1e-6 <= secant <= b.dual_usd_per_yr_per_pct + 1e-6


def test_frontier_table_is_monotone_and_marks_where_the_plan_changes(sweep) -> None:  # type: ignore[no-untyped-def]
    table = frontier_table(sweep)
    assert list(table.columns) == ["point", "max_share", "status", "total_cost_usd_per_yr", "cost_increase_usd_per_yr",
                                   "dual_usd_per_yr_per_pct", "realised_share", "new_tpa_USA", "breakpoint"]
    ok = table[table["status"] == "optimal"]
    assert ok["total_cost_usd_per_yr"].is_monotonic_increasing
    assert ok["cost_increase_usd_per_yr"].iloc[0] == 0 and ok["cost_increase_usd_per_yr"].iloc[-1] == pytest.approx(7400 - 1200 - 2000)
    # The US plant is built from 0.7 on (10 t at 0.7, 20 t at 0.6, ...): the plan changes once, at 0.7.
    assert ok.set_index("max_share")["new_tpa_USA"].to_dict() == pytest.approx(
        {1.0: 0, 0.9: 0, 0.8: 0, 0.7: 10, 0.6: 20, 0.5: 30, 0.4: 40, 0.3: 50, 0.2: 60})
    assert table.loc[table["breakpoint"], "max_share"].tolist() == pytest.approx([0.7])


def test_a_cap_missing_from_the_input_is_added_and_the_reference_is_solved_first() -> None:
    sweep = run_sweep(chain(None), CHINA, [0.5, 0.3])
    assert sweep.added and sweep.cap == "CHN:any"
    assert sweep.reference_usd == pytest.approx(2000)  # everything through China
    assert [p.objective_usd for p in sweep.points] == pytest.approx([frontier_cost(0.5), frontier_cost(0.3)])


def test_a_cap_share_changes_only_the_right_hand_side_in_place() -> None:
    # Only the Chinese route is usable.  At share 1 the cap row (touched <= 1 x 100 t demanded) is compiled like any
    # other; at 0.5 China may supply 50 of the 100 t that must be met: infeasible; back at 1 the plan returns.
    full = chain(1.0)
    data = replace(full, mine_arcs=_frozen({k: a for k, a in full.mine_arcs.items() if k[0] == "mC"}))
    program = HighsProgram(build_model(data))
    assert id(program.model.Dependence_Cap["china", 0]) in program.row_index
    set_cap_share(program, data, "china", 0.5)
    assert program.solve().outcome is Outcome.INFEASIBLE
    set_cap_share(program, data, "china", 1.0)
    assert program.solve().objective_usd == pytest.approx(2000)


@pytest.mark.parametrize("seed", [3, 11, 19])
def test_warm_sweep_agrees_with_cold_solves_on_random_networks(seed: int) -> None:
    shares = sweep_shares(1.0, 0.0, 6)
    sweep = run_sweep(random_case(seed, china_cap=1.0, lumpy=seed == 19), CHINA, shares)
    for p in sweep.points:
        cold = solve_case(random_case(seed, china_cap=p.max_share, lumpy=seed == 19), baseline=False)
        assert p.status == cold.result.outcome.value
        if p.usable:
            assert p.objective_usd == pytest.approx(cold.result.objective_usd, rel=1e-6, abs=1e-6)


def test_sweep_command_writes_frontier_and_summary(tmp_path: Path) -> None:
    case = write_chain_csv(tmp_path / "chain", share=0.5)
    out = tmp_path / "frontier"
    result = CliRunner().invoke(main, ["sweep", str(case), "--cap", "CHN:any", "--steps", "11", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "tightest feasible share: 20.0% (10.0% is infeasible)" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tightest_feasible_share"] == pytest.approx(0.2) and summary["points_solved"] == 9
    assert summary["first_infeasible_share"] == pytest.approx(0.1) and summary["breakpoints"] == [0.7]
    lines = (out / "frontier.csv").read_text().splitlines()
    assert lines[0].startswith("point,max_share,status,total_cost_usd_per_yr,cost_increase_usd_per_yr,dual_usd_per_yr_per_pct")
    assert len(lines) == 1 + 10


def test_sweep_command_rejects_a_share_in_cap_and_an_unknown_supplier(tmp_path: Path) -> None:
    case = write_chain_csv(tmp_path / "chain")
    runner = CliRunner()
    bad = runner.invoke(main, ["sweep", str(case), "--cap", "CHN:any=0.2"])
    assert bad.exit_code == 2 and "without a share" in bad.output
    unknown = runner.invoke(main, ["sweep", str(case), "--cap", "XXX:any", "--out", str(tmp_path / "o")])
    assert unknown.exit_code == 2 and "'XXX' is neither a country nor a bloc" in unknown.output
