"""Scenarios: declarative overrides of an input (TOML), applied to the raw tables before validation.

A scenario changes the tables read from a workbook or CSV directory (:class:`~optimizer.io.tables.InputTables`);
the result then goes through :func:`optimizer.io.validate.validate_tables` and
:func:`optimizer.io.build_data.model_data_from_tables` exactly like an input read from disk, so an overridden value is
checked like any other.  The format is documented in ``models/README.md``; in short, a scenario document may hold:

===========================  =====================================================================================
``[[<sheet>]]``              rows of any input sheet, merged into the row with the same key or added
                             (``remove = true`` drops the row)
``[solver]``                 ``method = "ipm"`` (auto, simplex, ipm, pdlp) and HiGHS options by name, e.g.
                             ``presolve = "off"``: how the scenario is solved (command-line flags win)
``steady_state = true``      the pathway as one steady-state year: drops the periods and demand sheets and the
                             caps rows of one period (applied first)
``[caps]``                   ``cap id = max_share`` for existing caps (``"cap@2030"``: one period)
``[parameters]``             ``name = value``
``[coalition]``              ``country = "bloc"``, or ``bloc = ["country", ...]``
``blocked_lanes``            ``["CHN>USA", ...]``: lanes rows with ``blocked = true``
``remove``                   node ids (mines, refineries, fabs) removed with every row that names them
``[start_shift]``            ``selector = years``: projects start whole years later (or earlier), see
                             :mod:`optimizer.scenarios.start_shifts`
``[prices]``                 multipliers: ``mine_cost``, ``refinery_opex``, ``capex``, ``market_price``,
                             ``transport``, ``tariff``, ``wafer_value`` (value_per_wafer_start_usd)
``[capacity]``               multipliers: ``mine``, ``refinery``, ``new`` (max_new_tpa), ``market`` (max_t)
``[demand]``                 multipliers of demand_t: ``"*"`` (all), product, fab, country or bloc;
                             ``growth_per_yr``: demand grows from the first period at that rate
===========================  =====================================================================================

A multiplier is a number (every row) or a table ``{selector = number}``; a selector is ``*``, an id of the rows
concerned, a country code or a bloc label, and every selector that matches a row applies (they multiply).
Overrides are applied in the order of the table above (removals first would drop rows added later, so they go
after the row edits: see :func:`apply_overrides`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, Problem
from optimizer.io.files import open_regular
from optimizer.io.schema import TABLES
from optimizer.io.tables import InputTables
from optimizer.resources import embedded, models_dir, shown
from optimizer.scenarios.overrides import Layers, apply_overrides

META_KEYS = ("name", "description", "input", "solver")
SECTIONS = tuple(dict.fromkeys((*META_KEYS, "steady_state", "caps", "parameters", "coalition", "blocked_lanes",
                                "remove", "start_shift", "prices", "capacity", "demand", *[t.name for t in TABLES])))
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.=+-]+$")
SCENARIO_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # what --scenario and --name accept as a name


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides.

    Attributes
    ----------
    name : what results are filed under (a folder name).
    source : where it was defined, used in every message: a file path, or ``batch.toml [scenarios.x]``.
    layers : override documents applied one after the other (a models/*.toml file, then a batch's own edits).
    input : the base input the scenario names, if any.
    """

    name: str
    source: str
    layers: Layers = ()
    description: str = ""
    input: Path | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


