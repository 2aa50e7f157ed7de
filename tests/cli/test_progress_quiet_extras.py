"""Long work shows progress and streams each result as it is solved; -q silences every command; nothing on a pipe;
a missing optional extra is named (exit 2)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.report import progress as progress_module
from optimizer.solver.highs import HighsProgram

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def invoke(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_sweep_prints_each_point_as_soon_as_it_is_solved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log: list[str] = []
    solve = HighsProgram.solve
    monkeypatch.setattr(HighsProgram, "solve", lambda self, *a, **k: (log.append("solve"), solve(self, *a, **k))[1])
    row = progress_module.Tracker.row
    monkeypatch.setattr(progress_module.Tracker, "row", lambda self, text: (log.append("row"), row(self, text))[1])
    result = invoke("sweep", str(EXAMPLE), "--cap", "CHN:any", "--to", "0.5", "--steps", "3", "--out",
                    str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    # Two header rows, then each solve followed at once by its row (then the uncapped plan's solve).
    assert log[:8] == ["row", "row", "solve", "row", "solve", "row", "solve", "row"]
    assert "\x1b[" not in result.output  # a pipe gets plain text, no bar


def test_stress_prints_each_case_as_it_is_solved_then_the_ranking(tmp_path: Path) -> None:
    result = invoke("stress", str(EXAMPLE), "--n-1", "country", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    solved = [line for line in lines if line.startswith("  solved")]
    assert len(solved) == 6 and lines.index(solved[-1]) < lines.index("Chokepoints, worst first:")


@pytest.mark.parametrize("args", [
    ["solve", str(EXAMPLE)],
    ["sweep", str(EXAMPLE), "--cap", "CHN:any", "--steps", "2"],
    ["stress", str(EXAMPLE), "--remove", "CHN"],
    ["validate", str(EXAMPLE)],
])
def test_quiet_prints_nothing(args: list[str], tmp_path: Path) -> None:
    out = ["--out", str(tmp_path / "o")] if args[0] != "validate" else []
    result = CliRunner().invoke(main, [*args, *out, "-q"], catch_exceptions=False)
    assert result.exit_code == 0 and result.output == ""


@pytest.mark.parametrize("command", ["solve", "validate", "template", "sweep", "stress", "compare", "report", "batch"])
def test_every_command_has_quiet(command: str) -> None:
    assert "-q, --quiet" in invoke(command, "--help").output


def test_on_a_terminal_the_bar_shows_count_and_time_left(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from rich.progress import Progress, TimeRemainingColumn

    started: list[Progress] = []
    monkeypatch.setattr(progress_module, "interactive", lambda stream=None: True)
    monkeypatch.setattr(Progress, "start", lambda self: started.append(self))
    with progress_module.track(3, "sweeping", delay=0.0) as bar:
        for i in range(3):
            bar.row(f"point {i}")
            bar.advance()
        import time

        time.sleep(0.1)  # the bar appears after the delay
    assert len(started) == 1 and any(isinstance(c, TimeRemainingColumn) for c in started[0].columns)
    assert started[0].tasks[0].completed == 3 and started[0].tasks[0].total == 3
    assert capsys.readouterr().out == "point 0\npoint 1\npoint 2\n"
    with progress_module.track(3, "quiet", quiet=True, delay=0.0) as bar:
        bar.row("hidden")
    assert capsys.readouterr().out == "" and len(started) == 1


def test_png_without_matplotlib_names_the_extra_and_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("solve", str(EXAMPLE), "--out", str(out), "-q").exit_code == 0
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    result = CliRunner().invoke(main, ["report", str(out), "--png"])
    assert result.exit_code == 2 and "pip install 'paxsilica[png]'" in result.output
    assert not (out / "report.html").exists()


def test_a_cluster_without_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    result = CliRunner().invoke(main, ["batch", str(EXAMPLE), "--scheduler", "tcp://127.0.0.1:1", "--out",
                                       str(tmp_path / "b")])
    assert result.exit_code == 2 and "pip install 'paxsilica[cluster]'" in result.output
    assert not (tmp_path / "b").exists()
