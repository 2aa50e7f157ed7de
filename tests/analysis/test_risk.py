"""Supply concentration: HHI and top country from a supply table worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.solver.risk import each_country_caps, hhi, parse_each_country, risk_summary, risk_table
from optimizer.solver.run import solve_case, summary
from tests.analysis.cases import chain

SUPPLY = pd.DataFrame(
    [("f1", "CeO2", 0, "AUS", "JPN", 60.0),
     ("f1", "CeO2", 0, "CHN", "CHN", 40.0),
     ("f2", "CeO2", 0, "CHN", "CHN", 100.0),
     ("f1", "Y2O3", 0, "MMR", "CHN", 10.0),
     ("f1", "Y2O3", 0, "AUS", "MYS", 10.0)],
    columns=["fab", "product", "period", "mine_country", "refinery_country", "tonnes"])


def test_hhi_and_top_country_by_product_and_stage() -> None:
    # CeO2: 200 t, China 140 (70%) at both stages, Australia/Japan 60 (30%): 70^2 + 30^2 = 5800.
    # Y2O3: two countries with half each at both stages: 2 x 50^2 = 5000; the tie goes to the first by name.
    table = risk_table(SUPPLY)
    assert table.values.tolist() == [
        ["CeO2", 0, "mine", 5800.0, "CHN", 0.7],
        ["CeO2", 0, "refine", 5800.0, "CHN", 0.7],
        ["Y2O3", 0, "mine", 5000.0, "AUS", 0.5],
        ["Y2O3", 0, "refine", 5000.0, "CHN", 0.5],
    ]
    assert hhi([1.0]) == 10000 and hhi([]) == 0


def test_single_sourced_fabs_are_those_refined_in_one_country() -> None:
    block = risk_summary(SUPPLY)
    assert block["single_sourced"] == [
        {"fab": "f2", "product": "CeO2", "period": 0, "refinery_country": "CHN", "tonnes": 100.0}]
    assert len(block["concentration"]) == 4


def test_every_solve_reports_risk_in_its_tables_and_summary() -> None:
    # Capped at 50%: 50 t refined in China, 20 in Malaysia, 30 in the USA -> 2500 + 400 + 900 = 3800 at refining;
    # mined: China 50, Australia 50 -> 5000.
    run = solve_case(chain(0.5), baseline=False)
    risk = run.tables["risk"].set_index("stage")
    assert risk.loc["refine", "hhi"] == pytest.approx(3800) and risk.loc["refine", "top_country"] == "CHN"
    assert risk.loc["mine", "hhi"] == pytest.approx(5000)
    assert summary(run)["risk"]["single_sourced"] == []


def test_empty_supply_gives_an_empty_table() -> None:
    assert risk_table(SUPPLY.iloc[0:0]).empty


def test_diversification_caps_one_per_supplying_country() -> None:
    # No refining country may exceed 40%: China 40, Malaysia 20, USA 40 (built) -> 40 x 20 + 20 x 50 + 40 x 80.
    stage, share = parse_each_country("refine=0.4")
    data = each_country_caps(chain(), stage, share)
    assert sorted(data.caps) == ["each:CHN:refine", "each:MYS:refine", "each:USA:refine"]
    run = solve_case(data, baseline=False)
    assert run.result.objective_usd == pytest.approx(40 * 20 + 20 * 50 + 40 * 80)
    with pytest.raises(ValueError, match="stage must be one of"):
        parse_each_country("port=0.4")