def check_name(name: str, source: str) -> None:
    """Scenario names become folder names: letters, digits and ``_ . = + -`` only."""
    if not _SAFE_NAME.match(name) or name in (".", ".."):
        raise InputError([Problem(source, f"scenario name {name!r} must use only letters, digits and _ . = + -")])


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML document, or an :class:`InputError` naming the file and the line."""
    try:
        with open_regular(path) as fh:  # a FIFO named like a scenario file is refused, not waited on
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "not found")]) from None
    except OSError as err:
        raise InputError([Problem(str(path), f"cannot read: {err.strerror or err}")]) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError([Problem(str(path), f"not valid TOML: {err}")]) from None
    except UnicodeDecodeError as err:
        raise InputError([Problem(str(path), f"not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset "
                                             f"{err.start}); save it as UTF-8")]) from None


def resolve_path(text: str, relative_to: Path) -> Path:
    """A path written in a TOML file: as given if absolute, else next to the file, else from here, else the embedded
    ``inputs/`` or ``models/`` folder it names (``input = "inputs/pax_silica_2025"`` works from any folder)."""
    path = Path(text)
    if path.is_absolute():
        return path
    if (relative_to / path).exists():
        return relative_to / path
    if path.exists():
        return path  # from the working directory, shown as the user wrote it
    shipped = embedded(path)
    if shipped is not None:
        return shown(shipped)
    return relative_to / path


def find_scenario(name: str, folder: Path | None = None) -> Path | None:
    """The scenario file ``NAME`` refers to: a path to a ``.toml`` file, or ``models/NAME.toml``; else None."""
    if name.endswith(".toml") and Path(name).is_file():
        return Path(name)
    candidate = (folder or models_dir()) / f"{name}.toml"
    return candidate if candidate.is_file() else None


def known_scenarios(folder: Path | None = None) -> list[str]:
    """The scenario ids of ``models/`` (its ``*.toml`` files), sorted."""
    folder = folder or models_dir()
    return sorted(p.stem for p in folder.glob("*.toml") if SCENARIO_ID.match(p.stem)) if folder.is_dir() else []


def resolve_scenario(text: str, folder: Path | None = None) -> Path | None:
    """The scenario file ``--scenario TEXT`` names: ``models/TEXT.toml`` for an id, or an existing ``.toml`` file.

    ``base`` without a ``models/base.toml`` is the input as it is (None).  The file is only ever read.

    Raises
    ------
    InputError
        TEXT is neither a known id nor an existing ``.toml`` file; the message lists the known scenarios and the
        closest one.
    """
    import difflib

    if text.lower().endswith(".toml"):
        path = Path(text)
        if path.is_file():
            return path
        raise InputError([Problem("--scenario", f"no scenario file {text!r}")])
    if not SCENARIO_ID.match(text):
        raise InputError([Problem("--scenario", f"{text!r} is not a scenario: give an id (letters, digits, _ and -) "
                                                "of models/ or a path to a .toml file")])
    folder = folder or models_dir()
    candidate = folder / f"{text}.toml"
    if candidate.is_file():
        return candidate
    if text == "base":
        return None
    known = known_scenarios(folder)
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(["base", *known]) if known else "base"
    raise InputError([Problem("--scenario", f"unknown scenario {text!r}{hint} (known: {listing})")])


def check_label(label: str, option: str = "--name") -> str:
    """A results-folder label given on the command line: an id (letters, digits, ``_`` and ``-``)."""
    if not SCENARIO_ID.match(label):
        raise InputError([Problem(option, f"{label!r} must use only letters, digits, _ and -")])
    return label


def scenario_from_document(name: str, source: str, doc: Mapping[str, Any], relative_to: Path) -> Scenario:
    """A :class:`Scenario` from a parsed document; unknown top-level keys are reported with the known ones."""
    unknown = [k for k in doc if k not in SECTIONS]
    if unknown:
        raise InputError([Problem(source, f"unknown key {k!r} (known: {', '.join(SECTIONS)})") for k in unknown])
    input_path = resolve_path(str(doc["input"]), relative_to) if doc.get("input") else None
    overrides = {k: v for k, v in doc.items() if k not in META_KEYS}
    return Scenario(name=str(doc.get("name", name)), source=source, layers=((source, overrides),),
                    description=str(doc.get("description", "")), input=input_path, meta=dict(doc))


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file (``models/NAME.toml``); its name defaults to the file's stem."""
    path = Path(path)
    scenario = scenario_from_document(path.stem, str(path), read_toml(path), path.parent)
    check_name(scenario.name, str(path))
    return scenario


def effective_sha256(tables: InputTables) -> str:
    """A hash of the tables' contents (every schema sheet present, in schema order; row numbers left out)."""
    digest = hashlib.sha256()
    for spec in TABLES:
        frame = tables.get(spec.name)
        if frame is None:
            continue
        text = frame[spec.column_names].to_csv(index=False, lineterminator="\n")
        digest.update(f"{spec.name}\0{len(text)}\0".encode())
        digest.update(text.encode())
    return digest.hexdigest()


