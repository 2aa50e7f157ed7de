"""Semantic rules: one test per rule, each checking that the message names the right cell."""

from __future__ import annotations

import pandas as pd
import pytest


def add_rows(frame: pd.DataFrame, *rows: dict) -> pd.DataFrame:
    return pd.concat([frame, pd.DataFrame(list(rows))], ignore_index=True)


def test_small_case_is_clean(problems_in, case) -> None:
    assert problems_in(case) == []
    assert problems_in(case, "xlsx") == []


def test_required_sheet_without_rows(problems_in, case) -> None:
    case["mines"] = case["mines"].iloc[0:0]
    assert "mines.csv: no data rows: this sheet needs at least one" in problems_in(case)


def test_duplicate_key(problems_in, case) -> None:
    case["products"] = add_rows(case["products"], {"product": "Nd2O3", "description": "again"})
    assert "products.csv row 4, column product: duplicate product 'Nd2O3': already on row 2" in problems_in(case)


def test_duplicate_composite_key_in_workbook(problems_in, case) -> None:
    case["composition"] = add_rows(case["composition"], {"mine": "M_CN", "product": "Y2O3", "share": 0.0})
    problems = problems_in(case, "xlsx")
    assert "composition row 6: duplicate mine and product ('M_CN', 'Y2O3'): already on row 5" in problems


def test_node_id_used_twice_across_sheets(problems_in, case) -> None:
    case["refineries"].loc[1, "refinery"] = "M_CN"
    problems = problems_in(case)
    assert ("refineries.csv row 3, column refinery: id 'M_CN' is already used in mines.csv row 3 (node ids must "
            "be unique across mines, refineries and fabs)") in problems


def test_fab_keeps_one_country(problems_in, case) -> None:
    case["fabs"].loc[1, "country"] = "JPN"
    assert ("fabs!B3: fab 'F_US' is in 'USA' on row 2; a fab has one country, got 'JPN'"
            in problems_in(case, "xlsx"))


@pytest.mark.parametrize(("sheet", "column", "row", "letter"), [
    ("mines", "country", 0, "B"), ("refineries", "country", 1, "B"), ("fabs", "country", 2, "B"),
])
def test_unknown_country(problems_in, case, sheet, column, row, letter) -> None:
    case[sheet].loc[row, column] = "XYZ"
    problems = problems_in(case)
    assert f"{sheet}.csv row {row + 2}, column {column}: unknown country 'XYZ' (not in countries)" in problems
    assert f"{sheet}!{letter}{row + 2}: unknown country 'XYZ' (not in countries)" in problems_in(case, "xlsx")


def test_unknown_country_in_lanes(problems_in, case) -> None:
    case["lanes"] = add_rows(case["lanes"], {"from_country": "CHN", "to_country": "XYZ", "cost_usd_per_t": 1.0})
    assert ("lanes.csv row 3, column to_country: unknown country 'XYZ' (a country code in countries, or *)"
            in problems_in(case))


def test_star_is_not_a_country(problems_in, case) -> None:
    case["countries"] = add_rows(case["countries"], {"country": "*", "name": "all", "bloc": "other"})
    assert any(p.startswith("countries.csv row 5, column country: '*' is reserved") for p in problems_in(case))


def test_unknown_mine_in_composition(problems_in, case) -> None:
    case["composition"].loc[3, "mine"] = "M_XX"
    assert "composition.csv row 5, column mine: unknown mine 'M_XX' (not in mines)" in problems_in(case)


def test_unknown_product_in_composition(problems_in, case) -> None:
    case["composition"].loc[0, "product"] = "Dy2O3"
    assert "composition.csv row 2, column product: unknown product 'Dy2O3' (not in products)" in problems_in(case)


def test_composition_shares_over_one(problems_in, case) -> None:
    case["composition"] = add_rows(case["composition"], {"mine": "M_US", "product": "CeO2", "share": 0.9})
    case["products"] = add_rows(case["products"], {"product": "CeO2", "description": ""})
    problems = problems_in(case)
    assert "composition.csv row 2, column share: shares of mine 'M_US' sum to 1.15, more than 1 (rows 2, 3, 6)" \
        in problems


