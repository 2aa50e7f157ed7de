"""The template workbook: every sheet and header, a comment per header, and it reads back as empty tables."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from optimizer.io.load import check_input
from optimizer.io.read import read_input
from optimizer.io.schema import TABLES
from optimizer.io.template import write_template


def test_template_has_readme_then_every_sheet_with_commented_headers(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README"] + [t.name for t in TABLES]
    readme = [row[0] for row in book["README"].iter_rows(values_only=True)]
    assert all(t.name in readme for t in TABLES)
    fabs = book["fabs"]
    assert [c.value for c in fabs[1]] == TABLES[5].column_names
    assert all(c.font.bold for c in fabs[1])
    note = fabs["E1"].comment.text
    assert "not delivered" in note and "Unit: USD per tonne" in note and "may be left out" in note
    build = next(c for c in book["refineries"][1] if c.value == "build")
    assert "Allowed: none, continuous, lumpy" in build.comment.text
    assert not list(tmp_path.glob("sub/.*tmp"))  # no temporary file left behind


def test_template_reads_back_as_empty_tables(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    tables = read_input(path)
    assert set(tables.frames) == {t.name for t in TABLES}
    assert all(frame.empty for frame in tables.frames.values())
    problems = [str(p) for p in check_input(path)]
    required = [t.name for t in TABLES if not t.optional]
    assert problems == [f"sheet {name}: no data rows: this sheet needs at least one" for name in required]


def test_template_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_text("old")
    write_template(path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "README"
