"""The input sheets of the chain as it is (v3): purifiers, fab-grade upgrades, product slates, and the build columns
every kind of site shares.  Part of :mod:`optimizer.io.schema` (its ``TABLES`` end with these)."""

from __future__ import annotations

from optimizer.io.columns import ColumnSpec, TableSpec, _c

BUILD_MODES: tuple[str, ...] = ("none", "continuous", "lumpy")


def build_columns(unit: str, what: str, retire: bool = True) -> tuple[ColumnSpec, ...]:
    """The build columns every kind of site shares (refineries name theirs ``_tpa``, the others ``_t``): ``what``
    says what the capacity measures."""
    columns: tuple[ColumnSpec, ...] = (
        _c(f"max_new_{unit}", "float", f"Largest new capacity that may be built, t/yr of {what}", default=0.0,
           optional=True, minimum=0.0),
        _c("capex_usd_per_tpa", "float", "Capital cost per t/yr of new capacity, USD", default=0.0,
           optional=True, minimum=0.0),
        _c("fixed_capex_usd", "float", "Capital cost of building at all (lumpy builds), USD", default=0.0,
           optional=True, minimum=0.0),
        _c(f"min_build_{unit}", "float", "Smallest build if built at all (lumpy builds), t/yr", default=0.0,
           optional=True, minimum=0.0),
        _c("build", "str", "none, continuous or lumpy", default="none", optional=True, choices=BUILD_MODES),
        _c("lifetime_yr", "float", "Economic life of new capacity, years", default=20.0, optional=True,
           minimum=1.0),
        _c("lead_time_yr", "float", "Years from the decision until new capacity runs", default=0.0,
           optional=True, minimum=0.0),
        _c("earliest_online_year", "float", "First year new capacity here can run (an announced start); blank = "
           "decision year + lead_time_yr", default=None, optional=True),
    )
    if retire:
        columns += (_c("retire_year", "float", "First year the existing capacity no longer runs; blank = runs "
                       "throughout", default=None, optional=True),)
    return columns


CHAIN_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "purifiers",
        "Purification plants: separated oxide in from refineries, fab-grade oxide out to fabs (existing or candidate).",
        (
            _c("purifier", "str", "Node id, unique across mines, refineries, purifiers and fabs"),
            _c("country", "str", "Country code (countries sheet)"),
            _c("capacity_t", "float", "Existing capacity, t of oxide fed in per year (0 for a greenfield site)",
               minimum=0.0),
            _c("opex_usd_per_t", "float", "Purification cost, USD per t of oxide fed in", minimum=0.0),
            _c("recovery", "float", "Fraction of the oxide fed in that is delivered fab-grade, 0-1", minimum=0.0,
               maximum=1.0),
            *build_columns("t", "oxide fed in"),
        ),
        optional=True,
        key=("purifier",),
    ),
    TableSpec(
        "upgrades",
        "Fab-grade lines as investments: t/yr of one product a refinery can deliver to fabs, added once built (a "
        "qualification line for a product the refinery makes, or a new line recovering it at the refinery's "
        "recovery, up to the tonnes built).  It raises that product's fab-grade limit and the refinery's own.",
        (
            _c("upgrade", "str", "Upgrade id"),
            _c("refinery", "str", "Refinery id (refineries sheet)"),
            _c("product", "str", "Product id (products sheet)"),
            *[c if c.name != "build" else _c("build", "str", "continuous or lumpy (none: not an option)",
                                             default="continuous", optional=True, choices=BUILD_MODES)
              for c in build_columns("t", "fab-grade oxide", retire=False)],
        ),
        optional=True,
        key=("upgrade",),
    ),
    TableSpec(
        "refinery_products",
        "Product slates: what a refinery can make.  A refinery with rows recovers only the products listed (the "
        "rest of its feed's content stays in the residue); a refinery without rows recovers every product in its "
        "feed.",
        (
            _c("refinery", "str", "Refinery id (refineries sheet)"),
            _c("product", "str", "Product id (products sheet)"),
            _c("recovery", "float", "Fraction of this product in the feed recovered, 0-1; blank = the refinery's",
               default=None, optional=True, minimum=0.0, maximum=1.0),
            _c("max_t", "float", "Most of this product leaving the plant per year (to fabs and markets), t; "
               "blank = no limit", default=None, optional=True, minimum=0.0),
            _c("fab_grade_max_t", "float", "Most of this product per year that may go to fabs, t; blank = the "
               "refinery's own limit; 0 = not qualified for fabs", default=None, optional=True, minimum=0.0),
            _c("online_year", "float", "First year the line runs (it runs in periods whose first year is at or "
               "after it); blank = whenever the refinery runs", default=None, optional=True),
        ),
        optional=True,
        key=("refinery", "product"),
    ),
)