def test_composition_shares_summing_to_one_within_tolerance(problems_in, case) -> None:
    case["composition"]["share"] = [0.1, 0.2, 0.7, 0.3]  # 0.7 + 0.3 is 1 up to rounding
    case["composition"].loc[2, "share"] = 0.1 + 0.2 + 0.4
    assert problems_in(case) == []


def test_fab_product_no_mine_contains(problems_in, case) -> None:
    case["composition"].loc[[1, 3], "share"] = 0.0
    assert ("fabs.csv row 3, column product: no mine produces product 'Y2O3' (no composition row with share > 0 "
            "for it)") in problems_in(case)


@pytest.mark.parametrize(("sheet", "row"), [("fabs", 0), ("markets", 0), ("caps", 0)])
def test_unknown_product(problems_in, case, sheet, row) -> None:
    if sheet == "markets":
        case["markets"] = pd.DataFrame({"product": ["Nd2O3"], "price_usd_per_t": [1.0]})
    case[sheet].loc[row, "product"] = "Dy2O3"
    problems = problems_in(case)
    assert any(p.startswith(f"{sheet}.csv row {row + 2}, column product: unknown product 'Dy2O3'") for p in problems)


def test_caps_product_star_is_allowed(problems_in, case) -> None:
    case["caps"]["product"] = ["*"]
    case["caps"]["importer"] = ["pax_silica"]
    assert problems_in(case) == []


def test_arc_to_unknown_node(problems_in, case) -> None:
    case["arcs"] = pd.DataFrame({"from": ["M_US"], "to": ["R_XX"]})
    assert "arcs.csv row 2, column to: unknown node 'R_XX' (not a mine, refinery or fab)" in problems_in(case)


@pytest.mark.parametrize(("origin", "destination"), [("M_US", "F_US"), ("R_US", "M_CN"), ("R_US", "R_CN")])
def test_arc_in_a_wrong_direction(problems_in, case, origin, destination) -> None:
    case["arcs"] = pd.DataFrame({"from": [origin], "to": [destination]})
    [problem] = problems_in(case, "xlsx")
    assert problem.startswith("arcs!B2: arc from ") and "mine -> refinery or refinery -> fab" in problem


def test_lumpy_build_without_size(problems_in, case) -> None:
    case["refineries"]["build"] = ["lumpy", "none"]
    case["refineries"]["max_new_tpa"] = [0.0, 0.0]
    assert "refineries.csv row 2, column max_new_tpa: a lumpy build needs max_new_tpa > 0, got 0" in problems_in(case)


def test_lumpy_build_min_above_max(problems_in, case) -> None:
    case["refineries"]["build"] = ["lumpy", "none"]
    case["refineries"]["min_build_tpa"] = [2500.0, 0.0]
    assert "refineries!I2: must be <= max_new_tpa (2000), got 2500" in problems_in(case, "xlsx")


def test_continuous_build_without_size_is_allowed(problems_in, case) -> None:
    case["refineries"]["max_new_tpa"] = [0.0, 0.0]
    assert problems_in(case) == []


@pytest.mark.parametrize("column", ["supplier", "importer"])
def test_cap_with_unknown_supplier_or_importer(problems_in, case, column) -> None:
    case["caps"][column] = ["russia"]
    assert any(p.startswith(f"caps.csv row 2, column {column}: unknown {column} 'russia' (not a country code or "
                            "bloc label") for p in problems_in(case))


def test_cap_supplier_may_be_a_country(problems_in, case) -> None:
    case["caps"]["supplier"] = ["CHN"]
    assert problems_in(case) == []


def periods_and_demand(case, **demand) -> None:
    case["periods"] = pd.DataFrame({"period": [2030, 2035]})
    case["demand"] = pd.DataFrame(demand)


def test_demand_for_unknown_fab(problems_in, case) -> None:
    periods_and_demand(case, fab=["F_XX"], period=[2030], demand_t=[1.0])
    assert "demand.csv row 2, column fab: unknown fab 'F_XX' (not in fabs)" in problems_in(case)