def _name_problems(problems: list[Problem], origin: Mapping[tuple[str, int], tuple[str, bool]]) -> list[Problem]:
    """Problems found in rows a scenario added or changed name the override responsible."""
    named = []
    for p in problems:
        found = origin.get((p.sheet, p.row)) if p.row is not None else None
        if found is not None:
            label, new = found
            column = f", column {p.column}" if p.column else ""
            p = dc_replace(p, where=f"{label}{column}" + ("" if new else f" (as applied to {p.where})"))
        named.append(p)
    return named


@dataclass
class Case:
    """An input with a scenario applied: its tables, the ModelData built from them and their hash."""

    tables: InputTables
    data: Any  # ModelData; Any keeps this module importable without building anything
    sha256: str


def build_case(tables: InputTables, layers: Layers = ()) -> Case:
    """Apply ``layers`` to ``tables``, validate the result like a fresh input and build its ModelData.

    Raises
    ------
    InputError
        Bad overrides, or problems that the overridden input has (naming the override that caused them).
    """
    from optimizer.io.build_data import model_data_from_tables
    from optimizer.io.load import sort_problems
    from optimizer.io.validate import validate_tables

    edited, origin = apply_overrides(tables, layers) if layers else (tables, {})
    problems = validate_tables(edited)
    if problems:
        raise InputError(_name_problems(sort_problems(problems), origin))
    return Case(edited, model_data_from_tables(edited), effective_sha256(edited))


def load_scenario_case(input_path: Path, scenario: Scenario | None = None) -> Case:
    """Read ``input_path`` and apply ``scenario`` to it (see :func:`build_case`)."""
    from optimizer.io.load import sort_problems
    from optimizer.io.read import read_tables

    try:
        tables, problems = read_tables(Path(input_path))
    except InputError as err:
        raise InputError(sort_problems(err.problems)) from None
    if problems:
        raise InputError(sort_problems(problems))
    return build_case(tables, scenario.layers if scenario else ())


def solver_section(doc: Mapping[str, Any], source: str) -> dict[str, Any] | None:
    """The checked ``[solver]`` section of a scenario or batch document: ``{"method": ..., "options": {...}}``."""
    from optimizer.solver.methods import check_highs_options, check_method

    section = doc.get("solver")
    if section is None:
        return None
    where = f"{source}, solver"
    if not isinstance(section, dict):
        raise InputError([Problem(where, 'expected a table, e.g. [solver] method = "ipm"')])
    options = {k: v for k, v in section.items() if k != "method"}
    try:
        method = check_method(str(section.get("method", "auto")))
        return {"method": method, "options": check_highs_options(options)}
    except ValueError as err:
        raise InputError([Problem(where, str(err))]) from None


def scenario_solver(name: str) -> dict[str, Any] | None:
    """The ``[solver]`` section of scenario ``name``'s file (None when it has none, or NAME is only a label)."""
    found = resolve_scenario(name)
    return None if found is None else solver_section(read_toml(found), str(found))


def load_for_solve(input_path: Path | None, name: str, default_input: Any) -> tuple[Any, Path, str, dict[str, Any]]:
    """What ``paxsilica solve [INPUT] --scenario NAME`` solves.

    NAME is resolved by :func:`resolve_scenario`: a scenario file's overrides are applied to INPUT (or to the input
    the file names, or to the embedded dataset); ``base`` (with no ``models/base.toml``) is INPUT as it is.

    Returns
    -------
    (data, input path, scenario name, extra summary.json entries)
    """
    from optimizer.io.load import load_case

    found = resolve_scenario(name)
    if found is None:
        path = Path(input_path or default_input())
        return load_case(path), path, name, {}
    scenario = load_scenario(found)
    path = Path(input_path or scenario.input or default_input())
    case = load_scenario_case(path, scenario)
    extra = {"scenario_file": {"path": str(found), "description": scenario.description,
                               "sha256": hashlib.sha256(found.read_bytes()).hexdigest(),
                               "effective_input_sha256": case.sha256}}
    return case.data, path, scenario.name, extra
