"""Ctrl-C during a long solve: exit 130 at once, nothing written, no lock or folder left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path


def test_ctrl_c_during_a_sweep_exits_130_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    # 1001 points take minutes; the test interrupts after the first one is printed.
    proc = subprocess.Popen([sys.executable, "-c", "from optimizer.cli import main; main()", "sweep", "--cap",
                             "CHN:any", "--steps", "1001", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "%" in line:  # the first point is solved: HiGHS is busy with the next ones
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted: no results written" in err and "Traceback" not in err and "terminate" not in err
    assert not out.exists()
