"""README.md and models/README.md cannot drift: every console example runs and prints what the page shows.

``PAXSILICA_UPDATE_DOCS=1 pytest tests/docs`` (or ``scripts/update_docs.py``) rewrites the examples that differ,
and the figures in prose, from the tool's output instead of failing (see :mod:`tests.docs.pages`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.docs.pages import PAGES, REPO, UPDATE_ENV, matches, parse_page, run_page, shown_output, update_page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_console_example_prints_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    done = run_page(page, tmp_path)
    if os.environ.get(UPDATE_ENV):
        update_page(done)
        return
    assert not done.problems, "\n\n".join(done.problems) + f"\n\n(rewrite from the tool: {UPDATE_ENV}=1 pytest tests/docs)"


def test_elisions_match_lines_and_text_within_a_line() -> None:
    shown = ["paxsilica: x -> optimal", "...", "  21 points in ... s; results: out"]
    assert matches(shown, ["paxsilica: x -> optimal", "a", "b", "  21 points in 4.15 s; results: out"])
    assert matches(shown, ["paxsilica: x -> optimal", "  21 points in 0.2 s; results: out  "])
    assert not matches(shown, ["paxsilica: x -> infeasible", "  21 points in 4.15 s; results: out"])
    assert not matches(["a"], ["a", "b"])  # an output longer than shown needs its `...`


def test_update_mode_keeps_the_lines_asked_for_and_masks_times() -> None:
    out = ["head", "one", "two", "three", "  21 points in 4.15 s; results: x"]
    assert shown_output(out, "1,3-", None) == ["head", "...", "two", "three", "  21 points in ... s; results: x"]
    assert shown_output(out, None, r"results: \w+") == ["head", "one", "two", "three", "  21 points in ... s; ..."]
    assert shown_output(out, "all", None, hide="^(one|two)$") == ["head", "...", "three", "  21 points in ... s; results: x"]


def test_a_page_rewritten_in_update_mode_keeps_what_still_matches(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# t\n\n```console\n$ echo kept\nk...\n$ printf 'a\\nb\\n'\nold\n```\n\nSaid <!--fig:none-->x<!--/fig-->.\n")
    done = run_page(page, tmp_path)
    assert [p.split(":")[2] if p.count(":") > 2 else p for p in done.problems]
    update_page(done)
    blocks = parse_page(page.read_text())
    assert [c.expected for c in blocks[0].commands] == [["k..."], ["a", "b"]]


def test_a_console_block_must_start_with_a_command() -> None:
    with pytest.raises(ValueError, match="```sh block"):
        parse_page("```console\nmake run\n```\n")
