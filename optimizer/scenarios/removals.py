"""A scenario's ``remove``: nodes taken out of the input with every row that names them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from optimizer.scenarios.overrides import _Editor


def remove_nodes(ed: _Editor, source: str, nodes: Any) -> None:
    """A scenario's ``remove = [ids]``: each mine, refinery, purifier or fab leaves the input with the rows of other
    sheets that name it (its composition, demand, arcs, product slate and fab-grade lines); an unknown id is a
    problem named with the file and key."""
    if not isinstance(nodes, list):
        ed.fail(f"{source}, remove", "expected a list of mine, refinery, purifier or fab ids")
        return
    owners = {"mines": "mine", "refineries": "refinery", "purifiers": "purifier", "fabs": "fab"}
    # Rows of other sheets that name a node go with it (a slate or fab-grade line of a removed refinery).
    references = {"composition": ("mine",), "demand": ("fab",), "arcs": ("from", "to"),
                  "refinery_products": ("refinery",), "upgrades": ("refinery",)}
    for node in nodes:
        found = False
        for sheet, column in owners.items():
            if sheet == "purifiers" and sheet not in ed.tables.frames:
                continue
            frame = ed.frame(sheet)
            hit = frame[column] == node
            found |= bool(hit.any())
            ed.tables.frames[sheet] = frame[~hit].reset_index(drop=True)
        if not found:
            ed.fail(f"{source}, remove, key {node!r}", "no mine, refinery, purifier or fab has this id")
            continue
        for sheet, columns in references.items():
            if sheet in ed.tables.frames:
                frame = ed.tables.frames[sheet]
                hit = pd.Series(False, index=frame.index)
                for column in columns:
                    hit |= frame[column] == node
                ed.tables.frames[sheet] = frame[~hit].reset_index(drop=True)
