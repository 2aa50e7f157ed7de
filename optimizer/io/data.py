"""ModelData: the validated input as plain, frozen sets and parameters.

Everything downstream (the model, the results) trusts this object; nothing after it re-checks the input.  It is
built by :func:`optimizer.io.build_data.model_data_from_tables` from tables that passed validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Literal

Stage = Literal["mine", "refine", "purify", "any"]
BuildMode = Literal["none", "continuous", "lumpy"]


@dataclass(frozen=True)
class Expansion:
    """How new capacity of a site may be built: the one investment rule of refineries, mines, purifiers and
    fab-grade upgrades (:mod:`optimizer.model.investment`).  ``max_new`` and ``min_build`` are in the unit of the
    site's capacity (t/yr of REO, oxide fed or fab-grade oxide)."""

    max_new: float = 0.0
    capex_usd_per_tpa: float = 0.0
    fixed_capex_usd: float = 0.0
    min_build: float = 0.0
    build: BuildMode = "none"
    lifetime_yr: float = 20.0
    lead_time_yr: float = 0.0
    earliest_online_year: int | None = None

    @property
    def can_build(self) -> bool:
        return self.build != "none" and self.max_new > 0


@dataclass(frozen=True)
class Mine:
    country: str
    capacity_t: float
    cost_usd_per_t: float
    expansion: Expansion = Expansion()
    retire_year: int | None = None  # first year the existing capacity no longer runs (None: runs throughout)

    def existing_t(self, period: int) -> float:
        """Existing capacity running in ``period`` (none from its ``retire_year`` on)."""
        return self.capacity_t if self.retire_year is None or period < self.retire_year else 0.0


@dataclass(frozen=True)
class Refinery:
    country: str
    capacity_tpa: float
    opex_usd_per_t: float
    recovery: float
    max_new_tpa: float = 0.0
    capex_usd_per_tpa: float = 0.0
    fixed_capex_usd: float = 0.0
    min_build_tpa: float = 0.0
    build: BuildMode = "none"
    lifetime_yr: float = 20.0
    lead_time_yr: float = 0.0
    fab_grade_max_t: float | None = None
    retire_year: int | None = None  # first year the existing capacity no longer runs (None: runs throughout)
    earliest_online_year: int | None = None  # an announced plant's start: new capacity runs from then at the earliest

    @property
    def can_build(self) -> bool:
        return self.build != "none" and self.max_new_tpa > 0

    @property
    def expansion(self) -> Expansion:
        """The refinery's build columns as the investment rule shared by every kind of site reads them."""
        return Expansion(self.max_new_tpa, self.capex_usd_per_tpa, self.fixed_capex_usd, self.min_build_tpa,
                         self.build, self.lifetime_yr, self.lead_time_yr, self.earliest_online_year)

    def existing_tpa(self, period: int) -> float:
        """Existing capacity running in ``period`` (none from its ``retire_year`` on)."""
        return self.capacity_tpa if self.retire_year is None or period < self.retire_year else 0.0


@dataclass(frozen=True)
class Purifier:
    """A purification plant: separated oxide in from refineries, fab-grade oxide out to fabs.  Capacity and opex are
    per tonne fed in; ``recovery`` is the share of it delivered."""

    country: str
    capacity_t: float
    opex_usd_per_t: float
    recovery: float
    expansion: Expansion = Expansion()
    retire_year: int | None = None

    def existing_t(self, period: int) -> float:
        """Existing capacity running in ``period`` (none from its ``retire_year`` on)."""
        return self.capacity_t if self.retire_year is None or period < self.retire_year else 0.0


@dataclass(frozen=True)
class ProductLine:
    """What a refinery with a product slate (``refinery_products``) makes of one product.

    ``recovery`` None: the refinery's; ``max_t`` None: no limit on the product leaving the plant; ``fab_grade_max_t``
    None: only the refinery's own fab-grade limit (0: not qualified for fabs); ``online_year`` None: whenever the
    refinery runs.
    """

    recovery: float | None = None
    max_t: float | None = None
    fab_grade_max_t: float | None = None
    online_year: int | None = None
    by_upgrade: bool = False  # a line only an upgrade adds: it makes what the upgrades built (max_t 0 + upgrades)


