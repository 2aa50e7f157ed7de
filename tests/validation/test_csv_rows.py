"""A CSV file has no fixed row limit: a case of more than 100,000 arcs is read; what bounds a file is the memory
the case would take, and a file too long for it is refused (exit 2, naming the file) before it is parsed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.orlib import generate_cap, to_model_data, write_case
from optimizer.cli import main
from optimizer.io import memory
from optimizer.io.read import read_tables


@pytest.fixture(scope="module")
def capa_sized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse case of OR-Library capa's shape and more: 101 sites x 1,000 customers = 101,000 arcs."""
    case = tmp_path_factory.mktemp("capa_sized") / "case"
    write_case(to_model_data(generate_cap(101, 1000, seed=1)), case)
    return case


def test_a_csv_case_of_more_than_100000_rows_is_read(capa_sized: Path) -> None:
    assert sum(1 for _ in (capa_sized / "arcs.csv").open()) > 101_000
    tables, problems = read_tables(capa_sized)
    assert problems == []
    assert len(tables.frames["arcs"]) == 101_000 + 101  # customer arcs and the mine's arcs


def test_a_csv_file_longer_than_memory_allows_is_refused_naming_it(
        capa_sized: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As if 1 GiB were available: 65,536 rows at 16 KiB each.
    monkeypatch.setattr(memory, "available_memory", lambda: 2**30)
    result = CliRunner().invoke(main, ["validate", str(capa_sized)])
    assert result.exit_code == 2, result.output
    assert "arcs.csv" in result.output and "101,102 rows: above the 65,536 rows" in result.output
    assert "1.0 GiB" in result.output and "Traceback" not in result.output


def test_a_file_of_empty_lines_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 2**30)
    assert memory.csv_rows_problem(b"\n" * 70_000) is not None
    assert memory.csv_rows_problem(b"a,b\n" * 65_536) is None
    assert memory.csv_rows_problem(b"a,b\n" * 65_536 + b"a,b") is not None  # a last line without its line end
    assert memory.csv_rows_problem(b"a,b\r" * 70_000) is not None  # line ends of an old Mac
    assert memory.csv_rows_problem(b"a,b\r\n" * 65_536) is None


def test_without_meminfo_only_the_file_size_bounds_a_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(memory, "MEMINFO", tmp_path / "missing")
    assert memory.available_memory() is None and memory.csv_rows_problem(b"a\n" * 10**6) is None


def test_a_machine_with_64_gib_available_reads_millions_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 64 * 2**30)
    assert memory.csv_row_limit() == 4 * 2**20
    assert memory.csv_rows_problem(b"a,b\n" * 3_000_000) is None
