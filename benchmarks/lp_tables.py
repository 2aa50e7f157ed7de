"""The paxsilica LP as tables (pandas/numpy), for the comparison routes: HiGHS from arrays, and linopy.

Same formulation as ``optimizer/model`` (see models/FORMULATION.md) for the cases that ``generate.py`` makes:
continuous builds only (an LP), no arc limits.  :func:`lp_tables` gives every variable set with its cost
and bounds, and every constraint family as a list of terms (row, variable set, column, coefficient) with its row
bounds; ``direct.py`` turns them into one sparse matrix, ``linopy_model.py`` into linopy expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.io.data import ModelData
from optimizer.model.investment import capital_recovery_factor

INF = float("inf")


@dataclass
class Family:
    """A constraint family: one row per entry of ``lower``/``upper``; ``terms`` per variable set."""

    lower: np.ndarray
    upper: np.ndarray
    terms: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)  # set -> row, col, coef


@dataclass
class LPTables:
    variables: dict[str, pd.DataFrame]  # set -> frame with cost, lower, upper (row order = column order)
    families: dict[str, Family]


def _cross(frame: pd.DataFrame, periods: list[int]) -> pd.DataFrame:
    return frame.merge(pd.DataFrame({"t": periods}), how="cross")


def lp_tables(data: ModelData) -> LPTables:
    """Every variable and constraint of ``data``'s model as arrays."""
    if any(r.build == "lumpy" for r in data.refineries.values()):
        raise ValueError("lp_tables covers LPs only (no lumpy builds)")
    periods = list(data.periods)
    w = pd.Series(data.years_represented)
    mines = pd.DataFrame([(k, v.country, v.capacity_t, v.cost_usd_per_t) for k, v in data.mines.items()],
                         columns=["m", "mc", "cap", "mcost"])
    refs = pd.DataFrame([(k, v.country, v.capacity_tpa, v.opex_usd_per_t, v.recovery) for k, v in data.refineries.items()],
                        columns=["r", "rc", "rcap", "opex", "rec"])
    comp = pd.DataFrame([(m, p, s) for (m, p), s in data.composition.items()], columns=["m", "p", "share"])

    arcs = pd.DataFrame([(m, r, a.cost_usd_per_t) for (m, r), a in data.mine_arcs.items()], columns=["m", "r", "acost"])
    ore = _cross(arcs, periods).merge(mines, on="m").merge(refs, on="r")
    ore["cost"] = w[ore.t].to_numpy() * (ore.mcost + ore.opex + ore.acost)
    ore["lower"], ore["upper"] = 0.0, INF
    ore["col"] = np.arange(len(ore))

    made = ore[["m", "r", "t", "mc", "rec", "col"]].merge(comp, on="m")
    yields = made[["r", "p", "mc", "t"]].drop_duplicates().sort_values(["r", "p", "mc", "t"]).reset_index(drop=True)
    yields["row"] = np.arange(len(yields))
    made = made.merge(yields, on=["r", "p", "mc", "t"])

    fab_products = pd.DataFrame(list(data.fab_products), columns=["f", "p"])
    fab_arcs = pd.DataFrame([(r, f, a.cost_usd_per_t) for (r, f), a in data.fab_arcs.items()], columns=["r", "f", "acost"])
    deliver = fab_arcs.merge(fab_products, on="f").merge(yields, on=["r", "p"])
    deliver["cost"] = w[deliver.t].to_numpy() * deliver.acost
    deliver["lower"], deliver["upper"] = 0.0, INF
    deliver = deliver.reset_index(drop=True)

    prices = pd.Series({p: mk.price_usd_per_t for p, mk in data.markets.items()}, dtype=float)
    sell = yields[yields.p.isin(prices.index)].reset_index(drop=True)
    sell["cost"] = -w[sell.t].to_numpy() * prices[sell.p].to_numpy()
    sell["lower"], sell["upper"] = 0.0, INF

    demand = pd.DataFrame([(f, p, t, d) for (f, p, t), d in data.demand_t.items()], columns=["f", "p", "t", "d"])
    demand["row"] = np.arange(len(demand))
    penalty = pd.Series({k: v for k, v in data.unmet_penalty_usd_per_t.items() if v is not None}, dtype=float)
    unmet = demand[[k in penalty.index for k in zip(demand.f, demand.p)]].reset_index(drop=True)
    unmet["cost"] = w[unmet.t].to_numpy() * penalty[list(zip(unmet.f, unmet.p))].to_numpy()
    unmet["lower"], unmet["upper"] = 0.0, INF

    sites = [(r, v) for r, v in data.refineries.items() if v.can_build]
    build = pd.DataFrame([(r, d, v.max_new_tpa, sum(data.years_represented[t] for t in periods if t >= d)
                           * capital_recovery_factor(data.discount_rate, v.lifetime_yr) * v.capex_usd_per_tpa,
                           v.lead_time_yr) for r, v in sites for d in periods],
                         columns=["r", "d", "upper", "cost", "lead"])
    build["lower"] = 0.0

    families: dict[str, Family] = {}
    mine_rows = ore[["m", "t", "cap"]].drop_duplicates(["m", "t"]).reset_index(drop=True)
    mine_rows["row"] = np.arange(len(mine_rows))
    o = ore.merge(mine_rows[["m", "t", "row"]], on=["m", "t"])
    families["Mine_Capacity"] = Family(np.full(len(mine_rows), -INF), mine_rows.cap.to_numpy(),
                                       {"Ore_T": (o.row.to_numpy(), o.col.to_numpy(), np.ones(len(o)))})

    sell_rows = yields.reset_index(drop=True).merge(sell[["r", "p", "mc", "t"]].assign(col=np.arange(len(sell))),
                                                    on=["r", "p", "mc", "t"])
    families["Oxide_Balance"] = Family(np.full(len(yields), -INF), np.zeros(len(yields)), {
        "Deliver_T": (deliver.row.to_numpy(), np.arange(len(deliver)), np.ones(len(deliver))),
        "Sell_T": (sell_rows.row.to_numpy(), sell_rows.col.to_numpy(), np.ones(len(sell_rows))),
        "Ore_T": (made.row.to_numpy(), made.col.to_numpy(), -(made.rec * made.share).to_numpy()),
    })

    d_rows = deliver[["f", "p", "t"]].merge(demand[["f", "p", "t", "row"]], on=["f", "p", "t"])
    u_rows = unmet[["f", "p", "t"]].merge(demand[["f", "p", "t", "row"]], on=["f", "p", "t"])
    families["Demand_Balance"] = Family(demand.d.to_numpy(), demand.d.to_numpy(), {
        "Deliver_T": (d_rows.row.to_numpy(), np.arange(len(deliver)), np.ones(len(deliver))),
        "Unmet_T": (u_rows.row.to_numpy(), np.arange(len(unmet)), np.ones(len(unmet))),
    })

    cap_rows = ore[["r", "t", "rcap"]].drop_duplicates(["r", "t"]).reset_index(drop=True)
    cap_rows["row"] = np.arange(len(cap_rows))
    o = ore.merge(cap_rows[["r", "t", "row"]], on=["r", "t"])
    b = build.assign(col=np.arange(len(build))).merge(cap_rows[["r", "t", "row"]], on="r")
    online = (b.d == b.t) if not data.multi_period else (b.d + b.lead <= b.t)
    b = b[online]
    families["Refinery_Capacity"] = Family(np.full(len(cap_rows), -INF), cap_rows.rcap.to_numpy(), {
        "Ore_T": (o.row.to_numpy(), o.col.to_numpy(), np.ones(len(o))),
        "Build_TPA": (b.row.to_numpy(), b.col.to_numpy(), -np.ones(len(b))),
    })
    limit = build.drop_duplicates("r")[["r", "upper"]].reset_index(drop=True)
    limit["row"] = np.arange(len(limit))
    b = build.assign(col=np.arange(len(build))).merge(limit[["r", "row"]], on="r")
    families["Build_Limit"] = Family(np.full(len(limit), -INF), limit.upper.to_numpy(),
                                     {"Build_TPA": (b.row.to_numpy(), b.col.to_numpy(), np.ones(len(b)))})

    limits = pd.Series({p: mk.max_t for p, mk in data.markets.items() if mk.max_t is not None}, dtype=float)
    sold = sell[["p", "t"]].assign(col=np.arange(len(sell)))
    sold = sold[sold.p.isin(limits.index)]
    market_rows = sold[["p", "t"]].drop_duplicates().reset_index(drop=True)
    market_rows["mrow"] = np.arange(len(market_rows))
    sold = sold.merge(market_rows, on=["p", "t"])
    families["Market_Limit"] = Family(np.full(len(market_rows), -INF), limits[market_rows.p].to_numpy(),
                                      {"Sell_T": (sold.mrow.to_numpy(), sold.col.to_numpy(), np.ones(len(sold)))})

    rc = deliver.r.map(refs.set_index("r").rc).to_numpy()
    rows, cols, coefs, n = [], [], [], 0
    for cap in data.caps.values():
        countries = list(cap.supplier_countries)
        in_scope = deliver.f.isin(list(cap.fabs)).to_numpy() & deliver.p.isin(list(cap.products)).to_numpy()
        mined, refined = deliver.mc.isin(countries).to_numpy(), np.isin(rc, countries)
        touched = {"mine": mined, "refine": refined, "any": mined | refined}[cap.stage]
        for t in periods:
            sel = np.flatnonzero(in_scope & (deliver.t.to_numpy() == t))
            if len(sel):
                rows.append(np.full(len(sel), n))
                cols.append(sel)
                coefs.append(touched[sel].astype(float) - cap.max_share)
                n += 1
    families["Dependence_Cap"] = Family(np.full(n, -INF), np.zeros(n), {
        "Deliver_T": (np.concatenate(rows or [np.zeros(0, int)]), np.concatenate(cols or [np.zeros(0, int)]),
                      np.concatenate(coefs or [np.zeros(0)]))})

    variables = {"Ore_T": ore, "Deliver_T": deliver, "Sell_T": sell, "Unmet_T": unmet, "Build_TPA": build}
    return LPTables({k: v[["cost", "lower", "upper"]] for k, v in variables.items()}, families)
