from pathlib import Path

from optimizer.io.schema_docs import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "inputs.md"


def test_input_reference_is_current_with_the_schema() -> None:
    assert DOC.read_text() == markdown(), "regenerate: python -m optimizer.io.schema_docs > docs/inputs.md"
