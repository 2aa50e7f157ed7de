"""What one worker does with a chunk of a batch: prepare each scenario, skip finished ones, solve the rest.

A chunk's scenarios that share a structure (see :func:`optimizer.solver.reuse.structure_signature`) are solved on one
program: the chunk's first such scenario (its *anchor*) is solved cold, and the others are re-solved warm from the
anchor's basis or incumbent (or cold, with ``warm=False``).  Chunks are fixed by the batch plan, not by the number of
workers, so every scenario's result is the same whichever worker runs it and however many there are.

A scenario is *finished* when its folder holds a ``summary.json`` whose ``batch.input_sha256`` and ``batch.key``
match: re-running a batch does not solve it again (an anchor that is finished is re-solved for its basis only,
without writing anything).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError
from optimizer.io.tables import InputTables
from optimizer.scenarios.overrides import Layers
from optimizer.solver.highs import SolveOptions

_TABLES_CACHE: dict[tuple[str, int], InputTables | InputError] = {}
# One chunk at a time per process: creating a HiGHS object briefly redirects the process's stdout (to hide its
# banner), which threads must not interleave.  Parallelism comes from processes (a Dask worker per core).
_PROCESS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One scenario of a batch: a base input, override layers, and for sampled batches the sample drawn."""

    name: str
    input: str
    layers: Layers = ()
    params: tuple[tuple[str, float], ...] = ()  # parameter name = value, set after the layers (batch matrix)
    sample: int | None = None
    seed: int | None = None
    group: str = ""  # the scenario a sample belongs to (its own name otherwise)


@dataclass(frozen=True)
class ChunkTask:
    entries: tuple[Entry, ...]
    out_dir: str
    options: SolveOptions = field(default_factory=SolveOptions)
    warm: bool = True

    @property
    def key(self) -> dict[str, Any]:
        """What besides the input decides a result: a finished scenario is reused only when this matches."""
        return {"time_limit": self.options.time_limit, "mip_gap": self.options.mip_gap,
                "method": self.options.method, "solver_options": dict(self.options.solver_options),
                "start": "warm" if self.warm else "cold"}


def _base_tables(path: str) -> InputTables:
    """The base input, read once per worker process (and again if the file changes)."""
    from optimizer.io.load import sort_problems
    from optimizer.io.read import read_tables

    stamp = Path(path).stat().st_mtime_ns if Path(path).exists() else 0
    cached = _TABLES_CACHE.get((path, stamp))
    if cached is None:
        try:
            tables, problems = read_tables(Path(path))
            cached = InputError(sort_problems(problems)) if problems else tables
        except InputError as err:
            cached = err
        _TABLES_CACHE[path, stamp] = cached
    if isinstance(cached, InputError):
        raise cached
    return cached


def prepare(entry: Entry) -> tuple[Any, dict[str, float]]:
    """The entry's :class:`~optimizer.scenarios.scenario.Case`, and the parameter values it drew (a sample) or set (matrix)."""
    from optimizer.errors import Problem
    from optimizer.scenarios.scenario import build_case
    from optimizer.scenarios.uncertainty import distributions, draw_sample, sample_override

    tables = _base_tables(entry.input)
    case = build_case(tables, entry.layers)
    params = dict(entry.params)
    label = f"batch entry {entry.name}"
    if entry.sample is not None:
        rows, problems = distributions(case.tables)
        if problems:
            raise InputError(problems)
        if not rows:
            raise InputError([Problem(label, "--samples needs an uncertainty sheet in the input (parameter, "
                                             "distribution, arg1, arg2, arg3)")])
        # Every row is drawn (so the other draws do not depend on it), but a parameter that the scenario sets by
        # name keeps the scenario's value.
        drawn = {k: v for k, v in draw_sample(rows, entry.seed or 0, entry.sample).items() if k not in params}
        params.update(drawn)
        label = f"sample {entry.sample + 1} of seed {entry.seed}"
    else:
        drawn = params
    if not params:
        return case, drawn
    try:
        override = sample_override(params, tuple(case.data.products))
    except ValueError as err:
        raise InputError([Problem(label, str(err))]) from None
    return build_case(case.tables, ((label, override),)), drawn


