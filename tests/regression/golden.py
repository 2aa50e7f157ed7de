"""Golden results: expected KPIs stored as JSON, compared with a tolerance, updated only on purpose.

To accept new results deliberately, re-run with the reason in the environment:

    PAXSILICA_UPDATE_GOLDEN="why the numbers changed" .venv/bin/pytest tests/regression

The reason is appended to the file's ``history`` so that every change of an expected value says why.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_ENV = "PAXSILICA_UPDATE_GOLDEN"


def _diff(expected: Any, actual: Any, rtol: float, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{path}/{key}: expected {expected[key]!r}, missing now")
            elif key not in expected:
                out.append(f"{path}/{key}: new value {actual[key]!r}, not expected")
            else:
                out += _diff(expected[key], actual[key], rtol, f"{path}/{key}")
        return out
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and not isinstance(
                expected, bool) and math.isclose(expected, actual, rel_tol=rtol, abs_tol=1e-6):
            return []
    elif expected == actual:
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]


def check_golden(name: str, actual: dict[str, Any], rtol: float = 1e-6) -> None:
    """Compare ``actual`` with ``golden/<name>.json`` (values within ``rtol``; everything else exactly)."""
    path = GOLDEN_DIR / f"{name}.json"
    reason = os.environ.get(UPDATE_ENV)
    stored = json.loads(path.read_text()) if path.exists() else {"history": [], "values": None}
    if reason:
        stored["history"].append({"date": date.today().isoformat(), "reason": reason})
        stored["values"] = actual
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        return
    if stored["values"] is None:
        raise AssertionError(f"no golden results in {path}; create them with {UPDATE_ENV}='first results' pytest")
    problems = _diff(stored["values"], actual, rtol)
    if problems:
        raise AssertionError(
            f"results differ from {path.name}:\n  " + "\n  ".join(problems)
            + f"\nIf the change is intended, accept it with {UPDATE_ENV}='<why>' .venv/bin/pytest {Path(__file__).parent}"
        )