@dataclass(frozen=True)
class Upgrade:
    """A fab-grade line of one product at a refinery, as an investment: t/yr of that product the refinery can deliver
    to fabs once built (it raises the product's fab-grade limit and the refinery's own)."""

    refinery: str
    product: str
    expansion: Expansion


@dataclass(frozen=True)
class Arc:
    """A usable link between two nodes: cost per tonne moved and an optional limit.

    ``cost_usd_per_t`` is the whole cost of moving a tonne (freight + tariff); ``tariff_usd_per_t`` is the part of it
    that is tariff, kept apart only to report the cost breakdown.
    """

    cost_usd_per_t: float
    max_t: float | None = None
    tariff_usd_per_t: float = 0.0


@dataclass(frozen=True)
class Cap:
    """A dependence cap with its scope resolved to sets of countries, products and fabs.

    ``max_share`` holds in every period without a share of its own in ``by_period`` ((period, share) pairs): a
    trajectory such as "50% in 2030, 20% in 2035" is ``by_period`` with ``max_share`` 1 (no cap) elsewhere.
    """

    supplier: str
    stage: Stage
    product: str
    importer: str
    max_share: float
    supplier_countries: frozenset[str]
    products: frozenset[str]
    fabs: frozenset[str]
    by_period: tuple[tuple[int, float], ...] = ()

    def share_in(self, period: int) -> float:
        """The largest share the cap allows in ``period``."""
        return dict(self.by_period).get(period, self.max_share)

    def with_share(self, share: float, period: int | None = None) -> Cap:
        """The cap at ``share`` in ``period`` only, or in every period (``None``: its trajectory is dropped)."""
        if period is None:
            return replace(self, max_share=share, by_period=())
        shares = dict(self.by_period)
        shares[period] = share
        return replace(self, by_period=tuple(sorted(shares.items())))

    @property
    def trajectory(self) -> str:
        """The cap's shares as text, e.g. ``50%`` or ``2030: 50%, 2035: 20% (else 100%)``."""
        if not self.by_period:
            return f"{100 * self.max_share:g}%"
        listed = ", ".join(f"{t}: {100 * s:g}%" for t, s in self.by_period)
        return f"{listed} (else {100 * self.max_share:g}%)"

    def touches(self, mine_country: str, refinery_country: str, purifier_country: str | None = None) -> bool:
        """True if a tonne mined in ``mine_country``, refined in ``refinery_country`` and purified in
        ``purifier_country`` (``None``: delivered straight from the refinery) is touched."""
        mined = mine_country in self.supplier_countries
        refined = refinery_country in self.supplier_countries
        purified = purifier_country is not None and purifier_country in self.supplier_countries
        if self.stage == "mine":
            return mined
        if self.stage == "refine":
            return refined
        if self.stage == "purify":
            return purified
        return mined or refined or purified


@dataclass(frozen=True)
class Market:
    """A place to sell a co-product: its price, an optional volume limit, and the countries whose refineries may
    sell there (``None``: every country)."""

    price_usd_per_t: float
    max_t: float | None = None
    product: str = ""
    sellers: frozenset[str] | None = None

    def open_to(self, refinery_country: str) -> bool:
        return self.sellers is None or refinery_country in self.sellers


@dataclass(frozen=True)
class SupplyDisruption:
    """An export ban or outage: what it stops, how likely and how long.

    ``scope`` is the supplier's reach as a :class:`Cap` (its supplier, stage, products and fabs; its share unused),
    so that what a disruption stops is decided by the same rule as what a cap touches
    (:func:`optimizer.model.policy.is_touched`).  ``removed_nodes`` (mines, refineries) and ``removed_lanes``
    ((from country, to country)) are taken away as well while it lasts.
    """

    scope: Cap
    probability_per_yr: float | None  # None: the plan must come through it with no unmet demand
    duration_months: float
    period: int | None = None  # None: every period
    removed_nodes: frozenset[str] = frozenset()
    removed_lanes: frozenset[tuple[str, str]] = frozenset()

    @property
    def must_survive(self) -> bool:
        return self.probability_per_yr is None

    @property
    def duration_yr(self) -> float:
        return self.duration_months / 12.0

    @property
    def expected_yr(self) -> float:
        """pi = probability_per_yr x duration_yr: the expected share of a year spent in it (0 if must survive)."""
        return 0.0 if self.probability_per_yr is None else self.probability_per_yr * self.duration_yr

    def happens_in(self, period: int) -> bool:
        return self.period is None or self.period == period


