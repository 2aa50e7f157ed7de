"""The hand cases of the chain as it is (issue 18), as CSV input folders: discount rate 0, every lane 1 USD/t,
lifetimes 10 years.  Each is solved through the reader (unit tests) and through the CLI."""

from __future__ import annotations

from pathlib import Path

COMMON = {
    "countries": "country,name,bloc\nAUS,Australia,pax_silica\nJPN,Japan,pax_silica\nCHN,China,china\n",
    "products": "product,description\nCeO2,ceria\nY2O3,yttria\n",
    "lanes": "from_country,to_country,cost_usd_per_t\n*,*,1\n",
    "parameters": "name,value\ndiscount_rate,0\n",
}

# Slates: M_CE (CeO2 only) and M_Y (Y2O3 only), R_A (AUS, opex 5) and R_B (JPN, opex 20); a JPN fab needs 100 t
# CeO2 and 50 t Y2O3.  R_A listing only CeO2 sends Y2O3 through R_B: 100 x 17 + 50 x 32 = 3,300 (2,550 without).
SLATES = {
    **COMMON,
    "mines": "mine,country,capacity_t,cost_usd_per_t\nM_CE,AUS,1000,10\nM_Y,AUS,1000,10\n",
    "composition": "mine,product,share\nM_CE,CeO2,1\nM_Y,Y2O3,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,lifetime_yr\n"
                  "R_A,AUS,1000,5,1,10\nR_B,JPN,1000,20,1,10\n",
    "fabs": "fab,country,product,demand_t\nF,JPN,CeO2,100\nF,JPN,Y2O3,50\n",
    "refinery_products": "refinery,product\nR_A,CeO2\n",
}


def write_case(root: Path, tables: dict[str, str], **changes: str | None) -> Path:
    """Write ``tables`` (with ``changes``; ``None`` leaves a sheet out) as ``<sheet>.csv`` files in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {**tables, **changes}.items():
        if text is not None:
            (root / f"{name}.csv").write_text(text)
    return root

# Mine build: a CHN mine (10 USD/t) and an AUS mine with no capacity, buildable up to 1000 t at 50 USD per t/yr (5 a
# year over 10 years) and 8 USD/t; a JPN refinery (opex 5), a JPN fab needing 100 t; China capped at 20% (any):
# 20 t via China (20 x 17 = 340) + 80 t from 80 t built in Australia (80 x (8 + 5 + 1 + 5 + 1) = 1,600) = 1,940.
MINE_BUILD = {
    **COMMON,
    "mines": "mine,country,capacity_t,cost_usd_per_t,max_new_t,capex_usd_per_tpa,build,lifetime_yr\n"
             "M_C,CHN,1000,10,,,,\nM_A,AUS,0,8,1000,50,continuous,10\n",
    "composition": "mine,product,share\nM_C,CeO2,1\nM_A,CeO2,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery\nR_J,JPN,1000,5,1\n",
    "fabs": "fab,country,product,demand_t\nF,JPN,CeO2,100\n",
    "caps": "cap,supplier,stage,max_share\nchina,CHN,any,0.2\n",
}

# Purifier: a CHN mine (10 USD/t) -> CHN refinery (opex 5, fab_grade_max_t 0) -> JPN purifier (opex 20, recovery 1) ->
# a JPN fab needing 100 t: 100 x (10 + 1 + 5 + 1 + 20 + 1) = 3,800; China touches all of it at stage any, none of it
# at stage purify (both caps at 100%, to report the shares).
PURIFIER = {
    **COMMON,
    "mines": "mine,country,capacity_t,cost_usd_per_t\nM_C,CHN,1000,10\n",
    "composition": "mine,product,share\nM_C,CeO2,1\n",
    "refineries": "refinery,country,capacity_tpa,opex_usd_per_t,recovery,fab_grade_max_t\nR_C,CHN,1000,5,1,0\n",
    "purifiers": "purifier,country,capacity_t,opex_usd_per_t,recovery\nP_J,JPN,1000,20,1\n",
    "fabs": "fab,country,product,demand_t\nF,JPN,CeO2,100\n",
    "caps": "cap,supplier,stage,max_share\nchina_any,CHN,any,1\nchina_purify,CHN,purify,1\n",
}

# Upgrade: as Slates, but R_A's ceria is not qualified for fabs (fab_grade_max_t 0) and an upgrade of it costs 100 USD
# per t/yr (continuous, 10 a year over 10 years): it builds 100 t, 100 x 17 + 1,000 + 50 x 32 = 4,300 (4,800 without:
# the ceria through R_B at 32).
UPGRADE = {
    **SLATES,
    "refinery_products": "refinery,product,fab_grade_max_t\nR_A,CeO2,0\n",
    "upgrades": "upgrade,refinery,product,max_new_t,capex_usd_per_tpa,build,lifetime_yr\n"
                "U_A,R_A,CeO2,1000,100,continuous,10\n",
}
