"""Synthetic supply chains with the default dataset's structure, from thousands to millions of variables.

The shape follows ``inputs/pax_silica_2025``: a few dozen countries in three blocs (China, the coalition, others),
mines spread over them with a mixed REO composition of five products, existing separation plants and continuous
build candidates, fabs using one to three products each with an unmet-demand penalty, sparse lanes (each mine
reaches a handful of refineries, each refinery a share of the fabs), co-product markets and a China cap.  The model
stays an LP (no lumpy builds) so that every modelling route solves the same problem with the same HiGHS.

Sizes grow with ``scale``: ``python benchmarks/generate.py --scale 40 --out /tmp/case`` writes a CSV directory
that ``paxsilica solve`` reads; :func:`generate` returns the :class:`ModelData` directly.  The variable count is
dominated by deliveries (refinery, fab, product, origin country), as in the real model.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace  # noqa: E402

from optimizer.io.data import (  # noqa: E402
    Arc,
    Expansion,
    Market,
    Mine,
    ModelData,
    ProductLine,
    Purifier,
    Refinery,
    Stockpile,
    SupplyDisruption,
    _frozen,
)

PRODUCTS = ("CeO2", "La2O3", "Y2O3", "NdPr", "DyTb")
PRICES = {"CeO2": 1700.0, "La2O3": 1000.0, "NdPr": 69000.0, "DyTb": 364000.0}


@dataclass(frozen=True)
class Size:
    """How big a chain is; :func:`size_for` picks one from a single ``scale``."""

    countries: int
    mines: int
    refineries: int
    fabs: int
    refineries_per_mine: int
    fabs_per_refinery: int
    periods: int = 1


def size_for(scale: float) -> Size:
    """A chain growing with ``scale``: about 3,000 variables at 1, 10^5 at 15, 10^6 at 90, 2.5 million at 170.

    Refineries reach more fabs as the chain grows (as trading hubs do), so the variables grow faster than the
    rows, which keeps HiGHS's own solve time (and so the benchmark) within minutes at a million variables.
    """
    s = max(scale, 0.1)
    fabs = int(12 * s) + 30
    return Size(countries=min(30, int(12 + 2 * np.sqrt(s))), mines=int(8 * s) + 20, refineries=int(2 * s) + 10,
                fabs=fabs, refineries_per_mine=6, fabs_per_refinery=min(fabs, int(20 + 1.5 * s)))


def generate(scale: float = 1.0, seed: int = 0, chain: bool = False) -> ModelData:
    """A synthetic :class:`ModelData` of the given scale; the same seed gives the same case.  ``chain``: with
    product slates and a purifier tier (:func:`with_chain`); without it the case is the same as before either
    existed."""
    size = size_for(scale)
    rng = np.random.default_rng(seed)
    countries = ["CHN"] + [f"C{i:02d}" for i in range(1, size.countries)]
    bloc = {c: "china" if c == "CHN" else "pax_silica" if i % 3 == 1 else "other" for i, c in enumerate(countries)}
    # China holds a large share of mines and refineries, as in the real chain.
    weights = np.array([8.0] + [1.0] * (size.countries - 1))
    weights /= weights.sum()

    mines = {}
    composition = {}
    for i in range(size.mines):
        name = f"mine{i:05d}"
        mines[name] = Mine(str(rng.choice(countries, p=weights)), float(rng.uniform(500, 20000)),
                           float(rng.uniform(1000, 6000)))
        shares = rng.dirichlet(np.ones(len(PRODUCTS))) * rng.uniform(0.6, 0.95)
        for p, share in zip(PRODUCTS, shares):
            if share > 0.01:
                composition[name, p] = round(float(share), 4)

    refineries = {}
    for i in range(size.refineries):
        candidate = rng.random() < 0.4
        refineries[f"ref{i:05d}"] = Refinery(
            str(rng.choice(countries, p=weights)), 0.0 if candidate else float(rng.uniform(1000, 40000)),
            float(rng.uniform(900, 6000)), float(rng.uniform(0.85, 0.97)),
            max_new_tpa=float(rng.uniform(2000, 20000)) if candidate else 0.0,
            capex_usd_per_tpa=float(rng.uniform(20000, 100000)) if candidate else 0.0,
            build="continuous" if candidate else "none", lifetime_yr=20.0)

    fab_rows = []
    for i in range(size.fabs):
        country = str(rng.choice(countries[1:]))
        for p in rng.choice(PRODUCTS, size=int(rng.integers(1, 4)), replace=False):
            fab_rows.append((f"fab{i:05d}", country, str(p), float(rng.uniform(5, 400)), float(rng.uniform(1e5, 3e5))))

    ref_names = list(refineries)
    fab_names = sorted({f[0] for f in fab_rows})
    mine_arcs = {}
    for m in mines:
        for r in rng.choice(ref_names, size=min(size.refineries_per_mine, len(ref_names)), replace=False):
            mine_arcs[m, str(r)] = Arc(float(rng.uniform(20, 300)))
    fab_arcs = {}
    for r in ref_names:
        for f in rng.choice(fab_names, size=min(size.fabs_per_refinery, len(fab_names)), replace=False):
            tariff = float(rng.uniform(0, 200)) if rng.random() < 0.2 else 0.0
            fab_arcs[r, str(f)] = Arc(float(rng.uniform(20, 400)) + tariff, None, tariff)

    # Co-product markets take a slice of what the mines could make, as real markets do (unlimited sales of every
    # co-product would make the plan "mine everything and sell it", which is neither realistic nor a fair test).
    market_t = 0.02 * sum(m.capacity_t for m in mines.values())
    periods = list(range(2030, 2030 + 5 * size.periods, 5)) if size.periods > 1 else [0]
    demand = {(f, p, t): d for (f, _, p, d, _) in fab_rows for t in periods}
    data = ModelData(
        country_bloc=_frozen(bloc), country_name=_frozen({c: c for c in countries}), products=PRODUCTS,
        mines=_frozen(mines), refineries=_frozen(refineries), composition=_frozen(composition),
        fab_country=_frozen({f: c for (f, c, *_r) in fab_rows}), fab_products=tuple((f, p) for (f, _, p, _, _) in fab_rows),
        demand_t=_frozen(demand), unmet_penalty_usd_per_t=_frozen({(f, p): pen for (f, _, p, _, pen) in fab_rows}),
        mine_arcs=_frozen(dict(sorted(mine_arcs.items()))), fab_arcs=_frozen(dict(sorted(fab_arcs.items()))),
        caps=_frozen({}), markets=_frozen({p: Market(price, market_t) for p, price in PRICES.items()}),
        periods=tuple(periods), years_represented=_frozen({t: 5.0 if size.periods > 1 else 1.0 for t in periods}),
        multi_period=size.periods > 1, discount_rate=0.08, source=f"synthetic scale={scale} seed={seed}",
    )
    data = data.with_caps({"china_any": data.make_cap("CHN", "any", 0.5)})
    return with_chain(data, seed) if chain else data


def with_chain(data: ModelData, seed: int = 0, purifiers_per_country: int = 3, feeders: int = 6,
               fabs_per_purifier: int = 12, purifier_only_share: float = 0.1) -> ModelData:
    """``data`` with the chain as it is: a product slate at every refinery and a purifier tier in the coalition.

    Slates: each refinery makes three to five of the five products (at its own recovery, now and then a line's own);
    a quarter of the lines are not qualified for fabs (``fab_grade_max_t`` 0), a fifth have a fab-grade limit, a
    tenth an output limit and a fifth an ``online_year`` (which applies in multi-period plans).  Purifiers:
    ``purifiers_per_country`` in every coalition country (a third of them build candidates, continuous), each
    fed by ``feeders`` refineries and reaching ``fabs_per_purifier`` fabs.  A ``purifier_only_share`` of the fabs
    lose their lanes from refineries: only fab-grade oxide through a purifier reaches them.  The scale is the
    one of ``data``; the random draws are their own (``seed``), so the plain case is unchanged.
    """
    rng = np.random.default_rng(seed + 1)
    years = sorted({*data.periods, 2035})
    lines: dict[tuple[str, str], ProductLine] = {}
    for r, refinery in data.refineries.items():
        for p in sorted(rng.choice(PRODUCTS, size=int(rng.integers(3, 6)), replace=False)):
            draw = rng.random(5)
            lines[r, str(p)] = ProductLine(
                recovery=round(float(refinery.recovery * rng.uniform(0.9, 1.0)), 4) if draw[0] < 0.2 else None,
                max_t=round(float(rng.uniform(200, 5000)), 1) if draw[1] < 0.1 else None,
                fab_grade_max_t=0.0 if draw[2] < 0.25 else
                round(float(rng.uniform(50, 2000)), 1) if draw[2] < 0.45 else None,
                online_year=int(rng.choice(years[1:] or years)) if draw[3] < 0.2 else None)
    coalition = sorted(data.countries_of("pax_silica"))
    purifiers: dict[str, Purifier] = {}
    for c in coalition:
        for j in range(purifiers_per_country):
            candidate = rng.random() < 1 / 3
            purifiers[f"pur_{c}_{j}"] = Purifier(
                c, 0.0 if candidate else float(rng.uniform(500, 5000)), float(rng.uniform(500, 3000)),
                float(rng.uniform(0.95, 0.99)),
                Expansion(float(rng.uniform(1000, 5000)), float(rng.uniform(10000, 50000)), build="continuous",
                          lifetime_yr=20.0) if candidate else Expansion())
    refineries, fabs = sorted(data.refineries), sorted(data.fab_country)
    purifier_only = set(rng.choice(fabs, size=int(purifier_only_share * len(fabs)), replace=False).tolist())
    purify_arcs, purified_arcs = {}, {}
    for q in purifiers:
        for r in rng.choice(refineries, size=min(feeders, len(refineries)), replace=False):
            purify_arcs[str(r), q] = Arc(float(rng.uniform(20, 300)))
        for f in rng.choice(fabs, size=min(fabs_per_purifier, len(fabs)), replace=False):
            purified_arcs[q, str(f)] = Arc(float(rng.uniform(20, 200)))
    names = list(purifiers)
    for f in sorted(purifier_only):  # every purifier-only fab is reached by at least two purifiers
        for q in rng.choice(names, size=min(2, len(names)), replace=False):
            purified_arcs.setdefault((str(q), f), Arc(float(rng.uniform(20, 200))))
    fab_arcs = {k: a for k, a in data.fab_arcs.items() if k[1] not in purifier_only}
    return replace(data, refinery_products=_frozen(lines), purifiers=_frozen(purifiers),
                   purify_arcs=_frozen(dict(sorted(purify_arcs.items()))),
                   purified_arcs=_frozen(dict(sorted(purified_arcs.items()))), fab_arcs=_frozen(fab_arcs),
                   source=data.source + " chain")


STAGES = ("any", "refine", "mine")


def with_disruptions(data: ModelData, count: int) -> ModelData:
    """``data`` as a two-stage plan: ``count`` disruptions (China at any stage first, then other countries' mining
    or refining, each 5% a year for 3 months) and a coalition stockpile of every product."""
    suppliers = ["CHN"] + sorted(c for c in data.country_bloc if c != "CHN")
    disruptions = {f"d{i}": SupplyDisruption(data.make_cap(suppliers[i % len(suppliers)], STAGES[i % 3], 0.0),  # type: ignore[arg-type]
                                             0.05, 3.0) for i in range(count)}
    holders = data.countries_of("pax_silica")
    stockpiles = {f"stock_{p}": Stockpile("pax_silica", p, 0.08 * PRICES.get(p, 10000.0) + 216.0,
                                          PRICES.get(p, 10000.0), None,
                                          frozenset(f for f, q in data.fab_products
                                                    if q == p and data.fab_country[f] in holders))
                  for p in PRODUCTS}
    return replace(data, disruptions=_frozen(disruptions), stockpiles=_frozen(stockpiles) if count else _frozen({}))


def count_variables(data: ModelData) -> int:
    """Columns of the model of ``data`` without building it (the deliveries dominate)."""
    origins: dict[tuple[str, str], set[str]] = {}
    for m, r in data.mine_arcs:
        for p in data.mine_products(m):
            origins.setdefault((r, p), set()).add(data.mines[m].country)
    products_of: dict[str, list[str]] = {}
    for f, p in data.fab_products:
        products_of.setdefault(f, []).append(p)
    deliveries = sum(len(origins.get((r, p), ())) for (r, f) in data.fab_arcs for p in products_of.get(f, []))
    sales = sum(len(c) for (_, p), c in origins.items() if p in data.markets)
    builds = sum(1 for r in data.refineries.values() if r.can_build)
    return len(data.periods) * (len(data.mine_arcs) + deliveries + sales + len(data.fab_products) + builds)


def write_csv(data: ModelData, out: Path) -> None:
    """Write ``data`` as an input directory (``<sheet>.csv``) that ``paxsilica`` reads."""
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)

    def put(name: str, rows: list[dict]) -> None:
        pd.DataFrame(rows).to_csv(out / f"{name}.csv", index=False)

    put("countries", [{"country": c, "name": n, "bloc": data.country_bloc[c]} for c, n in data.country_name.items()])
    put("products", [{"product": p, "description": ""} for p in data.products])
    put("mines", [{"mine": k, "country": v.country, "capacity_t": v.capacity_t, "cost_usd_per_t": v.cost_usd_per_t}
                  for k, v in data.mines.items()])
    put("composition", [{"mine": m, "product": p, "share": s} for (m, p), s in data.composition.items()])
    put("refineries", [{"refinery": k, "country": v.country, "capacity_tpa": v.capacity_tpa,
                        "opex_usd_per_t": v.opex_usd_per_t, "recovery": v.recovery, "max_new_tpa": v.max_new_tpa,
                        "capex_usd_per_tpa": v.capex_usd_per_tpa, "build": v.build, "lifetime_yr": v.lifetime_yr}
                       for k, v in data.refineries.items()])
    t0 = data.periods[0]
    put("fabs", [{"fab": f, "country": data.fab_country[f], "product": p, "demand_t": data.demand_t[f, p, t0],
                  "unmet_penalty_usd_per_t": data.unmet_penalty_usd_per_t[f, p]} for f, p in data.fab_products])
    # Lanes blocked everywhere; every arc is a node-level arcs row (the synthetic arcs are not country-wide).
    put("lanes", [{"from_country": "*", "to_country": "*", "cost_usd_per_t": 0, "tariff_usd_per_t": 0,
                   "blocked": True}])
    put("arcs", [{"from": a, "to": b, "cost_usd_per_t": arc.cost_usd_per_t, "max_t": arc.max_t, "blocked": False}
                 for (a, b), arc in [*data.mine_arcs.items(), *data.fab_arcs.items(), *data.purify_arcs.items(),
                                     *data.purified_arcs.items()]])
    if data.purifiers:
        put("purifiers", [{"purifier": k, "country": v.country, "capacity_t": v.capacity_t,
                           "opex_usd_per_t": v.opex_usd_per_t, "recovery": v.recovery,
                           "max_new_t": v.expansion.max_new, "capex_usd_per_tpa": v.expansion.capex_usd_per_tpa,
                           "build": v.expansion.build, "lifetime_yr": v.expansion.lifetime_yr}
                          for k, v in data.purifiers.items()])
    if data.refinery_products:
        put("refinery_products", [{"refinery": r, "product": p, "recovery": line.recovery, "max_t": line.max_t,
                                   "fab_grade_max_t": line.fab_grade_max_t, "online_year": line.online_year}
                                  for (r, p), line in data.refinery_products.items()])
    put("markets", [{"product": p, "price_usd_per_t": mk.price_usd_per_t, "max_t": mk.max_t}
                    for p, mk in data.markets.items()])
    put("caps", [{"cap": k, "supplier": c.supplier, "stage": c.stage, "product": c.product, "importer": c.importer,
                  "max_share": c.max_share} for k, c in data.caps.items()])
    put("parameters", [{"name": "discount_rate", "value": data.discount_rate}])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size relative to the default dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write a CSV input directory here")
    parser.add_argument("--chain", action="store_true", help="with product slates and a purifier tier")
    args = parser.parse_args()
    data = generate(args.scale, args.seed, chain=args.chain)
    # count_variables knows the network alone: with the chain, the model's own column count is the figure.
    size = (f"{len(data.purifiers)} purifiers, {len(data.refinery_products)} slate lines" if args.chain
            else f"{count_variables(data):,} variables")
    print(f"scale {args.scale}: {size}, {len(data.mines)} mines, {len(data.refineries)} refineries, "
          f"{len(data.fab_country)} fabs")
    if args.out:
        write_csv(data, args.out)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
