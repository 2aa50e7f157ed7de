"""Scenario files: every kind of override changes the tables as documented, and bad ones are named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io.read import read_tables
from optimizer.scenarios.scenario import build_case, load_scenario, load_scenario_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def _case(doc: dict) -> object:
    tables, _ = read_tables(EXAMPLE)
    return build_case(tables, (("s.toml", doc),))


def _frame(case: object, sheet: str):  # type: ignore[no-untyped-def]
    return case.tables.get(sheet).set_index(case.tables.get(sheet).columns[0])  # type: ignore[attr-defined]


def test_multipliers_compose_by_selector() -> None:
    case = _case({"prices": {"mine_cost": {"CHN": 2.0, "bayan_obo": 1.5}, "market_price": 0.5},
                  "demand": {"*": 1.1, "CeO2": 2.0, "us_fabs": 0.5}, "capacity": {"refinery": {"china": 0.0}}})
    mines = _frame(case, "mines")
    assert mines.at["bayan_obo", "cost_usd_per_t"] == 1500 * 2.0 * 1.5  # country and id both apply
    assert mines.at["mt_weld", "cost_usd_per_t"] == 3000
    assert _frame(case, "markets").at["CeO2", "price_usd_per_t"] == 850
    fabs = case.tables.get("fabs")  # type: ignore[attr-defined]
    demand = {(r.fab, r.product): r.demand_t for r in fabs.itertuples()}
    assert demand["us_fabs", "CeO2"] == pytest.approx(360 * 1.1 * 2.0 * 0.5)
    assert demand["jp_fabs", "Y2O3"] == pytest.approx(112 * 1.1)
    assert _frame(case, "refineries").at["baotou_sep", "capacity_tpa"] == 0.0  # bloc label "china"
    assert case.data.demand_t["us_fabs", "CeO2", 0] == pytest.approx(396.0)  # type: ignore[attr-defined]


def test_rows_caps_parameters_coalition_lanes_and_removals() -> None:
    case = _case({
        "caps": {"china_any": 0.3},
        "parameters": {"discount_rate": 0.1},
        "coalition": {"TWN": "pax_silica", "other": ["MMR"]},
        "blocked_lanes": ["CHN>USA", "AUS>*"],
        "remove": ["kachin_clay"],
        "arcs": [{"from": "bayan_obo", "to": "lynas_kuantan", "cost_usd_per_t": 10}],
        "lanes": [{"from_country": "USA", "to_country": "USA", "remove": True}],
    })
    data = case.data  # type: ignore[attr-defined]
    assert data.caps["china_any"].max_share == 0.3
    assert data.discount_rate == 0.1
    assert data.country_bloc["TWN"] == "pax_silica"
    assert "kachin_clay" not in data.mines and not any(m == "kachin_clay" for m, _ in data.composition)
    assert ("baotou_sep", "us_fabs") not in data.fab_arcs  # CHN>USA blocked
    assert ("mt_weld", "us_sep_candidate") not in data.mine_arcs  # AUS>* blocked
    assert ("mt_weld", "lynas_kuantan") in data.mine_arcs  # the more specific AUS>MYS row still applies
    assert data.mine_arcs["bayan_obo", "lynas_kuantan"].cost_usd_per_t == 10
    lanes = case.tables.get("lanes")  # type: ignore[attr-defined]
    new = lanes[(lanes.from_country == "AUS") & (lanes.to_country == "*")].iloc[0]
    assert (new.cost_usd_per_t, bool(new.blocked)) == (250.0, True)  # freight of the * > * lane it refines
    assert not ((lanes.from_country == "USA") & (lanes.to_country == "USA")).any()


def test_every_bad_override_is_named_with_file_table_and_key() -> None:
    with pytest.raises(InputError) as err:
        _case({"caps": {"china_any": 1.5, "nocap": 0.2}, "prices": {"mine_cost": {"XYZ": 2}, "fuel": 2},
               "coalition": {"FRA": "pax_silica"}, "remove": ["nope"],
               "mines": [{"mine": "new_mine", "country": "USA"}]})
    messages = [str(p) for p in err.value.problems]
    assert messages == [
        "s.toml, mines mine='new_mine': a new row needs column 'capacity_t' (Output capacity, t REO per year)",
        "s.toml, caps, key 'china_any': must be between 0 and 1, got 1.5",
        "s.toml, caps, key 'nocap': no such cap in the input: add it as a [[caps]] row with supplier, stage and "
        "max_share",
        "s.toml, coalition, key 'FRA': unknown country (not in countries)",
        "s.toml, remove, key 'nope': no mine, refinery, purifier or fab has this id",
        "s.toml, prices.mine_cost, key 'XYZ': matches no row of mines (give an id, a country code, a bloc label or *)",
        "s.toml, prices, key 'fuel': unknown multiplier (known: mine_cost, refinery_opex, capex, market_price, "
        "transport, tariff, wafer_value)",
    ]


def test_overridden_rows_are_validated_like_the_input() -> None:
    with pytest.raises(InputError) as err:
        _case({"refineries": [{"refinery": "jp_sep_candidate", "min_build_tpa": 99999}],
               "caps": [{"cap": "new", "supplier": "RUS", "stage": "mine", "max_share": 0.2}]})
    assert [str(p) for p in err.value.problems] == [
        "s.toml, refineries refinery='jp_sep_candidate', column min_build_tpa (as applied to refineries.csv row 5, "
        "column min_build_tpa): must be <= max_new_tpa (2500), got 99999",
        "s.toml, caps cap='new', column supplier: unknown supplier 'RUS' (not a country code or bloc label in "
        "countries)",
    ]


def test_solve_scenario_applies_the_file_and_names_results_after_it(tmp_path: Path) -> None:
    scenario = tmp_path / "tight.toml"
    scenario.write_text(f'input = "{EXAMPLE}"\n[caps]\nchina_any = 0.3\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", "--scenario", str(scenario), "--out", str(out), "-q",
                                       "--no-baseline"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "summary.json").read_text())
    assert doc["scenario"] == "tight"
    assert doc["caps"][0]["max_share"] == 0.3 and doc["caps"][0]["share"] == pytest.approx(0.3)
    assert doc["scenario_file"]["effective_input_sha256"] == load_scenario_case(
        EXAMPLE, load_scenario(scenario)).sha256


def test_solve_scenario_error_exits_2_naming_the_file(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[prices]\nmine_cost = { XYZ = 2 }\n")
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--scenario", str(scenario), "--out",
                                       str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{scenario}, prices.mine_cost, key 'XYZ': matches no row of mines" in result.output


def test_unknown_scenario_name_is_an_error_with_a_did_you_mean(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--scenario", "coalition_build_only", "--out",
                                       str(tmp_path / "o"), "-q", "--no-baseline"])
    assert result.exit_code == 2, result.output
    assert "unknown scenario 'coalition_build_only'; did you mean 'coalition_builds_only'?" in result.output
    assert "(known: base, " in result.output and "coalition_builds_only, existing_capacity_only" in result.output
    assert not (tmp_path / "o").exists()
