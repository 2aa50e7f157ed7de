"""docs/example.ipynb runs from top to bottom in a fresh kernel, and shows what it says."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "example.ipynb"


def test_the_example_notebook_runs_and_solves(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = {i: "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
               for i, cell in enumerate(nb.cells) if cell.cell_type == "code"}
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    text = "\n".join(outputs.values())
    assert "('optimal'," in text and "the cap costs $" in text and "results.xlsx" in text
    assert "new_tpa" in text and "capex_usd_per_yr" in text  # the capped plan's builds, shown as a DataFrame
