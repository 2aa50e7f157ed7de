"""A run folder written by hand, whose every number is known, and the case it belongs to (fab countries, blocs)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.io.data import Mine, Refinery
from tests.builders import make_data

# Oxide delivered, by (fab, product, period, mine country, refinery country).  In period 0:
#   AUS mines 110 t: 90 refined in MYS (50 to us_fab, 40 to jp_fab), 20 refined in CHN (to us_fab);
#   CHN mines 30 t, refined in CHN, to us_fab.  China touched 20 + 30 = 50 t of 140 t.
SUPPLY = [
    ("jp_fab", "Nd2O3", 0, "AUS", "MYS", 40.0),
    ("us_fab", "Nd2O3", 0, "AUS", "MYS", 50.0),
    ("us_fab", "Nd2O3", 0, "CHN", "CHN", 30.0),
    ("us_fab", "Y2O3", 0, "AUS", "CHN", 20.0),
    ("jp_fab", "Nd2O3", 1, "AUS", "USA", 45.0),
]
COSTS = [("capex", 0, 1000.0), ("mining", 0, 2500.0), ("coproduct_sales", 0, -400.0),
         ("capex", 1, 1200.0), ("mining", 1, 2600.0), ("coproduct_sales", 1, -300.0)]
BUILDS = [("us_sep", "USA", 0, 0.0, False, 0.0), ("us_sep", "USA", 1, 45.0, True, 1200.0),
          ("jp_sep", "JPN", 1, 10.0, True, 90.0), ("my_sep", "MYS", 0, 0.0, False, 0.0)]
DEPENDENCE = [("china_any", 0, 50.0, 140.0, 50.0 / 140.0, 0.4, 0.0), ("china_any", 1, 0.0, 45.0, 0.0, 0.4, 0.0),
              ("china_refine", 0, 50.0, 140.0, 50.0 / 140.0, 50.0 / 140.0, 1234.5)]
FRONTIER_SHARES = [1.0, 0.8, 0.6, 0.4, 0.2]
STRESS = [("base", "", "", "optimal", 3500.0, 0.0, 0.0, 0.4),
          ("no_mys", "MYS", "country", "optimal", 5000.0, 1500.0, 0.0, 0.5),
          ("no_aus", "AUS", "country", "infeasible", None, None, None, None),
          ("no_chn", "CHN", "country", "optimal", 4000.0, 500.0, 12.0, 0.0),
          ("no_lane", "AUS->MYS", "lane", "optimal", 3600.0, 100.0, 0.0, 0.3)]
RISK = [("Nd2O3", 0, "mine", 6500.0, "AUS", 0.8), ("Nd2O3", 0, "refine", 5000.0, "MYS", 0.7),
        ("Y2O3", 0, "mine", 10000.0, "AUS", 1.0), ("Y2O3", 0, "refine", 10000.0, "CHN", 1.0),
        ("Nd2O3", 1, "mine", 10000.0, "AUS", 1.0), ("Nd2O3", 1, "refine", 10000.0, "USA", 1.0)]


def case():
    """The case the run folder belongs to: fab countries and blocs are what the report needs from it."""
    return make_data(
        countries={"AUS": "pax_silica", "CHN": "china", "MYS": "other", "USA": "pax_silica", "JPN": "pax_silica"},
        mines={"m_au": Mine("AUS", 1000, 10), "m_cn": Mine("CHN", 1000, 5)},
        composition={("m_au", "Nd2O3"): 0.5, ("m_au", "Y2O3"): 0.1, ("m_cn", "Nd2O3"): 0.5},
        refineries={"my_sep": Refinery("MYS", 500, 10, 0.9), "cn_sep": Refinery("CHN", 500, 10, 0.9),
                    "us_sep": Refinery("USA", 0, 10, 0.9)},
        fabs=[("us_fab", "USA", "Nd2O3", 80, None), ("us_fab", "USA", "Y2O3", 20, None),
              ("jp_fab", "JPN", "Nd2O3", 40, None)],
        mine_arcs={}, fab_arcs={},
    )


# The folder is one steady-state year's money (no horizon in summary.json): its money columns are per year, as the
# tool writes them; ``labelled=False`` writes them under the names of folders written before they said their unit.
NAMES = {"usd": "usd_per_yr", "total_cost_usd": "total_cost_usd_per_yr", "cost_increase_usd": "cost_increase_usd_per_yr"}


def named(columns: list[str], labelled: bool = True) -> list[str]:
    """``columns`` as the tool writes them (``labelled``) or as older versions did."""
    return [NAMES.get(c, c) if labelled else c for c in columns]


def frontier_table(shares: list[float] = FRONTIER_SHARES, labelled: bool = True) -> pd.DataFrame:
    """A sweep: cost rises as the cap tightens; the plan changes at 0.6 (JPN builds) and 0.2 (USA too)."""
    rows = []
    for i, share in enumerate(shares):
        jpn = 0.0 if share > 0.7 else 100.0 + 50 * i
        usa = 0.0 if share > 0.3 else 80.0
        rows.append({"point": i + 1, "max_share": share, "status": "optimal", "total_cost_usd": 1000.0 + 400 * i * i,
                     "cost_increase_usd": 400.0 * i * i, "dual_usd_per_yr_per_pct": 10.0 * i, "realised_share": min(share, 0.9),
                     "new_tpa_JPN": jpn, "new_tpa_USA": usa, "breakpoint": share in (0.6, 0.2)})
    df = pd.DataFrame(rows)
    return df.set_axis(named(list(df.columns), labelled), axis=1)


# The plan without caps: dearer in mining, no co-product sales beyond 300, and only jp_sep built (so the caps cause
# us_sep): from 6000 to 6600 = +2200 capex - 400 co-product sales - 1200 mining.
UNCAPPED_COSTS = {"capex": 0.0, "coproduct_sales": -300.0, "mining": 6300.0}
UNCAPPED_BUILDS = [{"refinery": "jp_sep", "country": "JPN", "period": 1, "new_tpa": 8.0}]
GEOGRAPHY = {"fab_country": {"jp_fab": "JPN", "us_fab": "USA"}, "china_countries": ["CHN"]}


def write_run(folder: Path, *, sweep: bool = True, stress: bool = True, risk: bool = True,
              source: str = "", geography: bool = True, labelled: bool = True) -> Path:
    """Write a run folder: the result files of a solve (and a sweep, a stress test and risk) with known numbers
    (``labelled=False``: money columns named as before they said their unit, ``usd``, ``total_cost_usd``...)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "supply": pd.DataFrame(SUPPLY, columns=["fab", "product", "period", "mine_country", "refinery_country",
                                                "tonnes"]),
        "costs": pd.DataFrame(COSTS, columns=named(["component", "period", "usd"], labelled)),
        "builds": pd.DataFrame(BUILDS, columns=["refinery", "country", "period", "new_tpa", "built",
                                                "capex_usd_per_yr"]),
        "dependence": pd.DataFrame(DEPENDENCE, columns=["cap", "period", "touched_t", "delivered_t", "share",
                                                        "max_share", "dual_usd_per_yr_per_pct"]),
    }
    if sweep:
        tables["frontier"] = frontier_table(labelled=labelled)
    if stress:
        tables["stress"] = pd.DataFrame(STRESS, columns=named(["case", "removed", "kind", "status", "total_cost_usd",
                                                               "cost_increase_usd", "unmet_t", "china_share"], labelled))
    if risk:
        tables["risk"] = pd.DataFrame(RISK, columns=["product", "period", "stage", "hhi", "top_country", "top_share"])
    for name, df in tables.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    summary = {"status": "optimal", "scenario": "base", "objective_usd": 6600.0,
               "uncapped": {"objective_usd": 6000.0, "china_share": {"0": 0.5, "1": 0.2},
                            "cost_breakdown_usd": UNCAPPED_COSTS, "builds": UNCAPPED_BUILDS},
               "cost_breakdown_usd": {"capex": 2200.0, "coproduct_sales": -700.0, "mining": 5100.0},
               "china_share": {"0": 50 / 140, "1": 0.0},
               "solver": {"name": "highs", "version": "9.9.9"}, "package": {"name": "paxsilica", "version": "0.1.0"},
               "input": {"source": source, "sha256": "ab" * 32}}
    if geography:
        summary["geography"] = GEOGRAPHY
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run")