@dataclass(frozen=True)
class Stockpile:
    """Oxide of one product held for the fabs of a holder (country or bloc)."""

    holder: str
    product: str
    holding_usd_per_t_yr: float
    replenish_usd_per_t: float = 0.0
    max_t: float | None = None
    fabs: frozenset[str] = frozenset()


def _number(value: object) -> float | None:
    """A parameter's value as a number (None when blank or not a number)."""
    return float(value) if isinstance(value, (int, float)) and value == value else None


def _frozen(mapping: Mapping) -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ModelData:
    """The whole case, validated.  Units are in the attribute names.

    Attributes
    ----------
    country_bloc : country -> bloc label.
    country_name : country -> name.
    products : product ids, in input order.
    mines, refineries : node id -> attributes.
    composition : (mine, product) -> fraction of the mine's REO that is the product (only shares > 0 are kept).
    fab_country : fab -> country.
    fab_products : (fab, product) pairs, in input order.
    demand_t : (fab, product, period) -> tonnes demanded.
    unmet_penalty_usd_per_t : (fab, product) -> penalty, or None where demand must be met.
    mine_arcs : (mine, refinery) -> Arc; only usable arcs (not blocked).
    fab_arcs : (refinery, fab) -> Arc; only usable arcs.
    caps : cap id -> Cap.
    markets : market id -> Market (the id is the product's when a product has one market).
    periods : the planning years, ascending.
    years_represented : period -> weight of the period in the objective.
    multi_period : True when a periods sheet was given (lead times then apply).
    discount_rate : real rate for the capital recovery factor.
    disruptions : disruption id -> SupplyDisruption (empty: a one-stage plan).
    stockpiles : stockpile id -> Stockpile.
    rows : (sheet, key...) -> row number in the input, to name rows in messages about the solution.
    wafer_starts_per_t : (fab, product) -> wafer starts a tonne serves (where given).
    wafer_pool : fab -> the pool of fab nodes that start the same wafers (where given; else the fab is its own).
    wafer_value_usd : (fab, product) -> value of a wafer start, where it prices the shortage (a blank penalty).
    purifiers : purifier id -> Purifier; purify_arcs (refinery, purifier) and purified_arcs (purifier, fab) -> Arc.
    refinery_products : (refinery, product) -> ProductLine: the product slates (a refinery with rows recovers only
        those products; see :meth:`recovery_of`).
    source, sha256 : where the input came from and its hash.
    """

    country_bloc: Mapping[str, str]
    country_name: Mapping[str, str]
    products: tuple[str, ...]
    mines: Mapping[str, Mine]
    refineries: Mapping[str, Refinery]
    composition: Mapping[tuple[str, str], float]
    fab_country: Mapping[str, str]
    fab_products: tuple[tuple[str, str], ...]
    demand_t: Mapping[tuple[str, str, int], float]
    unmet_penalty_usd_per_t: Mapping[tuple[str, str], float | None]
    mine_arcs: Mapping[tuple[str, str], Arc]
    fab_arcs: Mapping[tuple[str, str], Arc]
    caps: Mapping[str, Cap]
    markets: Mapping[str, Market]
    periods: tuple[int, ...] = (0,)
    years_represented: Mapping[int, float] = field(default_factory=lambda: _frozen({0: 1.0}))
    multi_period: bool = False
    discount_rate: float = 0.08
    parameters: Mapping[str, object] = field(default_factory=lambda: _frozen({}))
    disruptions: Mapping[str, SupplyDisruption] = field(default_factory=lambda: _frozen({}))
    stockpiles: Mapping[str, Stockpile] = field(default_factory=lambda: _frozen({}))
    rows: Mapping[tuple[str, ...], int] = field(default_factory=lambda: _frozen({}))
    refinery_products: Mapping[tuple[str, str], ProductLine] = field(default_factory=lambda: _frozen({}))
    purifiers: Mapping[str, Purifier] = field(default_factory=lambda: _frozen({}))
    purify_arcs: Mapping[tuple[str, str], Arc] = field(default_factory=lambda: _frozen({}))
    purified_arcs: Mapping[tuple[str, str], Arc] = field(default_factory=lambda: _frozen({}))
    upgrades: Mapping[str, Upgrade] = field(default_factory=lambda: _frozen({}))
    wafer_starts_per_t: Mapping[tuple[str, str], float] = field(default_factory=lambda: _frozen({}))
    wafer_pool: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    wafer_value_usd: Mapping[tuple[str, str], float] = field(default_factory=lambda: _frozen({}))
    source: str = ""
    sha256: str = ""

    def with_caps(self, caps: Mapping[str, Cap]) -> ModelData:
        """A copy with other caps (the rest is shared, not copied)."""
        return replace(self, caps=_frozen(caps))

    def disruption_penalty_usd_per_t(self, fab: str, product: str) -> float | None:
        """What a tonne/yr left unmet in a disruption costs: the fab's penalty, else the wafer starts a tonne serves
        times the parameter ``disruption_value_per_wafer_start_usd``, else the parameter
        ``default_disruption_penalty_usd_per_t``, else None (must be met)."""
        own = self.unmet_penalty_usd_per_t[fab, product]
        if own is not None:
            return own
        wafers = self.wafer_starts_per_t.get((fab, product))
        value = _number(self.parameters.get("disruption_value_per_wafer_start_usd"))
        if wafers is not None and value is not None:
            return wafers * value
        return _number(self.parameters.get("default_disruption_penalty_usd_per_t"))

    def countries_of(self, label: str) -> frozenset[str]:
        """The countries a supplier or importer label means: ``*``, a country code, or a bloc label."""
        if label == "*":
            return frozenset(self.country_bloc)
        if label in self.country_bloc:
            return frozenset({label})
        return frozenset(c for c, bloc in self.country_bloc.items() if bloc == label)

    def make_cap(self, supplier: str, stage: Stage, max_share: float, product: str = "*",
                 importer: str = "*") -> Cap:
        """Resolve a cap's scope (supplier, product and importer labels) against this case."""
        importer_countries = self.countries_of(importer)
        products = frozenset(self.products) if product == "*" else frozenset({product})
        fabs = frozenset(f for f, c in self.fab_country.items() if c in importer_countries)
        return Cap(supplier, stage, product, importer, max_share, self.countries_of(supplier), products, fabs)

    def market_product(self, market: str) -> str:
        """The product sold in ``market`` (a market made without one is named after its product)."""
        return self.markets[market].product or market

    def sellers_of(self, label: str) -> frozenset[str] | None:
        """The countries a market's ``sellers`` label means (``None``: all); ``!LABEL`` is the complement."""
        if label == "*":
            return None
        if label.startswith("!"):
            return frozenset(self.country_bloc) - self.countries_of(label[1:])
        return self.countries_of(label)

    def recovery_of(self, refinery: str, product: str) -> float | None:
        """The share of ``product`` in its feed that ``refinery`` recovers (``None``: it does not make it, its slate
        lists other products)."""
        line = self.refinery_products.get((refinery, product))
        if line is not None:
            return self.refineries[refinery].recovery if line.recovery is None else line.recovery
        if self.refinery_products and refinery in self.slated_refineries:
            return None
        return self.refineries[refinery].recovery

    @cached_property
    def slated_refineries(self) -> frozenset[str]:
        """The refineries with a product slate (rows in ``refinery_products``)."""
        return frozenset(r for r, _ in self.refinery_products)

    def line_runs(self, refinery: str, product: str, period: int) -> bool:
        """True if ``refinery``'s line for ``product`` runs in ``period``: a line with an ``online_year`` runs in the
        periods whose first year is at or after it (in a one-period steady-state plan years do not apply)."""
        line = self.refinery_products.get((refinery, product))
        return line is None or line.online_year is None or not self.multi_period or period >= line.online_year

    def mine_products(self, mine: str) -> list[str]:
        return [p for p in self.products if (mine, p) in self.composition]
