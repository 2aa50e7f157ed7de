"""docs/example.ipynb runs from top to bottom in a fresh kernel, shows what it says, and is stored with the outputs
it gives (``PAXSILICA_UPDATE_DOCS=1 pytest tests/api/test_notebook.py`` stores them anew)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "example.ipynb"


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


def _stable(cell: nbformat.NotebookNode) -> bool:
    """A cell whose output is the same on every run (a temporary folder's name is not)."""
    return "tempfile" not in "".join(cell.source)


def test_the_example_notebook_runs_solves_and_is_stored_with_its_outputs(tmp_path: Path) -> None:
    stored = nbformat.read(NOTEBOOK, as_version=4)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    text = "\n".join(map(_text, code))
    assert "('optimal'," in text and "the caps cost $" in text and "in present value (USD of 2025)" in text
    assert "optimal: Lynas Malaysia takes 500 t in 2035" in text  # the user's constraint binds
    assert "results.xlsx" in text and "pathway.csv" in text  # run.write writes every file of `paxsilica solve`
    assert "new_tpa" in text and "decided" in text  # the capped plan's builds, shown as a DataFrame
    assert "M a year" not in text  # a pathway's figures are present values over the horizon
    assert "/work" not in text and "/tmp" not in text  # no path of this machine in the stored outputs
    if os.environ.get("PAXSILICA_UPDATE_DOCS"):
        nbformat.write(nb, NOTEBOOK)
        return
    old = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.outputs for c in old), "docs/example.ipynb is stored without its outputs"
    for before, now in zip(old, code):
        if _stable(now):
            assert _text(before) == _text(now), f"stale output stored for:\n{''.join(now.source)}"
