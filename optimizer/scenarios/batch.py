"""Batches: many scenarios of one base input, solved in parallel, each in its own folder, with one KPI table.

A batch comes from a batch file (TOML, format in ``models/README.md``) or from an input alone, and may be crossed
with samples drawn from the input's ``uncertainty`` sheet.  :func:`run_batch` splits it into fixed chunks (scenarios
that can share one compiled program, see :mod:`optimizer.scenarios.batch_worker`) and runs them on local processes
(``concurrent.futures``) or on a Dask distributed cluster, then writes ``batch.csv`` and, for samples,
``samples.csv``, ``uncertainty.csv`` and ``build_frequency.csv``.  The scenario folders must be reachable by the
workers under the same paths (one machine, or a shared file system).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.io.write import write_results
from optimizer.scenarios.batch_report import batch_table, build_frequency_table, samples_table, uncertainty_table
from optimizer.scenarios.batch_worker import ChunkTask, Entry, run_chunk
from optimizer.scenarios.scenario import (
    check_name,
    find_scenario,
    load_scenario,
    read_toml,
    resolve_path,
    scenario_from_document,
    solver_section,
)
from optimizer.solver.highs import SolveOptions

CHUNK_SIZE = 8  # scenarios per task: fixed, so that results never depend on the number of workers
BATCH_KEYS = ("input", "models", "scenarios", "matrix", "solver")
_PARAMETRIC = ("prices", "capacity", "demand", "caps", "parameters")  # sections that keep a case's structure


@dataclass
class BatchResult:
    """Every scenario's row (see :mod:`optimizer.scenarios.batch_worker`) and the tables written."""

    rows: list[dict[str, Any]]
    out_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def count(self, what: str) -> int:
        if what == "solved":
            return sum(1 for r in self.rows if r.get("solved"))
        if what == "reused":
            return sum(1 for r in self.rows if r.get("solved") is False)
        return sum(1 for r in self.rows if r.get("status") not in ("optimal", "feasible"))


# --- planning -------------------------------------------------------------------------------------------------


def _absolute(path: str | Path) -> str:
    """Workers may run elsewhere (a Dask cluster): give them absolute paths."""
    return str(Path(path).resolve())


def _sanitise(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=+-]", "-", text)


def _matrix(path: Path, matrix: Any, scenarios: list[Entry]) -> list[Entry]:
    """Every scenario crossed with every combination of the ``[matrix]`` values.

    A combination is named ``param=value+param=value``; crossed with scenario NAME it is ``NAME.param=value...``
    (the combination alone when the batch has no scenarios of its own, which then means its base input).
    """
    from optimizer.scenarios.uncertainty import parameter_override

    where = f"{path}, matrix"
    if not isinstance(matrix, dict) or not matrix:
        raise InputError([Problem(where, "expected parameter = [values, ...]")])
    for name, values in matrix.items():
        if not isinstance(values, list) or not values or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise InputError([Problem(f"{where}, key {name!r}", "expected a list of numbers")])
        try:
            parameter_override(name, 1.0, products=None)
        except ValueError as err:
            raise InputError([Problem(f"{where}, key {name!r}", str(err))]) from None
    entries = []
    for scenario in scenarios:
        for combo in itertools.product(*matrix.values()):
            params = tuple(zip(matrix, (float(v) for v in combo)))
            name = _sanitise("+".join(f"{k}={v:g}" for k, v in params))
            full = name if scenario.name == "" else f"{scenario.name}.{name}"
            entries.append(Entry(full, scenario.input, scenario.layers, params=params))
    return entries


def batch_solver(source: Path) -> dict[str, Any] | None:
    """The ``[solver]`` section of a batch file (how every scenario is solved), or None (also for an input)."""
    source = Path(source)
    if source.suffix != ".toml":
        return None
    return solver_section(read_toml(source), str(source))


def load_batch_file(path: Path, default_input: Path) -> list[Entry]:
    """The scenarios of batch file ``path`` (``default_input`` when it names no input)."""
    path = Path(path)
    doc = read_toml(path)
    unknown = [k for k in doc if k not in BATCH_KEYS]
    if unknown:
        raise InputError([Problem(str(path), f"unknown key {k!r} (known: {', '.join(BATCH_KEYS)})")
                          for k in unknown])
    base = _absolute(resolve_path(str(doc["input"]), path.parent) if doc.get("input") else default_input)
    entries: list[Entry] = []
    for model in doc.get("models", []):
        found = find_scenario(str(model))
        if found is None:
            raise InputError([Problem(f"{path}, models", f"no scenario {model!r} (models/{model}.toml)")])
        scenario = load_scenario(found)
        entries.append(Entry(scenario.name, _absolute(scenario.input or base), scenario.layers))
    scenarios = doc.get("scenarios", {})
    if not isinstance(scenarios, dict):
        raise InputError([Problem(f"{path}, scenarios", "expected [scenarios.NAME] tables")])
    for name, body in scenarios.items():
        source = f"{path} [scenarios.{name}]"
        check_name(name, source)
        if not isinstance(body, dict):
            raise InputError([Problem(source, "expected a table of overrides")])
        layers: tuple = ()
        input_path = base
        if "model" in body:
            found = find_scenario(str(body["model"]))
            if found is None:
                raise InputError([Problem(f"{source}, model", f"no scenario {body['model']!r}")])
            model = load_scenario(found)
            layers, input_path = model.layers, str(model.input or base)
        own = {k: v for k, v in body.items() if k != "model"}
        scenario = scenario_from_document(name, source, own, path.parent)
        entries.append(Entry(name, _absolute(scenario.input or input_path), layers + scenario.layers))
    if "matrix" in doc:
        entries = _matrix(path, doc["matrix"], entries or [Entry("", base)])
    if not entries:
        entries.append(Entry("base", base))
    missing = sorted({e.input for e in entries if not Path(e.input).exists()})
    if missing:
        raise InputError([Problem(f"{path}, input", f"{m}: not found (an .xlsx workbook or a folder of CSV files)")
                          for m in missing])
    seen: dict[str, int] = {}
    for e in entries:
        seen[e.name] = seen.get(e.name, 0) + 1
    twice = [n for n, k in seen.items() if k > 1]
    if twice:
        raise InputError([Problem(str(path), f"scenario {n!r} is defined more than once") for n in twice])
    return entries


