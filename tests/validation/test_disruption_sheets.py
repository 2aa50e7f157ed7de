"""The disruptions and stockpiles sheets: each rule names its cell; a clean pair builds the data it says."""

from __future__ import annotations

import pandas as pd

from optimizer.io.build_data import model_data_from_tables
from optimizer.io.read import read_tables
from tests.validation.conftest import write_csv_dir

NAN = float("nan")


def with_sheets(case, disruptions: list[dict], stockpiles: list[dict] | None = None):  # type: ignore[no-untyped-def]
    case["disruptions"] = pd.DataFrame(disruptions)
    if stockpiles is not None:
        case["stockpiles"] = pd.DataFrame(stockpiles)
    return case


BAN = {"disruption": "ban", "supplier": "CHN", "stage": "any", "product": "*", "importer": "*",
       "probability_per_yr": 0.2, "duration_months": 6.0, "removes": ""}
RESERVE = {"stockpile": "us_y", "holder": "USA", "product": "Y2O3", "holding_usd_per_t_yr": 2.0,
           "replenish_usd_per_t": 10.0, "max_t": NAN}


def test_a_clean_pair_of_sheets_builds_its_disruptions_and_stockpiles(problems_in, case, tmp_path) -> None:
    fire = {**BAN, "disruption": "fire", "supplier": NAN, "probability_per_yr": NAN, "duration_months": 3.0,
            "removes": "R_US; CHN>JPN"}
    case = with_sheets(case, [BAN, fire], [RESERVE])
    assert problems_in(case) == []
    tables, _ = read_tables(write_csv_dir(tmp_path / "clean", case))
    data = model_data_from_tables(tables)
    ban, cut = data.disruptions["ban"], data.disruptions["fire"]
    assert ban.scope.supplier_countries == {"CHN"} and ban.expected_yr == 0.1 and not ban.must_survive
    assert cut.must_survive and cut.removed_nodes == {"R_US"} and cut.removed_lanes == {("CHN", "JPN")}
    assert not cut.scope.supplier_countries
    assert data.stockpiles["us_y"].fabs == {"F_US"} and data.stockpiles["us_y"].max_t is None


def test_expected_time_in_disruptions_may_not_exceed_a_year(problems_in, case) -> None:
    case = with_sheets(case, [{**BAN, "probability_per_yr": 1.0, "duration_months": 12.0},
                              {**BAN, "disruption": "again", "probability_per_yr": 0.5}])
    assert ("disruptions.csv row 3, column probability_per_yr: expected time in disruptions is 1.25 years per year "
            "(sum of probability_per_yr x duration_months / 12 over rows 2, 3); it must not exceed 1") in problems_in(case)


def test_what_a_disruption_names_must_exist(problems_in, case) -> None:
    case = with_sheets(case, [{**BAN, "supplier": "Mars", "importer": "nowhere", "product": "gold",
                               "removes": "F_US; XXX>USA; M_X", "period": 2030, "duration_months": 0.0}])
    problems = problems_in(case)
    for expected in (
        "disruptions.csv row 2, column supplier: unknown supplier 'Mars' (not a country code or bloc label in countries)",
        "disruptions.csv row 2, column importer: unknown importer 'nowhere'",
        "disruptions.csv row 2, column product: unknown product 'gold' (a product in products, or *)",
        "disruptions.csv row 2, column removes: 'F_US' is a fab: remove supply",
        "disruptions.csv row 2, column removes: lane 'XXX>USA': 'XXX' is not a country of the countries sheet",
        "disruptions.csv row 2, column removes: 'M_X' is not a country, mine, refinery or lane FROM>TO of the input",
        "disruptions.csv row 2, column duration_months: must be > 0",
        "disruptions.csv row 2, column period: a period needs a periods sheet listing the years",
    ):
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_a_disruption_that_stops_nothing_and_bad_cells_are_named(problems_in, case) -> None:
    case = with_sheets(case, [{**BAN, "supplier": NAN, "removes": ""},
                              {**BAN, "disruption": "long", "duration_months": 18.0, "probability_per_yr": 2.0}])
    problems = problems_in(case, "xlsx")
    assert ("disruptions!B2: stops nothing: give a supplier whose deliveries stop, or what it removes" in problems)
    assert any(p.startswith("disruptions!F3") for p in problems) and any(p.startswith("disruptions!G3")
                                                                        for p in problems)


def test_a_stockpile_serves_a_known_holder_whose_fabs_use_its_product(problems_in, case) -> None:
    case = with_sheets(case, [BAN], [{**RESERVE, "holder": "EU"}, {**RESERVE, "stockpile": "jp_y", "holder": "JPN"}])
    problems = problems_in(case)
    assert ("stockpiles.csv row 2, column holder: unknown holder 'EU' (not a country code or bloc label in "
            "countries)") in problems
    assert ("stockpiles.csv row 3, column product: no fab of 'JPN' uses 'Y2O3': this stockpile would serve "
            "nobody") in problems
