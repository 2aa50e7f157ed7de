"""What `solve` prints: plain text in pipes and logs, rich tables on a terminal, the same numbers in both; and the
progress helper that sweeps and stress tests use."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.report import progress as progress_module
from optimizer.report.progress import progress, spinner
from optimizer.report.terminal import plain_text, print_run, summarise, usd
from optimizer.solver.run import solve_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


@pytest.fixture(scope="module")
def example_run():  # noqa: ANN201
    return solve_case(load_case(EXAMPLE))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_usd_puts_the_sign_before_the_dollar() -> None:
    assert [usd(x) for x in (41_427_966.7, -1_360_174.2, 603_743.8, 12.4, 2.5e9)] == [
        "$41.43M", "-$1.36M", "$603.74k", "$12", "$2.50bn"]


def test_plain_summary_leads_with_the_caps_cost_then_builds_breakdown_and_caps(example_run, tmp_path: Path) -> None:
    text = plain_text(summarise(example_run, EXAMPLE, tmp_path))
    lines = text.splitlines()
    # One steady-state year: the caps cost 41.43M - 17.07M a year, over 2,780 t of fab oxide in the cap's scope.
    assert lines[1] == "  caps cost: $24.36M per year; $8.76k per t of fab oxide"
    assert lines[2] == "  China's share of demand: 50.0% (cap 50.0%; without caps 100.0%)"
    assert "    jp_sep_candidate            JPN         1,516 t/yr" in lines
    breakdown = lines.index("  cost breakdown, USD per year:")
    assert lines[breakdown + 1] == \
        "    total cost, per year             $41.43M   (the whole chain, net of co-product sales)"
    assert lines[breakdown + 2] == "    without caps, per year           $17.07M   (caps cost $24.36M)"
    assert "  cap china_any: 50.0% of 2,780 t demanded (max 50.0%), costs $603.74k per year per point tighter" in lines


def test_pipe_gets_plain_text_and_terminal_gets_tables_with_the_same_numbers(example_run, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    pipe, tty = io.StringIO(), Terminal()
    print_run(example_run, EXAMPLE, tmp_path, stream=pipe)
    print_run(example_run, EXAMPLE, tmp_path, stream=tty)
    assert pipe.getvalue() == plain_text(summarise(example_run, EXAMPLE, tmp_path)) + "\n"
    table = tty.getvalue()
    assert "\x1b[" in table and "───" in table  # styled, with table rules
    for number in ("caps cost: $24.36M per year", "$8.76k per t", "$41.43M", "$17.07M", "1,516", "50.0%", "100.0%",
                   "$603.74k per year per point"):
        assert number in table, number


def test_progress_yields_every_item_and_prints_nothing_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(range(5), label="sweep", delay=0)) == [0, 1, 2, 3, 4]
    assert list(progress(iter("abc"), label="sweep", quiet=True, delay=0)) == ["a", "b", "c"]
    with spinner("solving", delay=0):
        pass
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_only_once_the_work_is_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    monkeypatch.setattr(progress_module, "interactive", lambda stream=None: True)
    from rich.progress import Progress

    monkeypatch.setattr(Progress, "start", lambda self: started.append(True))
    assert list(progress(range(3), label="quick", delay=5.0)) == [0, 1, 2]
    assert started == []

    def slow(n: int):  # noqa: ANN202
        for i in range(n):
            time.sleep(0.05)
            yield i

    assert list(progress(slow(4), total=4, label="slow", delay=0.05)) == [0, 1, 2, 3]
    assert started == [True]
    assert list(progress(range(3), label="quiet", quiet=True, delay=0)) == [0, 1, 2]
    assert started == [True]
