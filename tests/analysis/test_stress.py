"""Disruption tests on the hand chain of tests/analysis/cases.py.

Uncapped, the base plan sends all 100 t through China (mC -> rC, 20 USD/t: 2000 USD) and builds nothing.  Take away
the Chinese mine (or refinery, or country) with investments held at the base plan and only Malaysia's 20 t remain:
80 t go unmet at the default penalty, and cost = 20 x 50 + 80 x 1e8.  Everything else is unused: removing it
changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.analysis.stress import (
    DEFAULT_UNMET_PENALTY_USD_PER_T,
    Disruption,
    n_minus_1,
    parse_disruption,
    run_stress,
    stress_detail_table,
    stress_table,
)
from optimizer.cli import main
from optimizer.errors import InputError
from tests.analysis.cases import chain, write_chain_csv

PENALTY = DEFAULT_UNMET_PENALTY_USD_PER_T


def test_n_minus_1_mines_ranks_the_chinese_mine_first_with_its_unmet_tonnes_and_cost() -> None:
    data = chain()
    result = run_stress(data, [[d] for d in n_minus_1(data, "mine")])
    assert result.base.objective_usd == pytest.approx(2000) and result.base.unmet_t == 0
    first, second = result.cases
    assert first.removed == [Disruption("mine", "mC")] and first.case == "1"
    assert first.unmet == [("f", "Y", 0, pytest.approx(80))]
    assert result.increase(first) == pytest.approx(20 * 50 + 80 * PENALTY - 2000)
    assert first.china_share == pytest.approx({0: 0.0})  # per period: one steady-state year
    assert second.removed == [Disruption("mine", "mA")] and second.unmet_t == 0
    assert result.increase(second) == pytest.approx(0.0, abs=1e-6)


def test_n_minus_1_countries_ranks_china_first_then_ties_by_name() -> None:
    data = chain()
    result = run_stress(data, [[d] for d in n_minus_1(data, "country")])
    table = stress_table(result)
    assert table["case"].tolist() == ["base", "1", "2", "3", "4"]
    assert table["removed"].tolist() == ["", "CHN", "AUS", "MYS", "USA"]
    assert table["unmet_t"].tolist() == pytest.approx([0, 80, 0, 0, 0])
    assert table["china_share"].tolist() == pytest.approx([1, 0, 1, 1, 1])
    detail = stress_detail_table(result)
    assert detail.values.tolist() == [["1", "f", "Y", 0, pytest.approx(80)]]


def test_reoptimising_builds_the_us_plant_and_leaves_less_unmet() -> None:
    # Free to invest, the US plant is built to its 60 t limit: 20 (Malaysia) + 60 (USA) = 80 t, 20 t unmet.
    data = chain()
    fixed = run_stress(data, [[Disruption("mine", "mC")]])
    free = run_stress(data, [[Disruption("mine", "mC")]], reoptimize=True)
    assert fixed.cases[0].unmet_t == pytest.approx(80)
    assert free.cases[0].unmet_t == pytest.approx(20)
    assert free.cases[0].objective_usd == pytest.approx(20 * 50 + 60 * 80 + 20 * PENALTY)


def test_a_lane_removal_cuts_only_the_arcs_between_those_countries() -> None:
    data = chain()
    lane = parse_disruption(data, "CHN>USA")  # refinery rC -> fab f
    assert lane == Disruption("lane", "CHN>USA")
    assert run_stress(data, [[lane]]).cases[0].unmet_t == pytest.approx(80)
    inside = parse_disruption(data, "USA>CHN")  # no arc goes that way
    assert run_stress(data, [[inside]]).cases[0].unmet_t == 0


def test_caps_hold_in_disrupted_cases_unless_lifted() -> None:
    # Capped at 50%, the base plan takes 50 t from China, 20 from Malaysia and builds 30 t in the USA.  Without
    # the Australian mine every remaining tonne is Chinese: a 50% cap of the 100 t demanded still allows China's
    # 50 t (the cap bounds a share of demand, so meeting it never means discarding supply); 50 t are short.
    data = chain(0.5)
    kept = run_stress(data, [[Disruption("country", "AUS")]])
    lifted = run_stress(data, [[Disruption("country", "AUS")]], keep_caps=False)
    assert kept.cases[0].unmet_t == pytest.approx(50)
    assert lifted.cases[0].unmet_t == 0 and lifted.cases[0].china_share == pytest.approx({0: 1.0})


def test_unknown_elements_and_fabs_are_refused_with_the_reason() -> None:
    data = chain()
    with pytest.raises(InputError, match="'nowhere' is not a country, mine, refinery or lane"):
        parse_disruption(data, "nowhere")
    with pytest.raises(InputError, match="'f' is a fab"):
        parse_disruption(data, "f")
    with pytest.raises(InputError, match="'XXX' is not a country"):
        parse_disruption(data, "CHN>XXX")


def test_stress_command_writes_ranked_tables(tmp_path: Path) -> None:
    case = write_chain_csv(tmp_path / "chain")
    out = tmp_path / "stress"
    result = CliRunner().invoke(main, ["stress", str(case), "--n-1", "refinery", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = (out / "stress.csv").read_text().splitlines()
    assert lines[0] == "case,removed,kind,status,total_cost_usd_per_yr,cost_increase_usd_per_yr,unmet_t,china_share"
    assert lines[1].startswith("base,,,optimal,2000.0,0.0,0.0,1.0")
    assert lines[2].startswith("1,rC,refinery,optimal,")
    assert (out / "stress_detail.csv").read_text().splitlines()[1] == "1,f,Y,0,80.0"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["chokepoints"][0]["removed"] == "rC" and summary["unmet_penalty_usd_per_t"] == PENALTY


def test_stress_command_needs_exactly_one_of_remove_and_n_1(tmp_path: Path) -> None:
    case = write_chain_csv(tmp_path / "chain")
    runner = CliRunner()
    assert runner.invoke(main, ["stress", str(case)]).exit_code == 2
    both = runner.invoke(main, ["stress", str(case), "--remove", "CHN", "--n-1", "mine"])
    assert both.exit_code == 2 and "either --remove" in both.output
    fab = runner.invoke(main, ["stress", str(case), "--remove", "f"])
    assert fab.exit_code == 2 and "'f' is a fab" in fab.output


def test_losing_a_supplier_leaves_short_only_what_neither_others_nor_the_cap_allowance_cover() -> None:
    # Remove the plant that carries the fabs' supply outside China in the uncapped plan, with China capped at 50%
    # (the tightest round share the steady-state default dataset allows since issue 19). China still delivers its
    # allowance (50% of demand): a cap on a share of demand never calls for discarding supply, so at most 50% of the
    # demand can be short, and none once the cap is lifted.
    from optimizer.scenarios.scenario import load_scenario, load_scenario_case
    from optimizer.solver.run import CapOverride, apply_cap_overrides

    # The 2025 picture: the default dataset as one steady-state year (it is a pathway since issue 12).
    root = Path(__file__).resolve().parents[2]
    steady = load_scenario_case(root / "inputs" / "pax_silica_2025",
                                load_scenario(root / "models" / "steady_state_2025.toml")).data
    data = apply_cap_overrides(steady, [CapOverride("CHN", "any", 0.5)])
    demand = sum(data.demand_t.values())
    kept = run_stress(data, [[Disruption("country", "FRA")]])
    lifted = run_stress(data, [[Disruption("country", "FRA")]], keep_caps=False)
    assert kept.cases[0].usable and lifted.cases[0].usable
    assert kept.cases[0].unmet_t <= 0.5 * demand + 1e-6
    assert kept.cases[0].unmet_t == 0 or kept.cases[0].china_share == pytest.approx({0: 0.5}, abs=1e-6)
    assert lifted.cases[0].unmet_t == pytest.approx(0, abs=1e-6)
