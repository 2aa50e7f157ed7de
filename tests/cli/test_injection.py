"""Text from the input (ids, scenario and file names) never runs as a formula, an escape sequence or a bidi trick.

Ids holding control characters or bidi controls are refused where they are read (sheet, row and column named);
what reaches the output by other ways (a folder's name, a scenario's) is escaped by ``optimizer.safe_text``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.results_xlsx import results_workbook_bytes
from optimizer.io.write import write_results

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    shutil.copytree(EXAMPLE, path)
    return path


def with_mine_id(case: Path, mine: str) -> None:
    for name in ("mines.csv", "composition.csv"):
        path = case / name
        path.write_text(path.read_text().replace("mt_weld", mine))


@pytest.mark.parametrize("mine", ["mt\x1b[2Jweld", "mt\x1b]8;;http://x\x07weld", "weld\u202eexe.txt", "mt\x00weld",
                                  "mt\u2066weld"])
def test_ids_with_control_characters_or_bidi_controls_are_refused_with_their_place(case: Path, mine: str) -> None:
    with_mine_id(case, mine)
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2, result.output
    assert "mines.csv row 3, column mine" in result.output and "control character" in result.output
    assert "composition.csv" in result.output
    assert not any(c in result.output for c in "\x1b\x00\x07\u202e\u2066"), repr(result.output)


def test_a_folder_name_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    case = tmp_path / "in\x1b[31mred\u202e"
    shutil.copytree(EXAMPLE, case)
    out = tmp_path / "out\x1b[2J"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--no-baseline"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "in\\x1b[31mred\\u202e" in result.output
    book = openpyxl.load_workbook(out / "results.xlsx")  # the writer did not crash on the control character
    values = [row[1].value for row in book["summary"].iter_rows(min_row=2) if row[0].value == "input"]
    assert values and "\\x1b" in values[0]


def test_an_input_error_naming_a_bad_file_is_escaped(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "no\x1b[2Jsuch.xlsx")])
    assert result.exit_code == 2 and "\x1b" not in result.output and "no\\x1b[2Jsuch.xlsx" in result.output


def test_text_in_the_summary_sheet_never_becomes_a_formula() -> None:
    summary = {"status": "optimal", "scenario": "=1+2", "message": "@SUM(A1)",
               "input": {"source": "=HYPERLINK(\"http://x\",\"y\")", "sha256": "+cmd"}}
    frame = pd.DataFrame({"refinery": ["=1+2", "-x", "\x1bbad", "plain"], "new_tpa": [-1.5, 2.0, 3.0, 4.0]})
    data = results_workbook_bytes({"builds": frame}, summary)
    path = Path(__import__("tempfile").mkdtemp()) / "r.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    builds = book["builds"]
    assert [builds.cell(r, 1).value for r in range(2, 6)] == ["=1+2", "-x", "\\x1bbad", "plain"]
    assert builds["B2"].value == -1.5  # a negative number is a number


def test_csv_cells_starting_with_tab_or_carriage_return_are_quoted(tmp_path: Path) -> None:
    from optimizer.safe_text import csv_cell

    frame = pd.DataFrame({"refinery": ["\tcmd", "=x", "ok"], "t": [-1.0, 2.0, 3.0]})
    write_results(tmp_path / "o", {"builds": frame}, None)
    rows = pd.read_csv(tmp_path / "o" / "builds.csv", keep_default_na=False)
    assert rows["refinery"].tolist() == ["'\tcmd", "'=x", "ok"]
    assert rows["t"].tolist() == [-1.0, 2.0, 3.0]
    assert csv_cell("\r=x") == "'\r=x" and csv_cell(-5.0) == -5.0 and csv_cell("-5") == "'-5"


def test_a_carriage_return_in_an_id_is_refused(tmp_path: Path) -> None:
    case = tmp_path / "in"
    shutil.copytree(EXAMPLE, case)
    with_mine_id(case, "\"mt\r=cmd\"")
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 2 and "mines.csv row 3, column mine" in result.output and "\r" not in result.output


@pytest.mark.parametrize("command", [["validate"], ["sweep", "--cap", "CHN:any", "--steps", "2"],
                                     ["stress", "--remove", "AUS"]])
def test_every_command_prints_a_folder_name_escaped(tmp_path: Path, command: list[str]) -> None:
    case = tmp_path / "in\x1b]0;title\x07"
    shutil.copytree(EXAMPLE, case)
    out = ["--out", str(tmp_path / "out\u202e")] if command[0] != "validate" else []
    result = CliRunner().invoke(main, [command[0], str(case), *command[1:], *out])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "in\\x1b]0;title\\x07" in result.output
