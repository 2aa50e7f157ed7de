"""A run folder -> the numbers a report shows (pure tables, no drawing).

A run folder holds what ``solve`` wrote (``summary.json`` and the result CSVs), and may hold what ``sweep``
(``frontier.csv``) or ``stress`` (``stress.csv``) wrote, and ``risk.csv``.  Every section is optional: the report
shows what is there.  A results folder is self-contained: the report never reads the run's input.  Fab countries and
the countries that count as China come from ``summary.json`` (``geography``), the uncapped plan's costs and builds
from ``summary.json`` (``uncapped``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from optimizer.io.data import ModelData
from optimizer.safe_text import FORMULA_START
from optimizer.solver.money import labelled_names, missing_names, unlabelled

# The columns each file must have for its section (extra columns are ignored).
COLUMNS: dict[str, list[str]] = {
    "supply": ["fab", "product", "period", "mine_country", "refinery_country", "tonnes"],
    "flows": ["stage", "from", "to", "product", "origin_country", "period", "tonnes", "cost_usd_per_yr"],
    "costs": ["component", "period", "usd"],
    "builds": ["refinery", "country", "period", "new_tpa", "built"],
    "dependence": ["cap", "period", "touched_t", "delivered_t", "share", "max_share", "dual_usd_per_yr_per_pct"],
    "risk": ["product", "stage", "hhi", "top_country", "top_share"],
    "frontier": ["point", "max_share", "status", "total_cost_usd", "cost_increase_usd", "dual_usd_per_yr_per_pct",
                 "realised_share", "breakpoint"],
    "stress": ["case", "removed", "kind", "status", "total_cost_usd", "cost_increase_usd", "unmet_t"],
    "pathway": ["period", "share", "max_share", "floor"],
    "disruptions": ["disruption", "period", "probability_per_yr", "duration_months", "must_survive", "unmet_t",
                    "stockpile_drawn_t", "extra_cost_usd_per_occurrence", "extra_cost_usd_per_yr_expected"],
    "stockpiles": ["stockpile", "holder", "product", "period", "tonnes", "holding_usd_per_yr"],
    "alternatives": ["group", "kind", "period", "least_tpa", "most_tpa", "optimum_tpa", "built_in_every_plan"],
}
# Money columns whose name says present value (a pathway) or per year (one year) as the case is: read under their
# bare name (``total_cost_usd``, ``usd``), the unit being the folder's (optimizer.solver.money, report.caps.money_unit).
_CASE_MONEY: dict[str, tuple[str, ...]] = {"costs": ("",), "frontier": ("total_cost", "cost_increase"),
                                           "stress": ("total_cost", "cost_increase"),
                                           "alternatives": ("least_cost", "most_cost", "optimum_cost")}
# Text columns: read as text so that a country code like NA (Namibia) is not taken for a missing value.
_ESCAPED = tuple("'" + c for c in FORMULA_START)  # what optimizer.safe_text.csv_cell quoted
_TEXT = {"fab", "product", "mine_country", "refinery_country", "stage", "from", "to", "origin_country", "component",
         "refinery", "country", "cap", "top_country", "status", "case", "removed", "kind", "disruption", "holder",
         "stockpile", "must_survive", "group", "built_in_every_plan"}


# Columns of folders written before the money columns said their unit (the same numbers per year of the period).
_RENAMED = {"cost_usd": "cost_usd_per_yr", "dual_usd_per_pct": "dual_usd_per_yr_per_pct",
            "cost_while_it_lasts_usd": "extra_cost_usd_per_occurrence",
            "expected_cost_usd_per_yr": "extra_cost_usd_per_yr_expected", "tightest_share": "floor"}


class ReportError(Exception):
    """The run folder cannot be reported on; the message names the file and what is wrong."""


@dataclass
class RunFolder:
    """What a run folder holds, read once."""

    path: Path
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    fab_country: dict[str, str]
    china: frozenset[str]
    run_time: dt.datetime
    notes: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.tables


def _numeric(name: str) -> list[str]:
    """The numeric columns a section needs, under every name a folder may give them (a blank cell: no value)."""
    wanted = [c for c in COLUMNS[name] if c not in _TEXT]
    return [*wanted, *(old for old, new in _RENAMED.items() if new in wanted),
            *(c for what in _CASE_MONEY.get(name, ()) for c in labelled_names(what))]


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in _numeric(name)},
                         dtype={c: str for c in _TEXT})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise ReportError(f"{path}: not a readable CSV file ({err})") from None
    df = df.rename(columns={old: new for old, new in _RENAMED.items() if old in df.columns and new not in df.columns})
    df = df.rename(columns=unlabelled(df.columns, _CASE_MONEY.get(name, ())))
    missing = [c for c in COLUMNS[name] if c not in df.columns]
    if missing:
        named = missing_names(missing, _CASE_MONEY.get(name, ()))
        raise ReportError(f"{path}: missing column(s) {', '.join(named)}")
    for c in _TEXT & set(df.columns):  # ids written as '=x so that spreadsheets do not run them (io.write)
        df[c] = df[c].map(lambda v: v[1:] if isinstance(v, str) and v[:2] in _ESCAPED else v)
    for c in [c for c in df.columns if c.startswith("china_share")]:  # one column per period, blank: no plan
        df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce").astype(float)
    return df


def china_countries(data: ModelData | None) -> frozenset[str]:
    """China and every country of the ``china`` bloc (just CHN when the case is not known)."""
    if data is None:
        return frozenset({"CHN"})
    return frozenset({"CHN"}) | frozenset(c for c, bloc in data.country_bloc.items() if bloc == "china")


def load_run(run_dir: Path, data: ModelData | None = None) -> RunFolder:
    """Read a run folder.

    Parameters
    ----------
    run_dir : a folder written by ``paxsilica solve`` (and possibly ``sweep`` or ``stress``).
    data : the case that was solved, when the caller has it; otherwise fab countries and blocs come from
        ``summary.json`` (the input is never read: it may have changed or be gone).

    Raises
    ------
    ReportError
        The folder does not exist, holds no results, or a file lacks a column its section needs.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ReportError(f"{run_dir}: no such folder")
    tables = {name: _read_csv(run_dir / f"{name}.csv", name) for name in COLUMNS if (run_dir / f"{name}.csv").is_file()}
    summary_path = run_dir / "summary.json"
    summary: dict[str, Any] = {}
    if summary_path.is_file():
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ReportError(f"{summary_path}: not valid JSON ({err})") from None
        if not isinstance(summary, dict):
            raise ReportError(f"{summary_path}: expected a JSON object")
    if not tables and not summary:
        raise ReportError(f"{run_dir}: no results here (expected summary.json and the CSV files of "
                          "`paxsilica solve`, or frontier.csv / stress.csv)")
    notes: list[str] = []
    if data is not None:
        fab_country, china = dict(data.fab_country), china_countries(data)
    else:
        recorded = summary.get("geography")
        geo: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
        fab_country = {str(k): str(v) for k, v in (geo.get("fab_country") or {}).items()}
        china = frozenset(str(c) for c in geo.get("china_countries") or ["CHN"])
        if "supply" in tables and not fab_country:
            notes.append("summary.json does not say where the fabs are (written by an older paxsilica): fabs are "
                         "shown by id.")
    stamp = summary_path if summary_path.is_file() else next(run_dir / f"{n}.csv" for n in tables)
    run_time = dt.datetime.fromtimestamp(stamp.stat().st_mtime, tz=dt.UTC)
    return RunFolder(run_dir, summary, tables, fab_country, china, run_time, notes)


