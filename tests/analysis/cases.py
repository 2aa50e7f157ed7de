"""One small chain whose frontier, chokepoints and infeasibility are worked out by hand.

One product Y (a mine's REO is all Y, recovery 1: 1 t REO = 1 t oxide), one fab f in the USA needing 100 t/yr, and
three routes, every arc free:

    China   mC (CHN, 10/t) -> rC (CHN, opex 10)                  20 /t   touched by China at any stage
    Malaysia mA (AUS, 30/t) -> rM (MYS, opex 20, 20 t/yr)        50 /t   at most 20 t
    USA     mA -> rU (USA, opex 40, new: 100/tpa over 10 yr)     80 /t   at most ``us_max`` t (60)

With China's share capped at s (cap ``china``, CHN any stage) China supplies 100 s t and the rest goes the cheapest
allied way:
    s >= 0.8:  cost = 20 x 100 s + 50 x 100 (1 - s)                      = 5000 - 3000 s   (30 USD per point)
    s <  0.8:  cost = 20 x 100 s + 50 x 20 + 80 x (100 (1 - s) - 20)     = 7400 - 6000 s   (60 USD per point)
    s <  0.2:  infeasible (the allied routes carry at most 20 + 60 = 80 t).
"""

from __future__ import annotations

from pathlib import Path

from optimizer.io.data import Mine, ModelData, Refinery
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "AUS": "pax_silica", "USA": "pax_silica", "MYS": "other"}


def frontier_cost(s: float) -> float:
    """The hand-computed optimum at China share cap ``s`` (see the module docstring)."""
    return 5000 - 3000 * s if s >= 0.8 else 7400 - 6000 * s


def chain(share: float | None = None, us_max: float = 60.0, china_t: float = 1000.0, allied_t: float = 1000.0,
          optional_fab: bool = False) -> ModelData:
    """The chain of the module docstring, with cap ``china`` at ``share`` (no cap when None).

    ``optional_fab`` adds a second US fab g needing 10 t/yr that may go unmet at 1000 USD/t.
    """
    fabs = [("f", "USA", "Y", 100.0, None)]
    fab_arcs = {("rC", "f"): 0.0, ("rM", "f"): 0.0, ("rU", "f"): 0.0}
    if optional_fab:
        fabs.append(("g", "USA", "Y", 10.0, 1000.0))
        fab_arcs |= {("rC", "g"): 0.0, ("rM", "g"): 0.0, ("rU", "g"): 0.0}
    return make_data(
        countries=COUNTRIES,
        mines={"mC": Mine("CHN", china_t, 10.0), "mA": Mine("AUS", allied_t, 30.0)},
        composition={("mC", "Y"): 1.0, ("mA", "Y"): 1.0},
        refineries={
            "rC": Refinery("CHN", 1000.0, 10.0, 1.0),
            "rM": Refinery("MYS", 20.0, 20.0, 1.0),
            "rU": Refinery("USA", 0.0, 40.0, 1.0, max_new_tpa=us_max, capex_usd_per_tpa=100.0, build="continuous",
                           lifetime_yr=10),
        },
        fabs=fabs,
        mine_arcs={("mC", "rC"): 0.0, ("mA", "rM"): 0.0, ("mA", "rU"): 0.0},
        fab_arcs=fab_arcs,
        caps=[] if share is None else [("china", "CHN", "any", share)],
    )


def write_chain_csv(folder: Path, share: float | None = None, us_max: float = 60.0) -> Path:
    """The same chain as a CSV input directory (lanes by country pair reproduce the arcs above)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "countries": "country,name,bloc\nCHN,China,china\nAUS,Australia,pax_silica\nUSA,United States,pax_silica\n"
                     "MYS,Malaysia,other\n",
        "products": "product,description\nY,yttrium oxide\n",
        "mines": "mine,country,capacity_t,cost_usd_per_t\nmC,CHN,1000,10\nmA,AUS,1000,30\n",
        "composition": "mine,product,share\nmC,Y,1\nmA,Y,1\n",
        "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,max_new_tpa,capex_usd_per_tpa,build,"
                      f"lifetime_yr\nrC,CHN,1000,10,1,0,0,none,20\nrM,MYS,20,20,1,0,0,none,20\n"
                      f"rU,USA,0,40,1,{us_max:g},100,continuous,10\n",
        "fabs": "fab,country,product,demand_t\nf,USA,Y,100\n",
        "lanes": "from_country,to_country,cost_usd_per_t\nCHN,CHN,0\nAUS,MYS,0\nAUS,USA,0\nCHN,USA,0\nMYS,USA,0\n"
                 "USA,USA,0\n",
        "parameters": "name,value\ndiscount_rate,0\n",
    }
    if share is not None:
        files["caps"] = f"cap,supplier,stage,max_share\nchina,CHN,any,{share:g}\n"
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder
