"""Files the tool did not write are never followed, replaced or deleted, whatever their names or contents say.

Each test plants what a hostile (or careless) colleague could: a link where the lock goes, a folder named like the
tool's debris, a manifest the tool did not sign, a scenario file whose solver options name files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import optimizer as px
from optimizer.cli import main
from optimizer.io.outdir import OutputError

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
MANIFEST = ".paxsilica-manifest.json"


def solve(*args: str) -> object:
    return CliRunner().invoke(main, ["solve", *args, "-q", "--no-baseline"])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    shutil.copytree(EXAMPLE, path)
    return path


def test_a_lock_file_that_is_a_link_is_not_followed(case: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".paxsilica.lock").symlink_to(victim)
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.output and ".paxsilica.lock" in result.output
    assert "Traceback" not in result.output
    assert victim.read_text() == "precious"
    assert (out / ".paxsilica.lock").is_symlink()  # not ours to remove either


def test_a_lock_file_that_is_a_hard_link_to_a_users_file_is_not_truncated(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = out / "notes.txt"
    victim.write_text("precious")
    (out / ".paxsilica.lock").hardlink_to(victim)
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 2 and "hard link" in result.output, result.output
    assert victim.read_text() == "precious"


def test_out_that_is_a_link_is_refused(case: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "notes.txt").write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    result = solve(str(case), "--out", str(link))
    assert result.exit_code == 2 and "symbolic link" in result.output, result.output
    assert tree(real) == {"notes.txt": b"mine"}


def test_a_users_folder_named_like_old_debris_beside_out_is_kept(case: Path, tmp_path: Path) -> None:
    for name in (".out.tmp-abcd1234", ".out.old-x_y9ZZ00"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "thesis.tex").write_text("years of work")
    inside = tmp_path / "out" / ".paxsilica-tmp-k1ll3d00"
    inside.mkdir(parents=True)
    (inside / "keep.txt").write_text("mine")
    result = solve(str(case), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    for name in (".out.tmp-abcd1234", ".out.old-x_y9ZZ00"):
        assert (tmp_path / name / "thesis.tex").read_text() == "years of work"
    assert (inside / "keep.txt").read_text() == "mine"


def test_a_killed_runs_own_staging_folder_is_cleaned(case: Path, tmp_path: Path) -> None:
    from optimizer.io.outdir import staging_name

    out = tmp_path / "out"
    out.mkdir()
    debris = out / staging_name()
    debris.mkdir()
    (debris / "flows.csv").write_text("half")
    assert solve(str(case), "--out", str(out)).exit_code == 0
    assert not debris.exists()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [MANIFEST]


def test_a_manifest_the_tool_did_not_write_deletes_nothing(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "report.html").write_text("<p>my own report</p>")
    forged = {"written_by": "paxsilica", "version": "9", "complete": True,
              "files": ["notes.txt", "report.html", "summary.json"],
              "sha256": {"notes.txt": hashlib.sha256(b"my notes").hexdigest()}, "signature": "0" * 64}
    (out / MANIFEST).write_text(json.dumps(forged))
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "my notes"
    assert (out / "report.html").read_text() == "<p>my own report</p>"
    assert "notes.txt" not in json.loads((out / MANIFEST).read_text())["files"]


def test_an_edited_manifest_deletes_nothing(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert solve(str(case), "--out", str(out)).exit_code == 0
    (out / "notes.txt").write_text("my notes")
    doc = json.loads((out / MANIFEST).read_text())
    doc["files"].append("notes.txt")
    doc["sha256"]["notes.txt"] = hashlib.sha256(b"my notes").hexdigest()
    (out / MANIFEST).write_text(json.dumps(doc))
    before = tree(out)
    result = solve(str(case), "--out", str(out))  # the manifest is not the tool's now: it owns nothing at all
    assert result.exit_code == 2 and "was not written by paxsilica" in result.output, result.output
    assert tree(out) == before


def test_a_result_file_the_user_changed_is_not_replaced(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert solve(str(case), "--out", str(out)).exit_code == 0
    (out / "flows.csv").write_text("my edited flows")
    result = solve(str(case), "--out", str(out))
    assert result.exit_code == 2 and "flows.csv" in result.output, result.output
    assert (out / "flows.csv").read_text() == "my edited flows"


def test_a_copied_manifest_does_not_own_the_copys_files(case: Path, tmp_path: Path) -> None:
    # A colleague's results folder (signed with their key) copied in: its files are not this user's tool's.
    out = tmp_path / "out"
    assert solve(str(case), "--out", str(out)).exit_code == 0
    theirs = tmp_path / "theirs"
    shutil.copytree(out, theirs)
    (theirs / "flows.csv").write_text("their flows")
    assert solve(str(case), "--out", str(theirs)).exit_code == 2
    assert (theirs / "flows.csv").read_text() == "their flows"


@pytest.mark.parametrize("option", ["solution_file", "log_file", "write_model_file", "write_basis_file",
                                    "write_presolved_model_file", "write_iis_model_file",
                                    "mip_improving_solution_file"])
def test_solver_options_that_name_files_are_refused_in_a_scenario_file(case: Path, tmp_path: Path,
                                                                        option: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    scenario = tmp_path / "colleague.toml"
    scenario.write_text(f'[solver]\n{option} = "{victim}"\nwrite_solution_to_file = true\n')
    result = solve(str(case), "--scenario", str(scenario), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert option in result.output and "file" in result.output and "Traceback" not in result.output
    assert victim.read_text() == "precious"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", ["write_model_to_file=true", "write_solution_to_file=on",
                                    "write_presolved_model_to_file=true", "mip_improving_solution_save=true",
                                    "solution_file=x.sol", "read_basis_file=x.bas"])
def test_solver_options_that_name_files_are_refused_on_the_command_line(case: Path, tmp_path: Path,
                                                                         option: str) -> None:
    result = solve(str(case), "--solver-option", option, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert option.split("=")[0] in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_solver_options_that_name_files_are_refused_in_a_batch_file(case: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    batch = tmp_path / "batch.toml"
    batch.write_text(f'input = "{case}"\n[solver]\nsolution_file = "{victim}"\nwrite_solution_to_file = true\n'
                     '[scenarios.a]\n')
    result = CliRunner().invoke(main, ["batch", str(batch), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "solution_file" in result.output and "Traceback" not in result.output
    assert victim.read_text() == "precious"


def test_api_solver_options_that_name_files_are_refused(case: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="solver_options.*solution_file.*file"):
        px.solve(case, solver_options={"solution_file": str(tmp_path / "x"), "write_solution_to_file": True})
    assert not (tmp_path / "x").exists()


def test_api_write_refuses_the_input_folder_as_the_cli_does(case: Path) -> None:
    before = tree(case)
    run = px.solve(case, baseline=False)
    for target in (case, case.parent):
        with pytest.raises(OutputError, match="input"):
            run.write(target)
    frontier = px.sweep(case, cap="CHN:any", steps=2)
    with pytest.raises(OutputError, match="input"):
        frontier.write(case)
    assert tree(case) == before


def test_without_a_writable_config_folder_a_second_run_still_replaces_its_own_files(case: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PAXSILICA_KEY_FILE"}
    env.update(XDG_CONFIG_HOME=str(blocker / "config"), TMPDIR=str(tmp_path / "tmp"))
    out = tmp_path / "out"
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", "from optimizer.cli import main; main()", "solve", str(case),
                               "--out", str(out), "-q", "--no-baseline"], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    key = tmp_path / "tmp" / f"paxsilica-{os.getuid()}" / "manifest.key"
    assert key.is_file() and (key.stat().st_mode & 0o777) == 0o600


def test_a_key_folder_in_the_temporary_folder_made_by_someone_else_is_not_used(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from optimizer.io import signing

    monkeypatch.setattr(signing.tempfile, "gettempdir", lambda: str(tmp_path))
    planted = tmp_path / f"paxsilica-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)  # open to everyone: whoever made it could read the key
    assert signing._fallback_path() is None
