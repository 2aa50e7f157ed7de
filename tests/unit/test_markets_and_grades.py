"""Co-product markets by selling region, and the fab-grade output limit of a plant (hand-computed)."""

from __future__ import annotations

import pytest

from optimizer.io.data import Market, Mine, Refinery
from optimizer.solver.run import solve_case
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "AUS": "pax_silica", "JPN": "pax_silica"}


def two_plants(markets: dict[str, Market], fab_grade_max_t: float | None = None) -> object:
    # A Chinese and an Australian plant, each fed 100 t REO (cost 30 per t all in) by its own mine, each REO 20% Y2O3
    # and 60% CeO2.  A Japanese fab needs 20 t Y2O3; both plants can deliver it at 2 per t.
    data = make_data(
        countries=COUNTRIES,
        mines={"mC": Mine("CHN", 100, 10), "mA": Mine("AUS", 100, 10)},
        composition={("mC", "Y2O3"): 0.2, ("mC", "CeO2"): 0.6, ("mA", "Y2O3"): 0.2, ("mA", "CeO2"): 0.6},
        refineries={"rC": Refinery("CHN", 1000, 20, 1.0),
                    "rA": Refinery("AUS", 1000, 20, 1.0, fab_grade_max_t=fab_grade_max_t)},
        fabs=[("f", "JPN", "Y2O3", 20, None)],
        mine_arcs={("mC", "rC"): 0, ("mA", "rA"): 0},
        fab_arcs={("rC", "f"): 2, ("rA", "f"): 2},
        markets=markets,
    )
    sellers = {"ceo2_china": None, "ceo2_outside": data.sellers_of("!china")}
    from dataclasses import replace

    from optimizer.io.data import _frozen
    return replace(data, markets=_frozen({k: replace(v, sellers=sellers.get(k)) for k, v in data.markets.items()}))


def test_a_market_outside_china_is_open_only_to_plants_outside_china_up_to_its_volume() -> None:
    # CeO2 sells at 5 to anyone (into China) and at 50 outside China, at most 40 t there.
    # Each plant run full yields 60 t CeO2: the Australian plant sells 40 t at 50 and 20 t at 5, the Chinese plant
    # 60 t at 5, if mining and separating 100 t (30 each) pays: for the Chinese plant 60 x 5 = 300 < 3,000, so it runs
    # only for the fab; the Australian plant earns 40 x 50 + 20 x 5 = 2,100 < 3,000, so it too runs only as needed.
    # The fab's 20 t Y2O3 need 100 t REO at one plant (3,000 + 40 freight) whose 60 t CeO2 then sell:
    #     at the Australian plant: 3,040 - 2,100 = 940;   at the Chinese plant: 3,040 - 300 = 2,740.
    markets = {"ceo2_china": Market(5, None, "CeO2"), "ceo2_outside": Market(50, 40, "CeO2")}
    run = solve_case(two_plants(markets), baseline=False)
    assert run.result.objective_usd == pytest.approx(940)
    sales = run.tables["flows"].query("stage == 'sale'").set_index("to")["tonnes"]
    assert sales["ceo2_outside"] == pytest.approx(40) and sales["ceo2_china"] == pytest.approx(20)
    assert set(run.tables["flows"].query("stage == 'sale'")["from"]) == {"rA"}


def test_a_plant_delivers_no_more_fab_grade_oxide_than_its_qualified_lines_make() -> None:
    # The Australian plant may deliver at most 5 t to fabs (25 t REO); up to 66.7 t REO it runs at no net cost (its
    # CeO2, 0.6 t per t REO, sells at 50 up to 40 t: 30 per t REO, the cost of mining and separating it).  The Chinese
    # plant delivers the other 15 t: 75 t REO at 30 less 0.6 x 5 of CeO2 = 27 net, 2,025; freight 20 x 2 = 40.
    markets = {"ceo2_china": Market(5, None, "CeO2"), "ceo2_outside": Market(50, 40, "CeO2")}
    run = solve_case(two_plants(markets, fab_grade_max_t=5), baseline=False)
    assert run.result.objective_usd == pytest.approx(2065)
    to_fab = run.tables["flows"].query("stage == 'refinery_to_fab'").groupby("from")["tonnes"].sum()
    assert to_fab["rA"] == pytest.approx(5) and to_fab["rC"] == pytest.approx(15)