# --- Sankey: mine country -> refinery country -> fab country ---------------------------------------------------


@dataclass(frozen=True)
class SankeyData:
    """Nodes (labels, in drawing order) and links (indices into ``nodes``) of the provenance Sankey.

    Tonnes are oxide delivered to fabs, traced back to the country of the mine and of the refinery, so that every
    refinery node's inflow equals its outflow.  A link is ``touched`` when China (or its bloc) mined or refined it;
    a refinery -> fab link is split in two where part of its oxide was touched and part was not.
    """

    nodes: list[str]
    links: pd.DataFrame  # source, target (node indices), tonnes, touched, step (0: mine->refinery, 1: ->fab)
    period: int
    products: list[str]
    multi_period: bool = False

    @property
    def when(self) -> str:
        """`` (period 2030)`` for a run with several periods, nothing for a steady-state plan."""
        return f" (period {self.period})" if self.multi_period else ""

    @property
    def total_t(self) -> float:
        """Oxide delivered in the period, t."""
        return float(self.links.loc[self.links["step"] == 0, "tonnes"].sum())

    @property
    def node_tonnes(self) -> list[float]:
        """Tonnes through each node (what leaves a mine country, passes a refinery country, reaches a fab country)."""
        inflow = self.links.groupby("target")["tonnes"].sum()
        outflow = self.links.groupby("source")["tonnes"].sum()
        return [float(max(inflow.get(i, 0.0), outflow.get(i, 0.0))) for i in range(len(self.nodes))]

    @property
    def labels(self) -> list[str]:
        """Node labels with their tonnes, e.g. ``AUS (mine): 110 t``."""
        return [f"{n}: {t:,.0f} t" for n, t in zip(self.nodes, self.node_tonnes)]


def periods(run: RunFolder) -> list[int]:
    """The periods of the run's supply table, ascending."""
    return sorted(int(p) for p in run.tables["supply"]["period"].unique()) if run.has("supply") else []


