"""The input checks import their shared helpers from one module, never from each other (no import cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

IO = Path(__file__).resolve().parents[2] / "optimizer" / "io"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_the_time_and_disruption_checks_do_not_import_the_main_checks() -> None:
    for name in ("validate_time.py", "validate_disruptions.py"):
        found = _imports(IO / name)
        assert "optimizer.io.validate" not in found, name
        assert "optimizer.io.cells" in found, name


def test_the_checks_import_in_any_order() -> None:
    import subprocess
    import sys

    for first in ("optimizer.io.validate_time", "optimizer.io.validate_disruptions", "optimizer.io.validate"):
        code = f"import {first}; import optimizer.io.validate as v; print(len(v.CHECKS))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=IO.parents[1])
        assert done.returncode == 0 and int(done.stdout) >= 18, done.stderr
