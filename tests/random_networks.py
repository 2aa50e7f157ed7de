"""Seeded random supply chains for invariant tests: every case is feasible (unmet demand has a penalty)."""

from __future__ import annotations

import random

from optimizer.io.data import Arc, Market, Mine, ModelData, Refinery
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "USA": "pax_silica", "JPN": "pax_silica", "AUS": "pax_silica", "MYS": "other"}
PRODUCTS = ["CeO2", "La2O3", "Y2O3"]


def random_case(seed: int, china_cap: float | None = None, lumpy: bool = False) -> ModelData:
    """A small random chain: 2-4 mines, 2-4 refineries (some buildable), 2-4 fabs, random arcs and costs."""
    rng = random.Random(seed)
    countries = list(COUNTRIES)
    mines = {f"m{i}": Mine(rng.choice(countries), rng.uniform(200, 2000), rng.uniform(5, 50))
             for i in range(rng.randint(2, 4))}
    composition = {}
    for mine in mines:
        left = 1.0
        for p in PRODUCTS:
            share = round(rng.uniform(0.0, left * 0.7), 3)
            if share > 0.01:
                composition[mine, p] = share
                left -= share
    refineries = {}
    for i in range(rng.randint(2, 4)):
        mode = rng.choice(["none", "continuous", "lumpy" if lumpy else "continuous"])
        refineries[f"r{i}"] = Refinery(
            rng.choice(countries), rng.choice([0.0, rng.uniform(100, 1500)]), rng.uniform(10, 80),
            rng.uniform(0.7, 1.0), max_new_tpa=rng.uniform(200, 1500) if mode != "none" else 0.0,
            capex_usd_per_tpa=rng.uniform(50, 500), fixed_capex_usd=rng.uniform(0, 20000),
            min_build_tpa=rng.uniform(0, 150), build=mode, lifetime_yr=rng.choice([10, 20]))  # type: ignore[arg-type]
    fabs = []
    for i in range(rng.randint(2, 4)):
        country = rng.choice(["USA", "JPN", "MYS"])
        for p in rng.sample(PRODUCTS, rng.randint(1, 2)):
            fabs.append((f"f{i}", country, p, rng.uniform(1, 60), rng.uniform(2000, 8000)))
    mine_arcs = {(m, r): Arc(rng.uniform(0, 20)) for m in mines for r in refineries if rng.random() < 0.8}
    fab_arcs = {(r, f): Arc(rng.uniform(0, 30)) for r in refineries for f in dict.fromkeys(x[0] for x in fabs)
                if rng.random() < 0.8}
    markets = {"CeO2": Market(rng.uniform(1, 20), rng.uniform(10, 200))}
    caps = [("china", "CHN", "any", china_cap)] if china_cap is not None else []
    return make_data(countries=COUNTRIES, mines=mines, composition=composition, refineries=refineries, fabs=fabs,
                     mine_arcs=mine_arcs, fab_arcs=fab_arcs, caps=caps, markets=markets, discount_rate=0.05)
