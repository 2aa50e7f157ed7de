"""One definition of every measure: China's share, a cap's marginal and the caps' cost are the same figure in solve,
sweep, stress, batch, sensitivity, the report and the API on the same case.

The case is solved by hand.  Two periods of five years (2025, 2030) at 10%; one fab needs 250 t of oxide X a year
(not 100 t: a marginal per tonne and per point then differ by 2.5).  China mines at US$10/t, the US at US$20/t,
both refine at no cost with room to spare.  China may touch 60% of the demand in 2025 and 40% in 2030:

- China's share is 0.6 in 2025 and 0.4 in 2030; without the caps, 1.0 in both.
- One more tonne China may touch saves US$10 a year; one point of the cap is 2.5 t: US$25 per year per point.
- The caps cost 100 t x US$10 = US$1,000 a year in 2025-2029 and 150 t x US$10 = US$1,500 a year in 2030-2034:
  PV = 1,000 W25 + 1,500 W30 (W: the discounted years of each period), per year PV / (W25 + W30), per tonne
  PV / (250 W25 + 250 W30).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer import api
from optimizer.analysis.sensitivity import run_sensitivity, sensitivity_summary
from optimizer.analysis.stress import run_stress, stress_summary, stress_table
from optimizer.analysis.sweep import SweptCap, frontier_table, run_sweep
from optimizer.cli import main
from optimizer.io.load import load_case
from optimizer.io.read import read_tables
from optimizer.report.data import dependence, load_run
from optimizer.scenarios.batch import plan, run_batch
from optimizer.solver.run import solve_case, summary

TABLES = {
    "countries": "country,name,bloc\nCHN,China,china\nUSA,United States,pax_silica\n",
    "products": "product,description\nX,an oxide\n",
    "mines": "mine,country,capacity_t,cost_usd_per_t\ncn_mine,CHN,1000,10\nus_mine,USA,1000,20\n",
    "composition": "mine,product,share\ncn_mine,X,1\nus_mine,X,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,max_new_tpa,capex_usd_per_tpa,build,"
                  "lifetime_yr,lead_time_yr\ncn_ref,CHN,1000,0,1,0,0,none,20,0\nus_ref,USA,1000,0,1,0,0,none,20,0\n",
    "fabs": "fab,country,product,demand_t\nus_fab,USA,X,250\n",
    "lanes": "from_country,to_country,cost_usd_per_t\nCHN,CHN,0\nUSA,USA,0\nCHN,USA,0\n",
    "caps": "cap,supplier,stage,max_share,period\nchina,CHN,any,0.6,2025\nchina,CHN,any,0.4,2030\n",
    "periods": "period,years_represented\n2025,5\n2030,5\n",
    "parameters": "name,value\ndiscount_rate,0.1\n",
}
W25 = sum(1.1 ** -(y - 2025) for y in range(2025, 2030))
W30 = sum(1.1 ** -(y - 2025) for y in range(2030, 2035))
PV = 1000 * W25 + 1500 * W30
SHARES = {2025: 0.6, 2030: 0.4}
PER_POINT = 25.0  # USD per year per point: 2.5 t x US$10


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("measures") / "case"
    root.mkdir()
    for name, text in TABLES.items():
        (root / f"{name}.csv").write_text(text)
    return root


@pytest.fixture(scope="module")
def solved(case: Path):  # noqa: ANN201
    return solve_case(load_case(case))


def test_solve_gives_the_hand_computed_share_marginal_and_caps_cost(solved) -> None:
    assert solved.china_share == pytest.approx(SHARES)
    assert solved.uncapped["china_share"] == pytest.approx({2025: 1.0, 2030: 1.0})
    dep = solved.tables["dependence"].set_index("period")
    assert dep["dual_usd_per_yr_per_pct"].to_dict() == pytest.approx({2025: PER_POINT, 2030: PER_POINT})
    assert dep["usd_per_yr_per_pct_tighter"].to_dict() == pytest.approx({2025: PER_POINT, 2030: PER_POINT})
    assert dep["usd_per_yr_per_pct_looser"].to_dict() == pytest.approx({2025: PER_POINT, 2030: PER_POINT})
    head = summary(solved)["headline"]
    cost = head["caps_cost"]
    assert (cost["base_year"], cost["usd_per_wafer_start"]) == (2025, None)  # the fabs sheet gives no wafer starts
    assert [cost["pv_usd"], cost["usd_per_yr"], cost["usd_per_t"]] == pytest.approx(
        [PV, PV / (W25 + W30), PV / (250 * (W25 + W30))], rel=1e-6)
    assert [(r["period"], r["share"], r["max_share"], r["without_caps"]) for r in head["china_share"]] == [
        (2025, 0.6, 0.6, 1.0), (2030, 0.4, 0.4, 1.0)]


def test_the_terminal_leads_with_the_caps_cost_as_present_value_and_per_year(case: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith(f"  caps cost: ${PV / 1e3:,.2f}k PV 2025 (2025-2034 at 10%) = "
                               f"${PV / (W25 + W30) / 1e3:,.2f}k per year; ${PV / (250 * (W25 + W30)):,.2f} per t")
    assert lines[2] == "  China's share of demand in 2025: 60.0% (cap 60.0%; floor 0.0%; without caps 100.0%)"
    assert "  new refining capacity: none (nothing built)" in lines
    assert "costs $25 per year per point tighter" in result.output
    doc = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(doc)[0] == "headline"
    run = load_run(tmp_path / "out")  # the report reads the same numbers back
    assert dependence(run).set_index("period")["dual_usd_per_yr_per_pct"].to_dict() == pytest.approx(
        {2025: PER_POINT, 2030: PER_POINT})


@pytest.mark.parametrize("period", [2025, 2030])
def test_sweep_gives_solves_share_and_marginal_per_year_per_point(case: Path, period: int) -> None:
    sweep = run_sweep(load_case(case), SweptCap.parse("CHN:any"), [SHARES[period]], period=period)
    point = frontier_table(sweep).iloc[0]
    assert point["realised_share"] == pytest.approx(SHARES[period])
    assert point["dual_usd_per_yr_per_pct"] == pytest.approx(PER_POINT)  # per year of the period, as dependence.csv


def test_the_api_sweep_defaults_to_chinas_cap_and_agrees(case: Path) -> None:
    frontier = api.sweep(api.load(case), shares=[0.4]).tables["frontier"]
    assert frontier["dual_usd_per_yr_per_pct"].iloc[0] == pytest.approx(PER_POINT)
    run = api.solve(api.load(case))
    assert run.summary["china_share"] == pytest.approx({"2025": 0.6, "2030": 0.4})


def test_stress_reports_chinas_share_per_period_of_the_base_plan(case: Path) -> None:
    result = run_stress(load_case(case), [])
    table = stress_table(result)
    assert table.loc[0, ["china_share_2025", "china_share_2030"]].tolist() == pytest.approx([0.6, 0.4])
    assert stress_summary(result)["base"]["china_share"] == pytest.approx({"2025": 0.6, "2030": 0.4})


def test_batch_reports_chinas_share_per_period_as_solve_does(case: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.toml"
    batch.write_text(f'input = "{case}"\n\n[scenarios.base]\n\n[scenarios.looser]\ncaps = {{ china = 0.7 }}\n')
    table = run_batch(plan(batch), tmp_path / "out").tables["batch"].set_index("scenario")
    assert table.loc["base", ["china_share_2025", "china_share_2030"]].tolist() == pytest.approx([0.6, 0.4])
    # A cap override without a period holds in every period.
    assert table.loc["looser", ["china_share_2025", "china_share_2030"]].tolist() == pytest.approx([0.7, 0.7])


def test_sensitivity_measures_the_caps_cost_and_uncapped_share_as_solve_does(case: Path) -> None:
    tables, _ = read_tables(case)
    tornado = run_sensitivity(tables, [])
    doc = sensitivity_summary(tornado)
    assert doc["base_cap_cost_usd"] == pytest.approx(PV)
    assert doc["base_china_share_uncapped"] == pytest.approx({"2025": 1.0, "2030": 1.0})


def test_batch_table_has_no_pooled_share_column(case: Path, tmp_path: Path) -> None:
    table = run_batch(plan(case), tmp_path / "out").tables["batch"]
    assert "china_share" not in table.columns
    assert isinstance(table, pd.DataFrame)