BINDING_TOL = 1e-6  # a cap's realised share this close to its limit binds


def first_binding_period(run: RunFolder) -> int | None:
    """The first period in which a cap binds (its share at its limit, below 100%), or None."""
    if not run.has("dependence"):
        return None
    dep = run.tables["dependence"]
    binds = dep[(dep["max_share"] < 1.0 - BINDING_TOL) & (dep["share"] >= dep["max_share"] - BINDING_TOL)]
    return int(binds["period"].min()) if len(binds) else None


def sankey_data(run: RunFolder, period: int | None = None, product: str | None = None) -> SankeyData:
    """The provenance Sankey for one period (default: the first in which a cap binds, else the first) and one product
    (default: all).

    Raises
    ------
    ReportError
        ``period`` or ``product`` does not occur in ``supply.csv``.
    """
    supply = run.tables["supply"]
    known = periods(run)
    if period is None:
        binding = first_binding_period(run)
        period = binding if binding in known else (known[0] if known else 0)
    elif period not in known:
        raise ReportError(f"--period {period}: not in {run.path / 'supply.csv'} "
                          f"(periods: {', '.join(map(str, known)) or 'none'})")
    products = sorted(supply["product"].unique())
    if product is not None and product not in products:
        raise ReportError(f"--product {product}: not in {run.path / 'supply.csv'} "
                          f"(products: {', '.join(products) or 'none'})")
    rows = supply[supply["period"].astype(int) == period]
    if product is not None:
        rows = rows[rows["product"] == product]
        products = [product]
    rows = rows.assign(fab_country=rows["fab"].map(lambda f: run.fab_country.get(f, f)),
                       touched=rows["mine_country"].isin(run.china) | rows["refinery_country"].isin(run.china))
    stages = [("mine_country", "mine"), ("refinery_country", "refinery"), ("fab_country", "fabs")]
    nodes: list[str] = []
    for column, stage in stages:
        by_size = rows.groupby(column)["tonnes"].sum().sort_values(ascending=False, kind="mergesort")
        nodes += [f"{country} ({stage})" for country in by_size.index]
    index = {label: i for i, label in enumerate(nodes)}
    links: list[tuple[int, int, float, bool, int]] = []
    for step, ((src_col, src_stage), (dst_col, dst_stage)) in enumerate(zip(stages, stages[1:])):
        grouped = rows.groupby([src_col, dst_col, "touched"], sort=True)["tonnes"].sum()
        for key, tonnes in grouped.items():
            src, dst, touched = cast(tuple[str, str, bool], key)
            links.append((index[f"{src} ({src_stage})"], index[f"{dst} ({dst_stage})"], float(tonnes), bool(touched),
                          step))
    table = pd.DataFrame(links, columns=["source", "target", "tonnes", "touched", "step"])
    return SankeyData(nodes, table, period, products, multi_period=len(known) > 1)


# --- bar charts -------------------------------------------------------------------------------------------------


def costs_by_component(run: RunFolder) -> pd.DataFrame:
    """USD by component (rows) and period (columns), components in ``costs.csv`` order."""
    costs = run.tables["costs"]
    table = costs.pivot_table(index="component", columns="period", values="usd", aggfunc="sum", sort=False)
    return table.fillna(0.0)


def new_capacity(run: RunFolder) -> pd.DataFrame:
    """New refining capacity built, t/yr, by country (rows) and period (columns); empty when nothing was built."""
    builds = run.tables["builds"]
    built = builds[builds["built"].astype(str).str.lower().isin(["true", "1"]) & (builds["new_tpa"] > 0)]
    if built.empty:
        return pd.DataFrame()
    return built.pivot_table(index="country", columns="period", values="new_tpa", aggfunc="sum").fillna(0.0)


def dependence(run: RunFolder) -> pd.DataFrame:
    """Each cap and period: realised share, cap and dual, with a label for the chart."""
    dep = run.tables["dependence"].copy()
    multi = dep["period"].nunique() > 1
    dep["label"] = [f"{c} {p}" if multi else str(c) for c, p in zip(dep["cap"], dep["period"])]
    return dep


def risk(run: RunFolder, period: int | None = None) -> pd.DataFrame:
    """Concentration by product and stage, for one period (default: the first) when the table has periods."""
    table = run.tables["risk"]
    if "period" not in table.columns or table.empty:
        return table
    known = sorted(int(p) for p in table["period"].unique())
    chosen = period if period in known else known[0]
    return table[table["period"].astype(int) == chosen]


# --- sweep and stress -------------------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "nan")
    return bool(value) and not pd.isna(value)


