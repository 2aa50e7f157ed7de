"""Build small ModelData cases in code, for tests whose optimum is worked out by hand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from optimizer.io.data import Arc, Market, Mine, ModelData, Refinery, _frozen


def make_data(
    *,
    countries: dict[str, str],
    mines: dict[str, Mine],
    composition: dict[tuple[str, str], float],
    refineries: dict[str, Refinery],
    fabs: Iterable[tuple[str, str, str, float, float | None]],
    mine_arcs: dict[tuple[str, str], Arc | float],
    fab_arcs: dict[tuple[str, str], Arc | float],
    caps: Iterable[tuple[str, str, str, float]] = (),
    markets: dict[str, Market] | None = None,
    periods: dict[int, float] | None = None,
    demand: dict[tuple[str, str, int], float] | None = None,
    discount_rate: float = 0.0,
) -> ModelData:
    """A case from plain dicts.

    ``fabs`` rows are (fab, country, product, demand_t, unmet_penalty or None); ``caps`` rows are
    (cap id, supplier, stage, max_share); arcs may be given as a bare cost per tonne.
    """
    fabs = list(fabs)
    products = tuple(dict.fromkeys([p for (_, p) in composition] + [f[2] for f in fabs]))
    period_list = sorted(periods) if periods else [0]
    demand_t: dict[tuple[str, str, int], float] = {
        (f, p, t): d for (f, _, p, d, _) in fabs for t in period_list
    }
    demand_t.update(demand or {})

    def arcs(given: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Arc]:
        return {k: v if isinstance(v, Arc) else Arc(float(v)) for k, v in given.items()}

    data = ModelData(
        country_bloc=_frozen(countries),
        country_name=_frozen({c: c for c in countries}),
        products=products,
        mines=_frozen(mines),
        refineries=_frozen(refineries),
        composition=_frozen({k: v for k, v in composition.items() if v > 0}),
        fab_country=_frozen({f: c for (f, c, *_rest) in fabs}),
        fab_products=tuple((f, p) for (f, _, p, _, _) in fabs),
        demand_t=_frozen(demand_t),
        unmet_penalty_usd_per_t=_frozen({(f, p): pen for (f, _, p, _, pen) in fabs}),
        mine_arcs=_frozen(arcs(mine_arcs)),
        fab_arcs=_frozen(arcs(fab_arcs)),
        caps=_frozen({}),
        markets=_frozen(markets or {}),
        periods=tuple(period_list),
        years_represented=_frozen(periods or {0: 1.0}),
        multi_period=periods is not None,
        discount_rate=discount_rate,
    )
    return data.with_caps({k: data.make_cap(s, stage, share) for (k, s, stage, share) in caps})  # type: ignore[arg-type]
