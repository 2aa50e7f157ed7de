"""The purification stage: refinery -> purifier -> fab, provenance through it, caps and disruptions at stage purify."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.analysis.diagnose import diagnose
from optimizer.io.load import load_case
from optimizer.solver.run import solve_case
from tests.chain_cases import PURIFIER, write_case


def _case(tmp_path: Path, **changes: str | None) -> object:
    return load_case(write_case(tmp_path / "case", PURIFIER, **changes))


def test_unqualified_oxide_reaches_the_fab_through_a_purifier(tmp_path: Path) -> None:
    run = solve_case(_case(tmp_path))  # type: ignore[arg-type]
    assert run.result.objective_usd == pytest.approx(3800)
    shares = run.tables["dependence"].set_index("cap")["share"]
    assert shares["china_any"] == pytest.approx(1.0) and shares["china_purify"] == pytest.approx(0.0)
    supply = run.tables["supply"]
    assert supply[["mine_country", "refinery_country", "purifier", "tonnes"]].values.tolist() == [
        ["CHN", "CHN", "P_J", pytest.approx(100)]]
    costs = run.tables["costs"].set_index("component")["usd_per_yr"]
    assert costs["purifying"] == pytest.approx(2000) and costs["transport"] == pytest.approx(300)
    flows = run.tables["flows"].set_index("stage")
    assert flows.loc["refinery_to_purifier", "to"] == "P_J" and flows.loc["purifier_to_fab", "from"] == "P_J"


def test_a_cap_at_stage_purify_bounds_what_a_supplier_purifies(tmp_path: Path) -> None:
    # A CHN purifier at opex 10 is cheaper (28 a tonne against 38) but China may purify at most half:
    # 50 x 28 + 50 x 38 = 3,300; each point more saves 1 t x 10.
    purifiers = "purifier,country,capacity_t,opex_usd_per_t,recovery\nP_J,JPN,1000,20,1\nP_C,CHN,1000,10,1\n"
    caps = "cap,supplier,stage,max_share\nchina_purify,CHN,purify,0.5\n"
    run = solve_case(_case(tmp_path, purifiers=purifiers, caps=caps))  # type: ignore[arg-type]
    assert run.result.objective_usd == pytest.approx(3300)
    (cap,) = run.caps
    assert cap.share == pytest.approx(0.5) and cap.dual_usd_per_yr_per_pct == pytest.approx(10)


def test_purifier_capacity_and_recovery(tmp_path: Path) -> None:
    # Recovery 0.8: 125 t fed for 100 t delivered: 125 x (10 + 1 + 5 + 1 + 20) + 100 x 1 = 4,725.
    purifiers = "purifier,country,capacity_t,opex_usd_per_t,recovery\nP_J,JPN,1000,20,0.8\n"
    run = solve_case(_case(tmp_path, purifiers=purifiers))  # type: ignore[arg-type]
    assert run.result.objective_usd == pytest.approx(4725)
    # Capacity 60 t fed: 40 t must be built (continuous, 100 per t/yr over 10 years = 10 a year each).
    purifiers = ("purifier,country,capacity_t,opex_usd_per_t,recovery,max_new_t,capex_usd_per_tpa,build,lifetime_yr\n"
                 "P_J,JPN,60,20,1,500,100,continuous,10\n")
    run = solve_case(_case(tmp_path / "b", purifiers=purifiers))  # type: ignore[arg-type]
    assert run.result.objective_usd == pytest.approx(3800 + 400)
    built = run.tables["builds"].query("built")
    assert built[["kind", "refinery", "new_tpa"]].values.tolist() == [["purifier", "P_J", pytest.approx(40)]]


def test_without_the_purifier_there_is_no_plan_and_the_diagnosis_names_the_unqualified_supply(tmp_path: Path) -> None:
    data = _case(tmp_path, purifiers=None)
    run = solve_case(data)  # type: ignore[arg-type]
    assert not run.ok
    text = str(diagnose(data))  # type: ignore[arg-type]
    assert "fab F for CeO2" in text and "unqualified supply" in text and "R_C" in text
    assert "refineries row 2" in text and "fab_grade_max_t 0" in text


def test_a_disruption_at_stage_purify_stops_what_the_supplier_purifies(tmp_path: Path) -> None:
    # A JPN purifying outage for a quarter of the year, every year: unmet at 1000/t while it lasts.
    # Normal operations 3,800 x 0.75; the disruption's copy: 100 t unmet x 1000 x 0.25 = 25,000.
    disruptions = ("disruption,supplier,stage,probability_per_yr,duration_months\nban,JPN,purify,1,3\n")
    params = "name,value\ndiscount_rate,0\ndefault_disruption_penalty_usd_per_t,1000\n"
    run = solve_case(_case(tmp_path, disruptions=disruptions, parameters=params),  # type: ignore[arg-type]
                     baseline=False)
    assert run.result.objective_usd == pytest.approx(0.75 * 3800 + 0.25 * 100 * 1000)


def test_a_disruption_may_remove_a_purifier(tmp_path: Path) -> None:
    disruptions = "disruption,probability_per_yr,duration_months,removes\nfire,1,3,P_J\n"
    params = "name,value\ndiscount_rate,0\ndefault_disruption_penalty_usd_per_t,1000\n"
    run = solve_case(_case(tmp_path, disruptions=disruptions, parameters=params),  # type: ignore[arg-type]
                     baseline=False)
    assert run.result.objective_usd == pytest.approx(0.75 * 3800 + 0.25 * 100 * 1000)
