"""The hand case of near-optimal alternatives (issue 22), as ModelData and as a CSV input.

An AUS mine (10 USD/t, 1000 t) and candidate refineries in JPN (opex 5) and KOR (opex 6), continuous, 100 USD per
t/yr over 10 years at no discount (10 USD per t/yr a year), none existing; a JPN fab needs 100 t; every lane costs
1 USD/t.  Via JPN a tonne costs 10 + 1 + 5 + 1 + 10 = 27, via KOR 28: the optimum costs 2,700 with 100 t/yr built
in JPN.

- slack 0.005 (cost at most 2,713.5): KOR builds 0 to 13.5 t/yr (each tonne moved to KOR costs 1 more), JPN 86.5
  to 101.35 (capacity may exceed use: 1.35 t/yr unused at 10 USD fits in the slack); JPN is built in every plan.
- slack 0.05 (at most 2,835): KOR 0 to 103.5 (all 100 t via KOR, 2,800, plus 3.5 t unused), JPN 0 to 113.5.
"""

from __future__ import annotations

from pathlib import Path

from optimizer.io.data import Mine, ModelData, Refinery
from tests.builders import make_data

OPTIMUM_USD = 2700.0
RANGES = {0.005: {"JPN": (86.5, 101.35), "KOR": (0.0, 13.5)},
          0.05: {"JPN": (0.0, 113.5), "KOR": (0.0, 103.5)}}


def _candidate(country: str, opex: float) -> Refinery:
    return Refinery(country, 0.0, opex, 1.0, max_new_tpa=1000.0, capex_usd_per_tpa=100.0, build="continuous",
                    lifetime_yr=10)


def hand_case(periods: dict[int, float] | None = None) -> ModelData:
    """The case of the module docstring (over ``periods``, {year: years represented}, when given)."""
    return make_data(
        countries={"AUS": "pax_silica", "JPN": "pax_silica", "KOR": "pax_silica"},
        mines={"mA": Mine("AUS", 1000.0, 10.0)},
        composition={("mA", "Y"): 1.0},
        refineries={"rJ": _candidate("JPN", 5.0), "rK": _candidate("KOR", 6.0)},
        fabs=[("f", "JPN", "Y", 100.0, None)],
        mine_arcs={("mA", "rJ"): 1.0, ("mA", "rK"): 1.0},
        fab_arcs={("rJ", "f"): 1.0, ("rK", "f"): 1.0},
        periods=periods,
    )


def write_hand_case(folder: Path) -> Path:
    """The same case as a CSV input directory."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "countries": "country,name,bloc\nAUS,Australia,pax_silica\nJPN,Japan,pax_silica\nKOR,Korea,pax_silica\n",
        "products": "product,description\nY,yttrium oxide\n",
        "mines": "mine,country,capacity_t,cost_usd_per_t\nmA,AUS,1000,10\n",
        "composition": "mine,product,share\nmA,Y,1\n",
        "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,max_new_tpa,capex_usd_per_tpa,build,"
                      "lifetime_yr\nrJ,JPN,0,5,1,1000,100,continuous,10\nrK,KOR,0,6,1,1000,100,continuous,10\n",
        "fabs": "fab,country,product,demand_t\nf,JPN,Y,100\n",
        "lanes": "from_country,to_country,cost_usd_per_t\nAUS,JPN,1\nAUS,KOR,1\nJPN,JPN,1\nKOR,JPN,1\n",
        "parameters": "name,value\ndiscount_rate,0\n",
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder
