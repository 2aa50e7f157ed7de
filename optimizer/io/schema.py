"""The input tables as data: one :class:`TableSpec` per sheet.

Everything that knows about the shape of the input reads it from here: the readers (coercion and defaults),
the validator (types, ranges, choices), the ``template`` command (headers and descriptions) and the README.
Units live in the column names, so a column such as ``capacity_tpa`` says what it measures wherever it is seen.
"""

from __future__ import annotations

from optimizer.io.columns import REQUIRED, ColumnSpec, Dtype, TableSpec, _c  # noqa: F401  (re-exported)
from optimizer.io.schema_chain import CHAIN_TABLES, build_columns

STAGES = ("mine", "refine", "purify", "any")
MAX_YEARS_REPRESENTED = 1000.0  # a period longer than a millennium is a typo (1e9 would exhaust memory)


def parse_stage_share(option: str, stage: str, share: str) -> tuple[str, float]:
    """Check the stage and share of a cap option; ValueError naming ``option`` and the reason otherwise."""
    stage = stage.lower()
    if stage not in STAGES:
        raise ValueError(f"{option}: stage must be one of {', '.join(STAGES)}, got {stage!r}")
    try:
        value = float(share)
    except ValueError:
        raise ValueError(f"{option}: share must be a number from 0 to 1, got {share!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{option}: share must be from 0 to 1, got {value}")
    return stage, value


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "countries",
        "Countries and the bloc each belongs to (caps name a country or a bloc).",
        (
            _c("country", "str", "ISO 3166 alpha-3 code, e.g. USA, CHN"),
            _c("name", "str", "Country name", default=""),
            _c("bloc", "str", "Bloc label, e.g. pax_silica, china, other", default="other"),
        ),
        key=("country",),
    ),
    TableSpec(
        "products",
        "Rare-earth products (oxides) that fabs use.",
        (
            _c("product", "str", "Product id, e.g. CeO2, Y2O3"),
            _c("description", "str", "What it is and what fabs use it for", default=""),
        ),
        key=("product",),
    ),
    TableSpec(
        "mines",
        "Mines (or a country's mining aggregated) producing mixed rare-earth concentrate, existing or candidate, "
        "with what building new capacity (a new mine or an expansion) would cost.",
        (
            _c("mine", "str", "Node id, unique across mines, refineries and fabs"),
            _c("country", "str", "Country code (countries sheet)"),
            _c("capacity_t", "float", "Output capacity, t REO per year", minimum=0.0),
            _c("cost_usd_per_t", "float", "Mining and concentrating cost, USD per t REO", minimum=0.0),
            *build_columns("t", "REO"),
        ),
        key=("mine",),
    ),
    TableSpec(
        "composition",
        "What a mine's REO is made of: the fraction of each product (a mine's shares sum to at most 1).",
        (
            _c("mine", "str", "Mine id (mines sheet)"),
            _c("product", "str", "Product id (products sheet)"),
            _c("share", "float", "Fraction of the REO that is this product, 0-1", minimum=0.0, maximum=1.0),
        ),
        key=("mine", "product"),
    ),
    TableSpec(
        "refineries",
        "Separation plants, existing or candidate, with what building new capacity would cost.",
        (
            _c("refinery", "str", "Node id, unique across mines, refineries and fabs"),
            _c("country", "str", "Country code (countries sheet)"),
            _c("capacity_tpa", "float", "Existing REO input capacity, t/yr (0 for a greenfield site)", minimum=0.0),
            _c("opex_usd_per_t", "float", "Separation cost, USD per t REO input", minimum=0.0),
            _c("recovery", "float", "Fraction of each product recovered, 0-1", minimum=0.0, maximum=1.0),
            _c("fab_grade_max_t", "float", "Most oxide per year the plant's fab-qualified lines can deliver to fabs, "
               "t (all products); blank = no limit", default=None, optional=True, minimum=0.0),
            *build_columns("tpa", "REO input"),
        ),
        key=("refinery",),
    ),
    TableSpec(
        "fabs",
        "Chip fabs and what they consume: one row per fab and product.",
        (
            _c("fab", "str", "Node id (a fab using several products has one row per product)"),
            _c("country", "str", "Country code (countries sheet)"),
            _c("product", "str", "Product id (products sheet)"),
            _c("demand_t", "float", "Demand, t of oxide per year", minimum=0.0),
            _c("unmet_penalty_usd_per_t", "float", "Cost of each t not delivered; blank = must be delivered",
               default=None, optional=True, minimum=0.0),
            _c("wafer_starts_per_t", "float", "Wafer starts a tonne of this product serves (results give wafer "
               "starts at risk)", default=None, optional=True, minimum=0.0),
            _c("value_per_wafer_start_usd", "float", "What a wafer start not made costs, USD; with "
               "wafer_starts_per_t and a blank penalty, a tonne not delivered costs their product",
               default=None, optional=True, minimum=0.0),
            _c("wafer_pool", "str", "Fab nodes with the same pool start the same wafers (e.g. a country's light "
               "and heavy nodes): wafer starts are counted once per pool; blank = the fab's own",
               default=None, optional=True),
        ),
        key=("fab", "product"),
    ),
    TableSpec(
        "lanes",
        "Transport between countries; * matches any country and the most specific row wins.",
        (
            _c("from_country", "str", "Origin country code or *"),
            _c("to_country", "str", "Destination country code or *"),
            _c("cost_usd_per_t", "float", "Freight and handling, USD per t moved", minimum=0.0),
            _c("tariff_usd_per_t", "float", "Tariff or duty, USD per t moved", default=0.0, optional=True,
               minimum=0.0),
            _c("blocked", "bool", "true: no trade on this lane", default=False, optional=True),
        ),
        key=("from_country", "to_country"),
    ),
    TableSpec(
        "arcs",
        "Node-level overrides of lanes: a row creates (or blocks) the arc between two nodes.",
        (
            _c("from", "str", "Mine, refinery or purifier id"),
            _c("to", "str", "Refinery, purifier or fab id"),
            _c("cost_usd_per_t", "float", "Replaces the lane's cost, USD per t moved; blank = the lane's",
               default=None, optional=True, minimum=0.0),
            _c("max_t", "float", "Most that may move per year, t; blank = no limit", default=None, optional=True,
               minimum=0.0),
            _c("blocked", "bool", "true: no flow on this arc", default=False, optional=True),
        ),
        optional=True,
        key=("from", "to"),
    ),
    TableSpec(
        "caps",
        "Dependence caps: the share of demand (delivered + unmet) a supplier may touch.",
        (
            _c("cap", "str", "Cap id"),
            _c("supplier", "str", "Country code or bloc label"),
            _c("stage", "str", "mine, refine, purify or any", choices=STAGES),
            _c("product", "str", "Product id or * for all", default="*", optional=True),
            _c("importer", "str", "Country code, bloc label or * for every fab", default="*", optional=True),
            _c("max_share", "float", "Largest share of the demand in scope that the supplier may touch, 0-1",
               minimum=0.0, maximum=1.0),
            _c("period", "float", "Year (periods sheet) the row holds in; blank = every period without a row of "
               "its own (several rows of one cap make a trajectory)", default=None, optional=True),
        ),
        optional=True,
        key=("cap", "period"),
    ),
    TableSpec(
        "markets",
        "Where surplus co-products can be sold (at the refinery gate), and which refineries may sell there.",
        (
            _c("product", "str", "Product id"),
            _c("market", "str", "Market id, when a product has several markets (e.g. inside and outside China); "
               "blank = the product's id", default="", optional=True),
            _c("sellers", "str", "Whose refineries may sell here: * (all), a country code, a bloc label, or "
               "!LABEL for every country but those of a country or bloc (e.g. !china)", default="*",
               optional=True),
            _c("price_usd_per_t", "float", "Sale price, USD per t of oxide", minimum=0.0),
            _c("max_t", "float", "Most that can be sold per year, t; blank = no limit", default=None,
               optional=True, minimum=0.0),
        ),
        optional=True,
        key=("product", "market"),
    ),
    TableSpec(
        "periods",
        "Planning periods; absent = one steady-state year.",
        (
            _c("period", "float", "Year, e.g. 2030"),
            _c("years_represented", "float", "Calendar years the period covers, from its year on (whole, 1-1000)",
               default=1.0, optional=True, minimum=1.0, maximum=MAX_YEARS_REPRESENTED),
        ),
        optional=True,
        key=("period",),
    ),
    TableSpec(
        "demand",
        "Per-period demand overriding fabs.demand_t.",
        (
            _c("fab", "str", "Fab id"),
            _c("period", "float", "Year (periods sheet)"),
            _c("product", "str", "Product id; blank = the fab's only product", default=None, optional=True),
            _c("demand_t", "float", "Demand in that period, t of oxide", minimum=0.0),
        ),
        optional=True,
        key=("fab", "product", "period"),
    ),
    TableSpec(
        "parameters",
        "Scalar settings: discount_rate, default_unmet_penalty_usd_per_t, currency_year, ...",
        (
            _c("name", "str", "Parameter name"),
            _c("value", "str", "Its value"),
        ),
        optional=True,
        key=("name",),
    ),
    TableSpec(
        "disruptions",
        "Export bans and outages: while one lasts, the deliveries it stops are lost and stockpiles may be drawn.",
        (
            _c("disruption", "str", "Disruption id"),
            _c("supplier", "str", "Country code or bloc label whose touched deliveries stop; blank = none (only "
               "what removes names)", default="", optional=True),
            _c("stage", "str", "mine, refine, purify or any: where the supplier touches what stops", default="any",
               optional=True, choices=STAGES),
            _c("product", "str", "Product id or * for all", default="*", optional=True),
            _c("importer", "str", "Country code, bloc label or * for every fab", default="*", optional=True),
            _c("probability_per_yr", "float", "Chance it starts in a year, 0-1; blank = the plan must come through "
               "it with no unmet demand", default=None, optional=True, minimum=0.0, maximum=1.0),
            _c("duration_months", "float", "How long it lasts, months (0-12]", minimum=0.0, maximum=12.0),
            _c("period", "float", "Year (periods sheet) it may happen in; blank = every period", default=None,
               optional=True),
            _c("removes", "str", "Also taken away while it lasts, separated by ';': countries, mines, refineries, "
               "lanes FROM>TO", default="", optional=True),
        ),
        optional=True,
        key=("disruption",),
    ),
    TableSpec(
        "stockpiles",
        "Strategic stockpiles: oxide held for a holder's fabs and drawn while a disruption lasts.",
        (
            _c("stockpile", "str", "Stockpile id"),
            _c("holder", "str", "Country code or bloc label whose fabs it serves"),
            _c("product", "str", "Product id (products sheet)"),
            _c("holding_usd_per_t_yr", "float", "Cost of holding one tonne for a year (carrying cost plus "
               "storage), USD", minimum=0.0),
            _c("replenish_usd_per_t", "float", "Cost of buying back and storing again one tonne drawn, USD",
               default=0.0, optional=True, minimum=0.0),
            _c("max_t", "float", "Largest stockpile, t; blank = no limit", default=None, optional=True,
               minimum=0.0),
        ),
        optional=True,
        key=("stockpile",),
    ),
    TableSpec(
        "uncertainty",
        "Distributions for sampled batches (paxsilica batch --samples): one row per uncertain parameter.",
        (
            _c("parameter", "str", "What varies, e.g. market_price:NdPr, demand_growth, capex, mine_capacity:CHN, "
               "wafer_value, or start_shift:SITE / mine_start_shift:SEL (whole years late; draws are rounded) as in "
               "models/README.md"),
            _c("distribution", "str", "normal, lognormal, uniform or triangular",
               choices=("normal", "lognormal", "uniform", "triangular")),
            _c("arg1", "float", "normal: mean; lognormal: mean of log; uniform, triangular: low"),
            _c("arg2", "float", "normal: sd; lognormal: sd of log; uniform: high; triangular: mode", default=None),
            _c("arg3", "float", "triangular: high", default=None, optional=True),
        ),
        optional=True,
        key=("parameter",),
    ),
    *CHAIN_TABLES,
)

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

# Known scalar parameters: name -> (default, description).  Unknown names are reported by validation.
PARAMETERS: dict[str, tuple[object, str]] = {
    "discount_rate": (0.08, "Real discount rate for annualising capex (capital recovery factor)"),
    "default_unmet_penalty_usd_per_t": (None, "Penalty for fab rows whose own penalty is blank; blank = must meet"),
    "default_disruption_penalty_usd_per_t": (None, "Cost of each t/yr a disruption leaves unmet where the fab's "
                                             "own penalty is blank; blank = such demand must be met"),
    "disruption_value_per_wafer_start_usd": (None, "What a wafer start a disruption stops costs, USD: each t/yr a "
                                             "disruption leaves unmet costs wafer_starts_per_t times this where the "
                                             "fab's own penalty is blank (before default_disruption_penalty_usd_per_t)"),
    "currency_year": (2025, "Year of the US dollars used throughout (documentation only)"),
    "description": ("", "Free text describing the dataset"),
}
NUMERIC_PARAMETERS = ("discount_rate", "default_unmet_penalty_usd_per_t", "currency_year",
                      "default_disruption_penalty_usd_per_t", "disruption_value_per_wafer_start_usd")
