"""``--out DIR`` writes only paxsilica's own files: user files survive, inputs are refused, locks, debris, modes."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
MANIFEST = ".paxsilica-manifest.json"


def solve(*args: str) -> object:
    return CliRunner().invoke(main, ["solve", *args, "-q", "--no-baseline"])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    path = tmp_path / "proj" / "in"
    shutil.copytree(EXAMPLE, path)
    return path


def test_a_users_file_in_the_results_folder_survives(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "sub").mkdir()
    (out / "sub" / "flows.csv").write_text("mine")
    for _ in range(2):  # the second run replaces the first run's files, and still nothing else
        result = solve(str(case), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert (out / "notes.txt").read_text() == "my notes"
        assert (out / "sub" / "flows.csv").read_text() == "mine"
        assert (out / "flows.csv").is_file() and (out / "summary.json").is_file()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["complete"] is True and "notes.txt" not in manifest["files"]
    assert "flows.csv" in manifest["files"] and "summary.json" in manifest["files"]


@pytest.mark.parametrize("where", ["in", "proj", "proj_parent"])
def test_out_that_is_or_holds_the_input_is_refused_and_nothing_changes(case: Path, where: str) -> None:
    out = {"in": case, "proj": case.parent, "proj_parent": case.parent.parent}[where]
    before = tree(out)
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "input" in result.output and "Traceback" not in result.output
    assert tree(out) == before


def test_out_holding_a_scenario_file_is_refused(case: Path, tmp_path: Path) -> None:
    scenarios = tmp_path / "scen"
    scenarios.mkdir()
    (scenarios / "tight.toml").write_text("[caps]\nchina_any = 0.3\n")
    result = solve(str(case), "--scenario", str(scenarios / "tight.toml"), "--out", str(scenarios))
    assert result.exit_code == 2 and "holds the input" in result.output
    assert sorted(p.name for p in scenarios.iterdir()) == ["tight.toml"]


def test_current_folder_root_and_home_are_refused(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("x")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(work))
    for out in (".", str(work), "~"):
        result = solve(str(case), "--out", out)
        assert result.exit_code == 2, (out, result.output)
        assert "refusing" in result.output
    assert sorted(p.name for p in work.iterdir()) == ["keep.txt"]
    # The root folder is checked without running a solve: a regression must not write there.
    from optimizer.io.outdir import OutputError, check_out_dir

    with pytest.raises(OutputError, match="root folder"):
        check_out_dir(Path("/"))


def test_out_that_is_a_file_or_below_one_is_refused(case: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    for out, words in ((victim, "is a file"), (victim / "sub", "below a file")):
        result = solve(str(case), "--out", str(out))
        assert result.exit_code == 2 and words in result.output, result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert victim.read_text() == "precious"


def test_a_file_of_the_same_name_the_tool_did_not_write_is_not_replaced(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "flows.csv").write_text("someone else's flows")
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 2 and "was not written by paxsilica" in result.output
    assert (out / "flows.csv").read_text() == "someone else's flows"
    assert sorted(p.name for p in out.iterdir()) == ["flows.csv"]


def test_stale_files_go_only_when_the_old_manifest_lists_them(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert solve(str(case), "--out", str(out), "--report").exit_code == 0
    (out / "risk-notes.csv").write_text("user")
    assert (out / "report.html").is_file()
    assert solve(str(case), "--out", str(out)).exit_code == 0
    assert not (out / "report.html").exists()  # the tool's report of the earlier run is stale: removed
    assert (out / "risk-notes.csv").read_text() == "user"


def test_results_folders_follow_the_umask(case: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "a" / "b"
        assert solve(str(case), "--out", str(out)).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "flows.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / MANIFEST).stat().st_mode) == 0o644


def test_debris_of_killed_runs_is_cleaned(case: Path, tmp_path: Path) -> None:
    from optimizer.io.outdir import staging_name

    out = tmp_path / "prev"
    out.mkdir()
    for name in (staging_name(), staging_name("manifest-")):  # what a killed run of this user leaves
        (out / name).mkdir()
        (out / name / "flows.csv").write_text("half")
    assert solve(str(case), "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [MANIFEST]


def test_a_second_run_on_a_locked_folder_says_so(case: Path, tmp_path: Path) -> None:
    from optimizer.io.outdir import out_lock

    out = tmp_path / "out"
    with out_lock(out):
        pid = os.fork()
        if pid == 0:  # another process: the lock is per process
            result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "-q", "--no-baseline"])
            ok = result.exit_code == 2 and "being written by another paxsilica run" in result.output
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not out.exists()  # the lock's folder was created for the lock only, and is gone with it
    assert solve(str(case), "--out", str(out)).exit_code == 0


def test_read_only_folder_is_one_line_and_exit_2(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes into read-only folders: make the first write fail as it would for a user
        import errno

        import optimizer.io.write as write

        def denied(*_args: object, **_kwargs: object) -> str:
            raise PermissionError(errno.EACCES, "Permission denied", str(out))

        monkeypatch.setattr(write, "_make_staging", denied)
    try:
        result = solve(str(case), "--out", str(out))
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "cannot write" in result.output and "Permission denied" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_disk_full_while_writing_keeps_the_earlier_results(case: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import optimizer.io.write as write

    out = tmp_path / "out"
    assert solve(str(case), "--out", str(out)).exit_code == 0
    before = tree(out)

    def full(df: object, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(write, "_write_csv", full)
    result = solve(str(case), "--out", str(out), "--cap", "CHN:any=0.3")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and len(result.output.strip().splitlines()) == 1
    assert tree(out) == before


def test_ctrl_c_exits_130_and_writes_nothing(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.solver.run

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(optimizer.solver.run, "solve_case", interrupted)
    out = tmp_path / "out"
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 130
    assert "interrupted" in result.output and not out.exists()


def test_csv_cells_that_look_like_formulas_are_quoted(tmp_path: Path) -> None:
    import pandas as pd

    from optimizer.io.write import write_results

    frame = pd.DataFrame({"refinery": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@sum", "plain"], "t": [-1.5, 1, 2, 3, 4]})
    write_results(tmp_path / "o", {"builds": frame}, {"status": "optimal"})
    lines = (tmp_path / "o" / "builds.csv").read_text().splitlines()
    assert lines == ["refinery,t", "\"'=HYPERLINK(\"\"x\"\")\",-1.5", "'+1,1.0", "'-cmd,2.0", "'@sum,3.0",
                     "plain,4.0"]
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "o" / "results.xlsx")["builds"]
    assert sheet["A2"].value == "=HYPERLINK(\"x\")" and sheet["A2"].data_type == "s"  # text, not a formula


def test_the_input_and_a_users_file_beside_the_results_are_untouched_by_every_writing_command(
        case: Path, tmp_path: Path) -> None:
    # The input is read-only, and a user's file in the results folder survives solve, sweep, stress and report.
    input_before = tree(case)
    out = tmp_path / "results"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    runner = CliRunner()
    commands = [
        ["solve", str(case), "--out", str(out), "-q"],
        ["sweep", str(case), "--cap", "CHN:any", "--steps", "3", "--out", str(out / "sweep"), "-q"],
        ["stress", str(case), "--n-1", "country", "--out", str(out / "stress"), "-q"],
        ["report", str(out), "--out", str(out / "report.html"), "-q"],
    ]
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert (out / "notes.txt").read_text() == "my notes", args
        assert tree(case) == input_before, args
