"""Reading is bounded: a far-away cell or a zip bomb is refused (exit 2) before it can exhaust memory; sheets that
match one table name loosely are ambiguous."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io.read import read_tables
from optimizer.io.workbook import MAX_COLUMNS, MAX_ROWS, MAX_UNCOMPRESSED_BYTES

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
WORKBOOK = Path(__file__).resolve().parents[2] / "inputs" / "pax_silica_2025.xlsx"


def validate(path: Path) -> object:
    return CliRunner().invoke(main, ["validate", str(path)])


def test_one_cell_at_xfd1048576_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    book = openpyxl.load_workbook(WORKBOOK)
    book["mines"]["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 200_000
    result = validate(path)
    assert result.exit_code == 2, result.output
    assert "mines!XFD1048576" in result.output and f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns" in result.output


def test_a_declared_dimension_alone_sizes_nothing(tmp_path: Path) -> None:
    """A stray empty but styled cell far away (Excel declares A1:XFD1048576) is not a value: read as usual."""
    path = tmp_path / "styled.xlsx"
    book = openpyxl.load_workbook(WORKBOOK)
    book["mines"]["XFD1048576"].number_format = "0.00"
    book.save(path)
    tables, problems = read_tables(path)
    assert problems == [] and len(tables.frames["mines"]) > 0


def test_a_zip_bomb_is_refused_before_it_is_unzipped(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(WORKBOOK) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        chunk = b"\0" * (16 * 2**20)
        with dst.open("xl/media/padding.bin", "w", force_zip64=True) as fh:
            for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 2):
                fh.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(InputError, match="unzips to"):
        read_tables(path)
    assert validate(path).exit_code == 2


def test_a_csv_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    (case / "products.csv").write_text("product,description" + ",x" * MAX_COLUMNS + "\nCeO2,ceria\n")
    result = validate(case)
    assert result.exit_code == 2 and "products.csv" in result.output and "columns" in result.output


def test_two_sheets_matching_one_table_loosely_are_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "twice.xlsx"
    book = openpyxl.load_workbook(WORKBOOK)
    copy = book.copy_worksheet(book["mines"])
    copy.title = "Mines "
    book.save(path)
    result = validate(path)
    assert result.exit_code == 2
    assert "sheets 'Mines ' and 'mines' all match 'mines': rename or remove all but one" in result.output
