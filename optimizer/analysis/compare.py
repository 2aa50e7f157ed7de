"""Compare two result folders of ``paxsilica solve``: is B a regression of A?

Compared, with a tolerance ``|a - b| <= atol + rtol * max(|a|, |b|)``:

* the status (exactly) and the objective;
* KPIs from ``summary.json``: the cost breakdown, every cap's realised share and max_share, China's share, unmet
  tonnes;
* the build plan from ``builds.csv``: for each (refinery, period), ``built`` exactly and ``new_tpa``;
* with ``flows=True`` only, every flow of ``flows.csv`` (a different split with the same cost is a legitimate
  alternative optimum, so flows are not compared by default).

A missing cost component, cap, build row or flow counts as zero on that side.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.io.files import read_regular
from optimizer.solver.money import missing_names, unlabelled

BUILD_KEY = ["refinery", "period"]
FLOW_KEY = ["stage", "from", "to", "product", "origin_country", "period"]
# Every result table of a solve and columns it must have: a run whose tables cannot be read is not compared.
RESULT_COLUMNS = {
    "flows": [*FLOW_KEY, "tonnes"],
    "builds": [*BUILD_KEY, "new_tpa", "built"],
    "supply": ["fab", "product", "period", "tonnes"],
    "costs": ["component", "period", "usd"],  # usd_pv or usd_per_yr (optimizer.solver.money), or usd (older)
    "dependence": ["cap", "period"],
    "duals": ["constraint", "value"],
}


class UnreadableRun(Exception):
    """A folder that is not a readable solve result (missing or malformed summary.json or CSV)."""


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-6
    atol: float = 1e-6

    def close(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.atol + self.rtol * max(abs(a), abs(b))


def _num(x: float) -> str:
    """Up to six decimals, thousands separated, trailing zeros dropped: 41,427,966.731284, 0.45, -299.75."""
    text = f"{x:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Difference:
    """One quantity that differs: what, its value in A and in B."""

    what: str
    a: Any
    b: Any

    def __str__(self) -> str:
        if isinstance(self.a, float) and isinstance(self.b, float) and not isinstance(self.a, bool):
            change = self.b - self.a
            rel = f", {change / abs(self.a):+.4%}" if self.a else ""
            return f"{self.what}: {_num(self.a)} -> {_num(self.b)} ({'+' if change >= 0 else ''}{_num(change)}{rel})"
        return f"{self.what}: {self.a} -> {self.b}"


@dataclass
class RunFolder:
    path: Path
    summary: dict[str, Any]
    builds: pd.DataFrame
    flows: pd.DataFrame | None = None


def _csv(path: Path, key: list[str], value: str, money: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table at ``path`` with its ``key`` and ``value`` columns checked; ``money``'s labelled columns
    (:func:`optimizer.solver.money.unlabelled`: ``usd_pv`` or ``usd_per_yr``) are read under their bare name."""
    if not path.is_file():
        raise UnreadableRun(f"{path}: missing")
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise UnreadableRun(f"{path}: cannot be read ({reason})") from None
    df = df.rename(columns=unlabelled(df.columns, money))
    missing = [c for c in [*key, value] if c not in df.columns]
    if missing:
        raise UnreadableRun(f"{path}: no column {', '.join(missing_names(missing, money))}")
    for column in [value, *(c for c in key if c == "period")]:
        numbers = pd.to_numeric(df[column], errors="coerce")
        bad = df.index[(numbers.isna() & df[column].notna()) | numbers.isin([math.inf, -math.inf])]
        if len(bad):
            raise UnreadableRun(f"{path} row {bad[0] + 2}, column {column}: expected a finite number, got "
                                f"{df[column].iloc[bad[0]]!r}")
    return df


def _finite(where: str, value: Any, optional: bool = False) -> None:
    """A number of summary.json that is compared: a finite number (``Infinity`` would be 'close' to anything)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UnreadableRun(f"{where}: expected a finite number, got {value!r}")


def _check_summary(path: Path, s: dict[str, Any]) -> None:
    """Every number of ``s`` that :func:`compare_runs` reads is a finite number; UnreadableRun naming it otherwise."""
    _finite(f"{path}, objective_usd", s.get("objective_usd"), optional=True)
    _finite(f"{path}, unmet_t", s.get("unmet_t"), optional=True)
    for section in ("cost_breakdown_usd", "china_share"):
        part = s.get(section) or {}
        if not isinstance(part, dict):
            raise UnreadableRun(f"{path}, {section}: expected a table of numbers")
        for key, value in part.items():
            _finite(f"{path}, {section}, {key}", value, optional=True)
    caps = s.get("caps") or []
    if not isinstance(caps, list) or not all(isinstance(c, dict) for c in caps):
        raise UnreadableRun(f"{path}, caps: expected a list of caps")
    for i, c in enumerate(caps):
        for key in ("share", "max_share"):
            _finite(f"{path}, caps[{i}].{key}", c.get(key), optional=True)


def _listed_files(path: Path) -> set[str]:
    """The files the run's manifest says were written (they must all be there and readable)."""
    from optimizer.io.outdir import read_manifest

    manifest = read_manifest(path)
    if manifest is not None and manifest.get("complete") is False:
        raise UnreadableRun(f"{path}: the run writing it did not finish (see {path / '.paxsilica-manifest.json'})")
    return set(manifest["files"]) if manifest else set()


