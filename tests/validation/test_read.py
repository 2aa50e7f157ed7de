"""Reading: files that cannot be used, missing sheets and columns, and cells that are not what their column says."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import small_case, write_csv_dir, write_workbook

from optimizer.errors import InputError
from optimizer.io.load import check_input
from optimizer.io.read import read_input


def only_problem(problems: list[str], fragment: str) -> str:
    """The one problem containing ``fragment`` (fails with the whole list otherwise)."""
    hits = [p for p in problems if fragment in p]
    assert len(hits) == 1, problems
    return hits[0]


# --- files ---------------------------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    [problem] = check_input(tmp_path / "nowhere.xlsx")
    assert "nowhere.xlsx" in str(problem) and "not found" in str(problem)


def test_directory_without_csv(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    [problem] = check_input(tmp_path)
    assert "no CSV files" in str(problem)


def test_file_named_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "case.xlsx"
    fake.write_text("country,name\nUSA,United States\n")
    with pytest.raises(InputError) as err:
        read_input(fake)
    [problem] = err.value.problems
    assert "not an Excel workbook" in str(problem)


def test_single_csv_file_is_not_an_input(tmp_path: Path) -> None:
    file = tmp_path / "fabs.csv"
    file.write_text("fab\n")
    [problem] = check_input(file)
    assert "directory" in str(problem)


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_csv_file(tmp_path: Path, case: dict, content: bytes) -> None:
    write_csv_dir(tmp_path, case)
    (tmp_path / "mines.csv").write_bytes(content)
    problems = [str(p) for p in check_input(tmp_path)]
    assert only_problem(problems, "mines.csv").startswith("mines.csv: empty")


def test_csv_not_utf8(tmp_path: Path, case: dict) -> None:
    write_csv_dir(tmp_path, case)
    (tmp_path / "countries.csv").write_bytes("country,name,bloc\nCIV,C\xf4te d'Ivoire,other\n".encode("cp1252"))
    problems = [str(p) for p in check_input(tmp_path)]
    assert "UTF-8" in only_problem(problems, "countries.csv")


def test_semicolon_separated_csv(tmp_path: Path, case: dict) -> None:
    write_csv_dir(tmp_path, case)
    (tmp_path / "products.csv").write_text("product;description\nNd2O3;x\nY2O3;y\n")
    problems = [str(p) for p in check_input(tmp_path)]
    assert "';'" in only_problem(problems, "products.csv")


# --- sheets and columns --------------------------------------------------------------------------------------


def test_missing_required_sheet_with_spelling_hint(problems_in, case) -> None:
    case["fab"] = case.pop("fabs")
    problems = problems_in(case)
    message = only_problem(problems, "fabs.csv")
    assert message.startswith("fabs.csv: missing") and "'fab.csv'" in message


def test_missing_required_sheet_in_workbook(problems_in, case) -> None:
    del case["lanes"]
    assert "sheet lanes: missing: this sheet is required" in problems_in(case, "xlsx")


def test_missing_required_column(problems_in, case) -> None:
    case["mines"] = case["mines"].rename(columns={"capacity_t": "capacity"})
    message = only_problem(problems_in(case), "capacity_t")
    assert message.startswith("mines.csv, column capacity_t: missing required column")
    assert "'capacity'" in message


def test_optional_columns_absent_take_defaults(tmp_path: Path, case) -> None:
    tables = read_input(write_csv_dir(tmp_path, case))
    refineries = tables.frames["refineries"]
    assert list(refineries["lifetime_yr"]) == [20.0, 20.0]
    assert list(tables.frames["lanes"]["blocked"]) == [False]
    assert list(tables.frames["caps"]["importer"]) == ["*"]


def test_extra_columns_and_unknown_sheets_ignored(tmp_path: Path, case) -> None:
    tables = read_input(write_workbook(tmp_path / "case.xlsx", case))
    assert "README" not in tables.frames
    assert "source" not in tables.frames["mines"].columns
    assert tables.headers["mines"][4] == "source"


def test_row_numbers_skip_blank_rows(tmp_path: Path, case) -> None:
    write_csv_dir(tmp_path, case)
    (tmp_path / "products.csv").write_text("product,description,note\nNd2O3,a,\n,,\n , ,section two\nY2O3,b,\n")
    tables = read_input(tmp_path)
    assert list(tables.frames["products"]["_row"]) == [2, 5]
    assert list(tables.frames["products"]["product"]) == ["Nd2O3", "Y2O3"]


def test_headers_and_choices_are_case_insensitive_and_text_is_stripped(tmp_path: Path, case) -> None:
    case["refineries"] = case["refineries"].rename(columns={"build": " Build "})
    case["refineries"][" Build "] = ["Continuous", "NONE"]
    case["countries"]["country"] = [" USA", "CHN ", "JPN"]
    tables = read_input(write_csv_dir(tmp_path, case))
    assert list(tables.frames["refineries"]["build"]) == ["continuous", "none"]
    assert list(tables.frames["countries"]["country"]) == ["USA", "CHN", "JPN"]


# --- cells ---------------------------------------------------------------------------------------------------


def test_text_in_a_number_column(problems_in, case) -> None:
    case["mines"]["capacity_t"] = ["abc", "5000"]
    assert "mines.csv row 2, column capacity_t: expected a number, got 'abc'" in problems_in(case)


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity"])
def test_nan_and_infinite_numbers(problems_in, case, bad: str) -> None:
    case["mines"]["cost_usd_per_t"] = ["50", bad]
    message = only_problem(problems_in(case), "cost_usd_per_t")
    assert message.startswith("mines.csv row 3, column cost_usd_per_t: expected a finite number")


def test_numbers_in_scientific_notation_and_ints(tmp_path: Path, case) -> None:
    case["mines"]["capacity_t"] = ["1e3", "5000"]
    tables = read_input(write_csv_dir(tmp_path, case))
    assert list(tables.frames["mines"]["capacity_t"]) == [1000.0, 5000.0]


def test_negative_number(problems_in, case) -> None:
    case["fabs"]["demand_t"] = [10.0, 5.0, -5.0]
    assert "fabs.csv row 4, column demand_t: must be >= 0, got -5" in problems_in(case)


def test_negative_number_in_workbook_names_the_cell(problems_in, case) -> None:
    case["fabs"]["demand_t"] = [10.0, 5.0, -5.0]
    assert "fabs!D4: must be >= 0, got -5" in problems_in(case, "xlsx")


def test_share_outside_zero_one(problems_in, case) -> None:
    case["refineries"]["recovery"] = [1.5, 0.9]
    assert "refineries!E2: must be between 0 and 1, got 1.5" in problems_in(case, "xlsx")


def test_percent_share_gets_a_hint(problems_in, case) -> None:
    case["composition"]["share"] = ["20%", 0.05, 0.15, 0.1]
    assert "0.5" in only_problem(problems_in(case), "composition.csv row 2, column share")


def test_bad_choice(problems_in, case) -> None:
    case["caps"]["stage"] = ["everywhere"]
    assert ("caps.csv row 2, column stage: must be one of mine, refine, purify, any; got 'everywhere'"
            in problems_in(case))


@pytest.mark.parametrize(("cell", "expected"), [("yes", True), ("NO", False), ("1", True), ("0", False),
                                                ("", False), ("TRUE", True)])
def test_booleans(tmp_path: Path, case, cell: str, expected: bool) -> None:
    case["lanes"]["blocked"] = [cell]
    tables = read_input(write_csv_dir(tmp_path, case))
    assert tables.frames["lanes"]["blocked"].tolist() == [expected]


def test_bad_boolean(problems_in, case) -> None:
    case["lanes"]["blocked"] = ["maybe"]
    assert "lanes!D2: expected true or false" in " ".join(problems_in(case, "xlsx"))


def test_blank_required_cell(problems_in, case) -> None:
    case["mines"]["country"] = ["USA", None]
    assert "mines.csv row 3, column country: missing value (required)" in problems_in(case)


def test_blank_optional_number_is_nan(tmp_path: Path, case) -> None:
    tables = read_input(write_csv_dir(tmp_path, case))
    penalty = tables.frames["fabs"]["unmet_penalty_usd_per_t"].tolist()
    assert math.isnan(penalty[0]) and penalty[2] == 100000.0


def test_every_problem_is_collected(problems_in, case) -> None:
    case["mines"]["capacity_t"] = ["abc", -1.0]
    case["fabs"]["demand_t"] = [10.0, "x", -5.0]
    case["caps"]["stage"] = ["nowhere"]
    case["composition"]["mine"] = ["M_US", "M_US", "M_XX", "M_CN"]
    problems = problems_in(case)
    assert len(problems) == 6, problems
    # sorted by sheet (schema order) then row
    assert [p.split(" ")[0] for p in problems] == ["mines.csv"] * 2 + ["composition.csv", "fabs.csv", "fabs.csv",
                                                                        "caps.csv"]


def test_formula_cells_use_their_saved_values(tmp_path: Path, case) -> None:
    import openpyxl

    path = write_workbook(tmp_path / "case.xlsx", case)
    book = openpyxl.load_workbook(path)
    book["mines"]["C2"] = "=2*500"  # never calculated: no saved value
    book.save(path)
    message = only_problem([str(p) for p in check_input(path)], "mines!C2")
    assert "formula without a saved value" in message


def test_sha256_depends_on_content(tmp_path: Path, case) -> None:
    first = read_input(write_csv_dir(tmp_path / "a", case)).sha256
    assert read_input(write_csv_dir(tmp_path / "b", small_case())).sha256 == first
    (tmp_path / "b" / "notes.csv").write_text("anything\n")  # not a schema sheet: not hashed
    assert read_input(tmp_path / "b").sha256 == first
    case["mines"]["capacity_t"] = [1001.0, 5000.0]
    assert read_input(write_csv_dir(tmp_path / "c", case)).sha256 != first


def test_workbook_and_csv_give_identical_tables(tmp_path: Path, case) -> None:
    from_csv = read_input(write_csv_dir(tmp_path / "dir", case))
    from_xlsx = read_input(write_workbook(tmp_path / "case.xlsx", case))
    assert from_csv.frames.keys() == from_xlsx.frames.keys()
    for sheet, frame in from_csv.frames.items():
        pd.testing.assert_frame_equal(frame, from_xlsx.frames[sheet])