def with_samples(entries: list[Entry], samples: int, seed: int, plain: bool) -> list[Entry]:
    """Each entry crossed with ``samples`` draws of seed ``seed`` (``sample-0001``... or ``NAME.sample-0001``...)."""
    out: list[Entry] = []
    for e in entries:
        prefix = "" if plain else f"{e.name}."
        out.extend(Entry(f"{prefix}sample-{i + 1:04d}", e.input, e.layers, e.params, sample=i, seed=seed,
                         group=e.name) for i in range(samples))
    return out


def _hint(entry: Entry) -> str:
    """Entries with the same hint probably share a structure (the worker checks): input + non-numeric overrides."""
    parts: list[Any] = [entry.input]
    for _, doc in entry.layers:
        parts.append({k: v for k, v in doc.items() if k not in _PARAMETRIC or not isinstance(v, dict)})
    parts.append(sorted(name for name, _ in entry.params))  # a parameter's value never changes the structure
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def plan_chunks(entries: list[Entry], size: int = CHUNK_SIZE) -> list[list[Entry]]:
    """Chunks of at most ``size`` entries of the same hint, in name order: fixed by the batch alone."""
    groups: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: e.name):
        groups.setdefault(_hint(e), []).append(e)
    chunks = [members[i:i + size] for members in groups.values() for i in range(0, len(members), size)]
    return sorted(chunks, key=lambda c: c[0].name)


# --- running --------------------------------------------------------------------------------------------------


def _run_tasks(tasks: list[ChunkTask], workers: int, scheduler: str | None,
               progress: Callable[[list[dict[str, Any]]], None]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def done(chunk_rows: list[dict[str, Any]]) -> None:
        rows.extend(chunk_rows)
        progress(chunk_rows)

    if scheduler:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, ValueError, TypeError) as err:  # unreachable, or an address Dask cannot parse
            raise OSError(f"cannot reach the Dask scheduler {scheduler}: {err}") from None
        with client:
            futures = client.map(run_chunk, tasks, pure=False)
            for future in dask_completed(futures):
                done(future.result())
    elif workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            done(run_chunk(task))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for future in as_completed([pool.submit(run_chunk, t) for t in tasks]):
                done(future.result())
    return rows


def run_batch(entries: list[Entry], out_dir: Path, workers: int = 1, scheduler: str | None = None,
              options: SolveOptions | None = None, warm: bool = True,
              progress: Callable[[list[dict[str, Any]]], None] | None = None) -> BatchResult:
    """Solve every entry not already finished in ``out_dir`` and write the batch's tables there.

    Parameters
    ----------
    entries : the scenarios (see :func:`load_batch_file`, :func:`with_samples`).
    out_dir : one folder per scenario goes in here, with ``batch.csv`` beside them.
    workers : local processes (ignored with ``scheduler``).
    scheduler : address of a running Dask distributed scheduler, e.g. ``tcp://10.0.0.5:8786``.
    warm : re-solve a chunk's scenarios from its first one's basis; False solves each from scratch (results then
        match ``paxsilica solve`` byte for byte, where warm starts may pick another of several optimal flows).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options = options or SolveOptions()
    tasks = [ChunkTask(tuple(chunk), str(out_dir), options, warm) for chunk in plan_chunks(entries)]
    rows = _run_tasks(tasks, workers, scheduler, progress or (lambda _rows: None))
    result = BatchResult(rows, out_dir)
    result.tables["batch"] = batch_table(rows)
    if any(r.get("sample") is not None for r in rows):
        result.tables["samples"] = samples_table(rows)
        result.tables["uncertainty"] = uncertainty_table(rows)
        result.tables["build_frequency"] = build_frequency_table(rows)
    write_results(out_dir, result.tables, None)  # replaces only the batch tables an earlier run wrote
    return result


def plan(source: Path, samples: int | None = None, seed: int = 0,
         default_input: Callable[[], Path] | None = None) -> list[Entry]:
    """The entries of ``source``: a batch file (``.toml``) or an input (workbook or CSV directory)."""
    source = Path(source)
    if source.suffix.lower() == ".toml":
        fallback = default_input() if default_input else source
        entries = load_batch_file(source, fallback)
        plain = False
    else:
        entries, plain = [Entry("base", _absolute(source))], True
    if samples:
        entries = with_samples(entries, samples, seed, plain)
    return entries