def frontier(run: RunFolder) -> pd.DataFrame:
    """The sweep's points in ``point`` order, with ``feasible``, ``is_breakpoint`` and ``note`` (what changed at a
    breakpoint: the capacity built per country, from the ``new_tpa_<COUNTRY>`` columns)."""
    df = run.tables["frontier"].sort_values("point", kind="mergesort").reset_index(drop=True)
    df["feasible"] = df["total_cost_usd"].notna()  # failed points have no cost, whatever their status says
    df["is_breakpoint"] = [_truthy(v) for v in df["breakpoint"]]
    build_cols = [c for c in df.columns if c.startswith("new_tpa_")]
    notes = []
    for i in range(len(df)):
        row = df.iloc[i]
        if not row["is_breakpoint"]:
            notes.append("")
            continue
        label = row["breakpoint"] if isinstance(row["breakpoint"], str) and not _bool_word(row["breakpoint"]) else ""
        prev = df.iloc[i - 1] if i > 0 else None
        changes = []
        for col in build_cols:
            now = float(row[col]) if pd.notna(row[col]) else 0.0
            before = float(prev[col]) if prev is not None and pd.notna(prev[col]) else 0.0
            if abs(now - before) > 0.5:
                changes.append(f"{col.removeprefix('new_tpa_')} {now:,.0f} t/yr")
        notes.append(label or ", ".join(changes) or "breakpoint")
    df["note"] = notes
    return df


def swept_label(run: RunFolder) -> str:
    """What the sweep capped, for axis titles: ``CHN share (any stage)``; China's share when not recorded."""
    supplier, stage = run.summary.get("supplier"), run.summary.get("stage")
    if not supplier:
        return "China's share"
    return f"{supplier} share" + (f" ({stage} stage)" if stage else "")


def _bool_word(text: str) -> bool:
    return text.strip().lower() in ("true", "1", "yes")


def stress_ranking(run: RunFolder) -> pd.DataFrame:
    """Stress cases, worst first: infeasible cases, then by unmet demand, then by cost increase.

    The base plan (the row that removes nothing) is left out; ``label`` names what each case removed.
    """
    df = run.tables["stress"]
    df = df[df["removed"].fillna("").astype(str).str.strip() != ""].copy()
    labels = df["removed"].astype(str)
    df["label"] = [f"{r} (case {c})" if (labels == r).sum() > 1 else r for r, c in zip(labels, df["case"])]
    df["feasible"] = df["total_cost_usd"].notna() & (df["status"] != "infeasible")
    df["_unmet"] = df["unmet_t"].fillna(0.0)
    df["_cost"] = df["cost_increase_usd"].fillna(float("inf"))
    df = df.sort_values(["feasible", "_unmet", "_cost"], ascending=[True, False, False], kind="mergesort")
    return df.drop(columns=["_unmet", "_cost"]).reset_index(drop=True)


# --- provenance -------------------------------------------------------------------------------------------------


def provenance(run: RunFolder) -> dict[str, str]:
    """Input, its hash, solver, package version and dates, as text (``-`` where the run does not say); for a sweep
    or a stress folder also what was swept or disrupted, and how."""
    s = run.summary
    solver = s.get("solver") or {}
    rows = {"results": str(run.path)}
    if s.get("supplier"):  # a sweep
        rows["command"] = "sweep"
        rows["swept cap"] = f"{s.get('cap', '-')} ({s['supplier']}:{s.get('stage', '-')})" + (
            ", added for the sweep" if s.get("cap_added") else "")
        rows["points"] = f"{s.get('points_solved', '-')} of {s.get('points_requested', '-')} solved" + (
            f", stopped by {s['stopped_by']}" if s.get("stopped_by") else "")
    elif s.get("investments"):  # a stress test
        rows["command"] = "stress"
        rows["cases"] = f"{s.get('cases', '-')}, investments {s['investments']}, caps " \
                        f"{s.get('caps_in_disrupted_cases', '-')}"
        if s.get("unmet_penalty_usd_per_t") is not None:
            rows["unmet demand priced at"] = f"{float(s['unmet_penalty_usd_per_t']):,.0f} USD/t"
    else:
        rows["scenario"] = str(s.get("scenario", "-"))
        rows["status"] = str(s.get("status", "-"))
    options = solver.get("options") if isinstance(solver.get("options"), dict) else {}
    rows.update({
        "input": str((s.get("input") or {}).get("source", "-")),
        "input sha256": str((s.get("input") or {}).get("sha256", "-")),
        "solver": f"{solver.get('name', '-')} {solver.get('version', '')}".strip(),
    })
    if options:
        rows["solver options"] = ", ".join(f"{k}={v}" for k, v in sorted(options.items()))
    rows["paxsilica"] = str((s.get("package") or {}).get("version", "-"))
    rows["run date"] = run.run_time.strftime("%Y-%m-%d %H:%M UTC")
    return rows
