"""The input reference (docs/inputs.md) written from the schema, so the docs cannot drift from the code.

Regenerate with ``python -m optimizer.io.schema_docs > docs/inputs.md``; a test checks the file is current.
"""

from __future__ import annotations

from optimizer.io.schema import PARAMETERS, REQUIRED, TABLES, ColumnSpec


def _rule(col: ColumnSpec) -> str:
    parts = []
    if col.default is REQUIRED:
        parts.append("required")
    elif col.default is None or col.default == "":
        parts.append("blank allowed")
    else:
        parts.append(f"default `{col.default}`")
    if col.optional:
        parts.append("column optional")
    if col.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in col.choices))
    if col.minimum is not None and col.maximum is not None:
        parts.append(f"{col.minimum:g} to {col.maximum:g}")
    elif col.minimum is not None:
        parts.append(f">= {col.minimum:g}")
    return "; ".join(parts)


def markdown() -> str:
    """Every sheet and column with its type, unit (in the name), rule and description."""
    lines = [
        "# Input reference",
        "",
        "Generated from `optimizer/io/schema.py` (`python -m optimizer.io.schema_docs > docs/inputs.md`).",
        "An input is an `.xlsx` workbook with one sheet per table, or a directory of `<sheet>.csv` files.",
        "Units are part of the column names. Extra columns (e.g. `source`) and extra sheets are ignored.",
        "",
    ]
    for table in TABLES:
        optional = " (optional sheet)" if table.optional else ""
        lines += [f"## `{table.name}`{optional}", "", table.description, "",
                  "| column | type | rule | description |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.dtype} | {_rule(c)} | {c.description} |" for c in table.columns]
        lines += ["", f"Each row is identified by: {', '.join(f'`{k}`' for k in table.key)}.", ""]
    lines += ["## Parameters (`parameters` sheet: `name`, `value`)", "", "| name | default | meaning |",
              "|---|---|---|"]
    lines += [f"| `{name}` | {default if default is not None else 'blank'} | {text} |"
              for name, (default, text) in PARAMETERS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
