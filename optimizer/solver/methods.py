"""Which HiGHS method solves a program, and HiGHS options given by name (``--solver-option KEY=VALUE``).

==========  ==========================================================================================
method      what HiGHS runs
==========  ==========================================================================================
``auto``    an LP with at least :data:`IPM_AUTO_COLUMNS` columns: interior point with crossover (so that
            duals and a basis are those of a vertex), then simplex from that basis for re-solves of the
            same program (marginals, the uncapped baseline, sweeps); a smaller LP: simplex; a MILP:
            HiGHS's branch and bound with its own choice of LP method (HiGHS's ``choose``)
``simplex`` simplex (HiGHS's choice of primal or dual)
``ipm``     interior point, with crossover
``pdlp``    first-order PDLP (approximate: no crossover, duals to PDLP's tolerance)
==========  ==========================================================================================

The threshold was measured on the benchmark chains (``benchmarks/README.md``, "Choosing the method"): simplex is
quicker on small LPs, interior point from some tens of thousands of columns on, and its time depends on the matrix
alone, where the simplex method's swings by minutes with the order of rows and columns.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import highspy

METHODS = ("auto", "simplex", "ipm", "pdlp")
IPM_AUTO_COLUMNS = 15_000
# Options paxsilica sets from its own flags; given as --solver-option they would be silently overridden or clash.
RESERVED = {"solver": "--method", "output_flag": "--log", "log_to_console": "--log"}
# Options that make HiGHS read or write a file of its own choosing (solution_file, log_file, write_model_to_file,
# read_basis_file, ...): a colleague's scenario file could otherwise overwrite any file the user can write.  Refused
# wherever options are given (--solver-option, a scenario or batch file's [solver] section, the API).
FILE_OPTION_WORDS = ("file", "mip_improving_solution_save")
# Options that change what a result means: HiGHS stops at the bound or target and calls a case with a dearer (or any)
# plan infeasible or unfinished.
REFUSED = {
    "objective_bound": "it cuts the search off at that cost, so a case whose plans all cost more is reported "
                       "infeasible; use --time-limit or --mip-gap to stop early",
    "objective_target": "it stops the solve at that cost with no optimal plan; use --time-limit or --mip-gap",
}
MAX_THREADS = 256  # HiGHS accepts any count and then exhausts memory making the threads
_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}

_BANNER_SHOWN = False


def quiet_highs() -> highspy.Highs:
    """A Highs object with its log off.

    HiGHS prints a banner on stdout when the first Highs object of a process is made; that one is made with the
    stdout file descriptor pointed at /dev/null (later ones print nothing, so no redirection, which is not
    thread-safe, is needed for them).
    """
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h


@functools.cache
def highs_version() -> str:
    h = quiet_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


@functools.cache
def _scratch() -> highspy.Highs:
    return quiet_highs()


def _typed(name: str, value: Any) -> Any:
    """``value`` converted to the type of HiGHS option ``name``; ValueError naming the option otherwise."""
    status, kind = _scratch().getOptionType(name)
    if status != highspy.HighsStatus.kOk:
        raise ValueError(f"unknown HiGHS option {name!r} (see https://ergo-code.github.io/HiGHS/stable/options/"
                         "definitions/ for the list)")
    t = highspy.HighsOptionType
    text = str(value).strip()
    try:
        if kind == t.kBool:
            if isinstance(value, bool):
                return value
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise ValueError
        if kind == t.kInt:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(float(text)) if isinstance(value, float) else int(text)
        if kind == t.kDouble:
            if isinstance(value, bool):
                raise ValueError
            return float(text)
        return text
    except ValueError:
        kinds = {t.kBool: "true or false", t.kInt: "an integer", t.kDouble: "a number"}
        raise ValueError(f"HiGHS option {name!r} must be {kinds.get(kind, 'a string')}, got {value!r}") from None


def check_highs_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with each value converted to its HiGHS type, after HiGHS has accepted it.

    Raises
    ------
    ValueError
        An unknown name, a value of the wrong type or outside its range, or an option paxsilica sets itself.
    """
    checked: dict[str, Any] = {}
    h = _scratch()
    for name, value in options.items():
        name = str(name).strip()
        if name in RESERVED:
            raise ValueError(f"HiGHS option {name!r} is set by paxsilica: use {RESERVED[name]}")
        if any(word in name for word in FILE_OPTION_WORDS):
            raise ValueError(f"HiGHS option {name!r} reads or writes a file: refused (paxsilica writes only its "
                             "results, into --out)")
        if name in REFUSED:
            raise ValueError(f"HiGHS option {name!r} is refused: {REFUSED[name]}")
        typed = _typed(name, value)
        if isinstance(typed, float) and not math.isfinite(typed):
            raise ValueError(f"HiGHS option {name!r} must be a finite number, got {value!r}")
        if name == "threads" and not 0 <= typed <= MAX_THREADS:
            raise ValueError(f"HiGHS option 'threads' must be between 0 (HiGHS's choice) and {MAX_THREADS}, "
                             f"got {value!r}")
        default = h.getOptionValue(name)[1]
        ok = h.setOptionValue(name, typed) == highspy.HighsStatus.kOk
        h.setOptionValue(name, default)
        if not ok:
            raise ValueError(f"HiGHS option {name!r} does not accept {value!r}")
        checked[name] = typed
    return checked


def parse_solver_options(texts: Iterable[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings (``--solver-option``) -> checked HiGHS options; ValueError with the reason."""
    options: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{text!r}: expected KEY=VALUE, e.g. presolve=off")
        options[key.strip()] = value.strip()
    return check_highs_options(options)


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    return method


def chosen_method(method: str, is_mip: bool, columns: int, resolve: bool) -> str:
    """The method HiGHS runs for ``method`` (``choose``: HiGHS's own choice)."""
    if method != "auto":
        return method
    if is_mip or resolve or columns < IPM_AUTO_COLUMNS:
        # HiGHS's choice is the simplex method for an LP; a re-solve starts from the basis the last solve of this
        # program left (crossover makes one).
        return "choose"
    return "ipm"


def method_options(method: str) -> dict[str, Any]:
    """HiGHS options of a chosen method."""
    if method == "ipm":
        return {"solver": "ipm", "run_crossover": "on"}
    return {"solver": method}