def read_run(path: Path, flows: bool = False) -> RunFolder:
    """Read the parts of a result folder that :func:`compare_runs` looks at.

    Raises
    ------
    UnreadableRun
        When the folder, its ``summary.json`` or a CSV needed is missing or malformed.
    """
    path = Path(path)
    if not path.is_dir():
        raise UnreadableRun(f"{path}: not a folder")
    try:
        summary = json.loads(read_regular(path / "summary.json").decode("utf-8"))  # a FIFO there is refused
    except FileNotFoundError:
        raise UnreadableRun(f"{path / 'summary.json'}: missing") from None
    except (OSError, ValueError) as err:
        raise UnreadableRun(f"{path / 'summary.json'}: not valid JSON ({err})") from None
    if not isinstance(summary, dict) or "status" not in summary or "objective_usd" not in summary:
        raise UnreadableRun(f"{path / 'summary.json'}: not the summary of a solve (no status or objective_usd)")
    _check_summary(path / "summary.json", summary)
    listed = _listed_files(path)
    for name, columns in RESULT_COLUMNS.items():
        csv = path / f"{name}.csv"
        if csv.exists() or csv.name in listed:
            _csv(csv, columns[:-1], columns[-1], ("",) if name == "costs" else ())
    builds = _csv(path / "builds.csv", BUILD_KEY, "new_tpa")
    if "built" not in builds.columns:
        raise UnreadableRun(f"{path / 'builds.csv'}: no column built")
    return RunFolder(path, summary, builds, _csv(path / "flows.csv", FLOW_KEY, "tonnes") if flows else None)


def _numbers(a: dict[str, float], b: dict[str, float], label: str, tol: Tolerance) -> list[Difference]:
    out = []
    for key in sorted(set(a) | set(b)):
        x, y = float(a.get(key) or 0.0), float(b.get(key) or 0.0)
        if not tol.close(x, y):
            out.append(Difference(f"{label} {key}", x, y))
    return out


def _kpis(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    caps = s.get("caps") or []
    return {
        "cost": dict(s.get("cost_breakdown_usd") or {}),
        "cap share": {f"{c['cap']} (period {c['period']})": c["share"] for c in caps},
        "cap max_share": {f"{c['cap']} (period {c['period']})": c["max_share"] for c in caps},
        "China's share": {f"(period {t})": v for t, v in (s.get("china_share") or {}).items()},
        "unmet": {"t": s.get("unmet_t") or 0.0},
    }


def _builds(a: pd.DataFrame, b: pd.DataFrame, tol: Tolerance) -> list[Difference]:
    def rows(df: pd.DataFrame) -> dict[tuple[str, int], tuple[bool, float]]:
        return {(str(r["refinery"]), int(r["period"])): (str(r["built"]).lower() == "true", float(r["new_tpa"]))
                for r in df.to_dict("records")}

    ra, rb = rows(a), rows(b)
    out = []
    for key in sorted(set(ra) | set(rb)):
        (built_a, tpa_a), (built_b, tpa_b) = ra.get(key, (False, 0.0)), rb.get(key, (False, 0.0))
        where = f"build {key[0]} (period {key[1]})"
        if built_a != built_b:
            out.append(Difference(f"{where} built", built_a, built_b))
        if not tol.close(tpa_a, tpa_b):
            out.append(Difference(f"{where} new_tpa", tpa_a, tpa_b))
    return out


def _flows(a: pd.DataFrame, b: pd.DataFrame, tol: Tolerance) -> list[Difference]:
    def tonnes(df: pd.DataFrame) -> dict[str, float]:
        grouped = df.groupby(FLOW_KEY, sort=True)["tonnes"].sum()
        return {" ".join(str(k) for k in key): float(v) for key, v in zip(grouped.index.tolist(), grouped.tolist())}

    return _numbers(tonnes(a), tonnes(b), "flow", tol)


def compare_runs(a: RunFolder, b: RunFolder, tol: Tolerance | None = None, flows: bool = False) -> list[Difference]:
    """Every difference between run A and run B beyond ``tol`` (empty: B reproduces A)."""
    tol = tol or Tolerance()
    out: list[Difference] = []
    sa, sb = a.summary, b.summary
    if sa.get("status") != sb.get("status"):
        out.append(Difference("status", sa.get("status"), sb.get("status")))
    oa, ob = sa.get("objective_usd"), sb.get("objective_usd")
    if (oa is None) != (ob is None) or (oa is not None and not tol.close(float(oa), float(ob))):  # type: ignore[arg-type]
        out.append(Difference("objective_usd", None if oa is None else float(oa), None if ob is None else float(ob)))
    ka, kb = _kpis(sa), _kpis(sb)
    for label in ka:
        out += _numbers(ka[label], kb[label], label, tol)
    out += _builds(a.builds, b.builds, tol)
    if flows and a.flows is not None and b.flows is not None:
        out += _flows(a.flows, b.flows, tol)
    return out