def test_demand_in_unknown_period(problems_in, case) -> None:
    periods_and_demand(case, fab=["F_JP"], period=[2040], demand_t=[1.0])
    assert "demand.csv row 2, column period: period 2040 is not in periods (2030, 2035)" in problems_in(case)


def test_demand_without_periods_sheet(problems_in, case) -> None:
    case["demand"] = pd.DataFrame({"fab": ["F_JP"], "period": [2030], "demand_t": [1.0]})
    assert "demand.csv: per-period demand needs a periods sheet listing the years" in problems_in(case)


def test_demand_blank_product_for_fab_with_several(problems_in, case) -> None:
    periods_and_demand(case, fab=["F_US", "F_JP"], period=[2030, 2030], product=[None, None], demand_t=[1.0, 2.0])
    assert ("demand.csv row 2, column product: blank, but fab 'F_US' uses several products (Nd2O3, Y2O3): name one"
            in problems_in(case))


def test_demand_product_the_fab_does_not_use(problems_in, case) -> None:
    periods_and_demand(case, fab=["F_JP"], period=[2030], product=["Y2O3"], demand_t=[1.0])
    assert "demand.csv row 2, column product: fab 'F_JP' has no fabs row for product 'Y2O3'" in problems_in(case)


def test_demand_duplicate_after_resolving_blank_product(problems_in, case) -> None:
    periods_and_demand(case, fab=["F_JP", "F_JP"], period=[2030, 2030], product=[None, "Nd2O3"], demand_t=[1.0, 2.0])
    assert ("demand.csv row 3: duplicate demand for fab 'F_JP', product 'Nd2O3', period 2030: already on row 2"
            in problems_in(case))


def test_period_must_be_whole_year(problems_in, case) -> None:
    case["periods"] = pd.DataFrame({"period": [2030.5]})
    assert "periods.csv row 2, column period: must be a whole year, got 2030.5" in problems_in(case)


def test_unknown_parameter(problems_in, case) -> None:
    case["parameters"] = add_rows(case["parameters"], {"name": "discount", "value": "0.1"})
    assert any(p.startswith("parameters.csv row 3, column name: unknown parameter 'discount' (known: ")
               for p in problems_in(case))


def test_non_numeric_parameter(problems_in, case) -> None:
    case["parameters"]["value"] = ["seven percent"]
    assert ("parameters!B2: discount_rate: expected a number, got 'seven percent'"
            in problems_in(case, "xlsx"))


@pytest.mark.parametrize("rate", ["1", "-0.1", "5"])
def test_discount_rate_outside_zero_one(problems_in, case, rate) -> None:
    case["parameters"]["value"] = [rate]
    assert any(p.startswith("parameters.csv row 2, column value: discount_rate must be >= 0 and < 1")
               for p in problems_in(case))


def test_text_parameter_is_free(problems_in, case) -> None:
    case["parameters"] = add_rows(case["parameters"], {"name": "description", "value": "a test case"},
                                  {"name": "default_unmet_penalty_usd_per_t", "value": "1e6"})
    assert problems_in(case) == []


def test_bad_cell_is_reported_once(problems_in, case) -> None:
    """A cell that failed reading is blank afterwards and does not raise reference errors too."""
    case["mines"].loc[0, "country"] = None
    assert problems_in(case) == ["mines.csv row 2, column country: missing value (required)"]


def test_missing_countries_sheet_does_not_flood(problems_in, case) -> None:
    del case["countries"]
    assert problems_in(case) == ["countries.csv: missing: this file is required"]


def test_uncertainty_rows_that_cannot_be_sampled_are_named(case, problems_in) -> None:
    case["uncertainty"] = pd.DataFrame({
        "parameter": ["demand_growth", "nonsense_thing", "capex"],
        "distribution": ["triangular", "normal", "uniform"],
        "arg1": [0.8, 1.0, 1.5], "arg2": [1.0, 0.2, 0.7], "arg3": [1.3, None, None],
    })
    problems = problems_in(case)
    assert any(p.startswith("uncertainty.csv row 3, column parameter: unknown parameter 'nonsense_thing'")
               for p in problems), problems
    assert "uncertainty.csv row 4: uniform: low (arg1) must be <= high (arg2), got 1.5 > 0.7" in problems
    assert len(problems) == 2
