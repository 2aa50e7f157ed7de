"""The report in a real browser: headless Chromium, driven over the DevTools protocol, with no network.

Skipped only where Chromium is not installed (CI installs Debian's chromium before the tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from optimizer.report import build_report
from tests.report.cdp import CHROMIUM, Browser
from tests.report.conftest import FRONTIER_SHARES, case, write_run

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser(width=1400, height=1000)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Browser:
    """The report of the hand-written run folder (every section present), loaded and drawn."""
    folder = write_run(tmp_path_factory.mktemp("run") / "run")
    html = build_report(folder, data=case())[0]
    browser.open(html.as_uri())
    drawn = ("Promise.all(Array.from(document.querySelectorAll('.plotly-graph-div'))"
             ".map(d => d._fullLayout ? true : new Promise(r => d.on('plotly_afterplot', () => r(true)))))"
             ".then(a => a.length)")
    assert browser.evaluate(drawn, await_promise=True) == 8
    return browser


def plot(page: Browser, div: str, what: str) -> object:
    return page.evaluate(f"JSON.parse(JSON.stringify(document.getElementById('{div}').data[0].{what}))")


def test_console_errors_are_caught_by_this_harness(browser: Browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    # Port 9 is one Chromium refuses to reach: the request is recorded and nothing leaves the machine.
    bad.write_text("<html><body><img src='http://127.0.0.1:9/x.png'>"
                   "<script>console.error('boom'); undefined_function();</script></body></html>")
    browser.open(bad.as_uri())
    errors = browser.errors()
    assert any("boom" in e for e in errors) and any("undefined_function" in e for e in errors)
    assert "http://127.0.0.1:9/x.png" in browser.requests()


def test_report_loads_with_no_console_error_and_no_request_beyond_itself(page: Browser) -> None:
    assert page.errors() == []
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in page.requests()), page.requests()
    sections = page.evaluate("Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => d.id)")
    assert sections == ["sankey", "frontier", "stress", "caps_cost", "costs", "builds", "dependence", "risk"]
    assert page.evaluate("document.querySelectorAll('#sankey .sankey-node').length") == 6  # drawn, not just data


def test_sankey_in_the_page_has_the_known_nodes_and_links(page: Browser) -> None:
    labels = plot(page, "sankey", "node.label")
    link = plot(page, "sankey", "link")
    # Each node carries the tonnes through it: what its mines ship, its refineries pass on, its fabs receive.
    assert labels == ["AUS (mine): 110 t", "CHN (mine): 30 t", "MYS (refinery): 90 t", "CHN (refinery): 50 t",
                      "USA (fabs): 100 t", "JPN (fabs): 40 t"]
    nodes = [label.split(": ")[0] for label in labels]
    shown = {(nodes[s], nodes[t], v, "200, 40, 40" in c)  # red: mined or refined in China
             for s, t, v, c in zip(link["source"], link["target"], link["value"], link["color"])}
    assert shown == {
        ("AUS (mine)", "MYS (refinery)", 90, False), ("AUS (mine)", "CHN (refinery)", 20, True),
        ("CHN (mine)", "CHN (refinery)", 30, True),
        ("MYS (refinery)", "USA (fabs)", 50, False), ("MYS (refinery)", "JPN (fabs)", 40, False),
        ("CHN (refinery)", "USA (fabs)", 50, True),
    }


def test_frontier_in_the_page_has_one_point_per_sweep_step(page: Browser) -> None:
    assert plot(page, "frontier", "x") == [100 * s for s in FRONTIER_SHARES]
    drawn = page.evaluate("document.querySelectorAll('#frontier .scatterlayer .point').length")
    assert drawn == len(FRONTIER_SHARES)
    notes = page.evaluate("Array.from(document.querySelectorAll('#frontier .annotation-text')).map(a => a.textContent)")
    assert notes == ["JPN 200 t/yr", "JPN 300 t/yr, USA 80 t/yr"]


def test_stress_bars_in_the_page_put_the_worst_case_on_top(page: Browser) -> None:
    assert plot(page, "stress", "y") == ["AUS", "CHN", "MYS", "AUS->MYS"]


def test_screenshot_of_the_report_is_not_blank(page: Browser, tmp_path: Path) -> None:
    png = page.screenshot(tmp_path / "report.png")
    assert png.stat().st_size > 50_000
    with Image.open(png) as img:
        assert img.height > 2000  # every section, not just the first screen
        colours = img.convert("RGB").resize((200, 400)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 200