def _finished(folder: Path, sha: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    batch = doc.get("batch") or {}
    return doc if batch.get("input_sha256") == sha and batch.get("key") == dict(key) else None


def _china_countries(data: Any) -> frozenset[str]:
    if "CHN" in data.country_bloc:
        return frozenset({"CHN"})
    return data.countries_of("china")


def kpis(status: str, tables: Mapping[str, pd.DataFrame], objective: float | None, doc: Mapping[str, Any]
         ) -> dict[str, Any]:
    """The batch.csv figures of a solved scenario, from its result tables and ``summary.json`` document.

    China's share is the run's own, per period (:mod:`optimizer.solver.measures`), as ``summary.json`` holds it.
    """
    row: dict[str, Any] = {"status": status, "total_cost_usd": objective, "unmet_t": doc.get("unmet_t"),
                           "china_share": dict(doc.get("china_share") or {}), "multi_period": "horizon" in doc,
                           "base_year": (doc.get("horizon") or {}).get("first_year")}
    builds = tables.get("builds")
    new_tpa: dict[str, float] = {}
    if builds is not None and len(builds):
        for b in builds[builds["built"].astype(bool)].itertuples():
            new_tpa[str(b.country)] = new_tpa.get(str(b.country), 0.0) + float(b.new_tpa)
    row["new_tpa"] = new_tpa
    row["builds"] = [] if builds is None else builds[["refinery", "country", "period", "new_tpa", "built"]] \
        .to_dict("records")
    return row


def _from_folder(folder: Path, doc: Mapping[str, Any]) -> dict[str, Any]:
    tables = {}
    for name in ("builds",):
        path = folder / f"{name}.csv"
        if path.exists():
            tables[name] = pd.read_csv(path, keep_default_na=False, na_values=[""])
    return {**kpis(doc["status"], tables, doc.get("objective_usd"), doc), "message": doc.get("message", "")}


def _write(task: ChunkTask, entry: Entry, run: Any, case: Any, draws: Mapping[str, float]) -> dict[str, Any]:
    from optimizer.io.write import write_results
    from optimizer.solver.run import summary

    china = _china_countries(case.data)
    doc = summary(run, entry.name)
    doc["input"]["effective_sha256"] = case.sha256
    doc["batch"] = {"input_sha256": case.sha256, "key": task.key, "group": entry.group or entry.name,
                    "sample": None if entry.sample is None else entry.sample + 1, "seed": entry.seed,
                    "draws": dict(draws), "overrides": [source for source, _ in entry.layers],
                    "china_countries": sorted(china)}
    write_results(Path(task.out_dir) / entry.name, run.tables if run.ok else {}, doc)
    return kpis(doc["status"], run.tables, run.result.objective_usd, doc)


def run_chunk(task: ChunkTask) -> list[dict[str, Any]]:
    """Solve (or reuse) every scenario of ``task``; one result row per scenario, in the chunk's order."""
    with _PROCESS_LOCK:
        return _run_chunk(task)


def _run_chunk(task: ChunkTask) -> list[dict[str, Any]]:
    from optimizer.solver.reuse import ReusableProgram, structure_signature

    rows: dict[str, dict[str, Any]] = {}
    prepared: list[tuple[Entry, Any, dict[str, float], str, dict[str, Any] | None]] = []
    for entry in task.entries:
        base: dict[str, Any] = {"scenario": entry.name, "group": entry.group or entry.name, "sample": entry.sample}
        try:
            case, draws = prepare(entry)
        except InputError as err:
            rows[entry.name] = {**base, "status": "error", "message": "; ".join(str(p) for p in err.problems)}
            continue
        base.update(input_sha256=case.sha256, draws=draws, multi_period=case.data.multi_period)
        rows[entry.name] = base
        done = _finished(Path(task.out_dir) / entry.name, case.sha256, task.key)
        prepared.append((entry, case, draws, structure_signature(case.data), done))

    programs: dict[str, tuple[Any, Any]] = {}  # signature -> (program, warm start of its anchor)
    for entry, case, draws, signature, done in prepared:
        row = rows[entry.name]
        needed = any(s == signature and d is None for _, _, _, s, d in prepared)
        if done is not None and (signature in programs or not needed):
            row.update(_from_folder(Path(task.out_dir) / entry.name, done), solved=False)
            continue
        start = time.perf_counter()
        try:
            if signature not in programs:
                program = ReusableProgram(case.data)
                run = program.solve(case.data, task.options)
                programs[signature] = (program, program.warm_start() if run.ok else None)
            else:
                program, warm = programs[signature]
                run = program.solve(case.data, task.options, warm if task.warm else None)
        except Exception as err:  # noqa: BLE001 - one scenario's failure must not stop the batch
            row.update(status="error", message=f"{type(err).__name__}: {err}")
            continue
        if done is not None:  # an anchor solved only for its warm start
            row.update(_from_folder(Path(task.out_dir) / entry.name, done), solved=False)
            continue
        row.update(_write(task, entry, run, case, draws), solved=True, message=run.result.message,
                   seconds=round(time.perf_counter() - start, 4), pid=os.getpid())
    return [rows[e.name] for e in task.entries]
