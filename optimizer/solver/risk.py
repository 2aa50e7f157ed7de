"""Supply risk: how concentrated each product's supply is, by country, at the mining and at the refining stage.

From the supply table (tonnes delivered by fab, product, period, mine country and refinery country):

    share_c = tonnes from country c / all tonnes of the product delivered in the period
    HHI     = sum_c (100 * share_c)^2        (Herfindahl-Hirschman index: 10000 = one country, 0 = none dominant)

``risk.csv`` has one row per product, period and stage (``mine``: by mine country, ``refine``: by refinery
country) with the HHI and the largest single country's share.  A fab/product is *single-sourced* in a period when
all of it is refined in one country.

Diversification caps (``--cap-each-country STAGE=SHARE``) cap every supplying country's share with the ordinary
cap machinery: one whole-scope cap per country that has a mine (stage ``mine``), a refinery (``refine``), or either
(``any``).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from optimizer.io.data import ModelData
from optimizer.io.schema import parse_stage_share

STAGE_COLUMNS = {"mine": "mine_country", "refine": "refinery_country"}
RISK_COLUMNS = ["product", "period", "stage", "hhi", "top_country", "top_share"]
_EACH_RE = re.compile(r"^\s*(?P<stage>\w+)\s*=\s*(?P<share>\S+)\s*$")


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index on the 0-10000 scale of shares given as fractions."""
    return sum((100.0 * s) ** 2 for s in shares)


def risk_table(supply: pd.DataFrame) -> pd.DataFrame:
    """``risk.csv``: HHI and top country per product, period and stage (pure: no model, no I/O).

    Parameters
    ----------
    supply : the supply table (columns fab, product, period, mine_country, refinery_country, tonnes).
    """
    rows = []
    for (product, _), group in supply.groupby(["product", "period"], sort=True):
        period = int(group["period"].iloc[0])
        total = float(group["tonnes"].sum())
        if total <= 0:
            continue
        for stage, column in STAGE_COLUMNS.items():
            by_country = group.groupby(column)["tonnes"].sum() / total
            # Ties go to the first country alphabetically, so the table is the same every run.
            top = sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            rows.append((product, period, stage, round(hhi(list(by_country)), 4), top[0], round(top[1], 6)))
    return pd.DataFrame(rows, columns=RISK_COLUMNS)


def single_sourced(supply: pd.DataFrame) -> list[dict[str, Any]]:
    """Fab/product/period supplies refined in a single country, with that country."""
    keys = ["fab", "product", "period"]
    positive = supply[supply["tonnes"] > 0]
    if not len(positive):
        return []
    # Counted per group at once (a loop over thousands of groups took half a second on large cases), read as
    # arrays (``counts`` and ``first`` share the groups' index); the tonnes are summed over the group's rows in
    # their order, as Series.sum of the group did.
    by_group = positive.groupby(keys, sort=True)["refinery_country"]
    counts, first = by_group.nunique(), by_group.first()
    rows = supply.groupby(keys, sort=True).indices
    tonnes = supply["tonnes"].to_numpy()
    return [{"fab": fab, "product": product, "period": int(period), "refinery_country": country,
             "tonnes": round(float(tonnes[rows[fab, product, period]].sum()), 6)}
            for (fab, product, period), n, country in zip(counts.index, counts.to_numpy(), first.to_numpy())
            if n == 1]


def risk_summary(supply: pd.DataFrame, table: pd.DataFrame | None = None) -> dict[str, Any]:
    """The ``risk`` block of ``summary.json``: HHI and top share by product and stage, and single-sourced fabs.

    ``table`` is :func:`risk_table` of ``supply`` when the caller has it already.
    """
    table = risk_table(supply) if table is None else table
    return {
        "hhi_scale": "0-10000 (10000 = a single country)",
        "concentration": [{"product": r.product, "period": r.period, "stage": r.stage, "hhi": r.hhi,
                           "top_country": r.top_country, "top_share": r.top_share} for r in table.itertuples()],
        "single_sourced": single_sourced(supply),
    }


def risk_line(risk: pd.DataFrame) -> str:
    """One terminal line: the refining-stage HHI of each product (the first period)."""
    refine = risk[risk["stage"] == "refine"]
    if not len(refine):
        return "  refining concentration: no deliveries"
    first = refine[refine["period"] == refine["period"].min()]
    parts = [f"{r.product} {r.hhi:,.0f} ({r.top_country} {100 * r.top_share:.0f}%)" for r in first.itertuples()]
    return "  refining concentration (HHI 0-10000): " + ", ".join(parts)


def parse_each_country(text: str) -> tuple[str, float]:
    """``STAGE=SHARE`` of ``--cap-each-country`` -> (stage, share); ValueError with the reason otherwise."""
    match = _EACH_RE.match(text)
    if not match:
        raise ValueError(f"--cap-each-country {text!r}: expected STAGE=SHARE, e.g. refine=0.4")
    return parse_stage_share(f"--cap-each-country {text!r}", match["stage"], match["share"])


def each_country_caps(data: ModelData, stage: str, share: float) -> ModelData:
    """The case plus one cap ``each:<COUNTRY>:<stage>`` at ``share`` per country that supplies at that stage."""
    mining = {v.country for v in data.mines.values()}
    refining = {v.country for v in data.refineries.values()}
    countries = {"mine": mining, "refine": refining, "any": mining | refining}[stage]
    caps = dict(data.caps)
    for country in sorted(countries):
        caps[f"each:{country}:{stage}"] = data.make_cap(country, stage, share)  # type: ignore[arg-type]
    return data.with_caps(caps)
