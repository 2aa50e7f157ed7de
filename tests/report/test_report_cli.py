"""`paxsilica report` and `paxsilica solve --report / --quiet` through the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from optimizer.cli import main
from tests.report.conftest import write_run

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args))


def test_report_writes_html_and_pngs_of_the_main_charts(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "slides" / "case.html"
    result = run("report", str(run_dir), "--out", str(out), "--png")
    assert result.exit_code == 0, result.output
    pngs = ["sankey", "frontier", "stress", "costs", "builds", "dependence"]
    assert result.output.splitlines() == [f"wrote {out}"] + [f"wrote {tmp_path / 'slides' / f'case-{n}.png'}"
                                                             for n in pngs]
    for name in pngs:
        with Image.open(tmp_path / "slides" / f"case-{name}.png") as img:
            assert img.format == "PNG" and img.width >= 1000
            assert len(img.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 20, name  # something is drawn
    # No temporary files left; the manifest records what paxsilica wrote there.
    hidden = sorted(p.name for p in (tmp_path / "slides").iterdir() if p.name.startswith("."))
    assert hidden == [".paxsilica-manifest.json"]


def test_report_defaults_to_report_html_in_the_run_folder(run_dir: Path) -> None:
    assert run("report", str(run_dir)).exit_code == 0
    assert (run_dir / "report.html").stat().st_size > 3_000_000


def test_missing_run_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert f"paxsilica report: {tmp_path / 'nope'}: no such folder" in result.output
    assert "Traceback" not in result.output


def test_period_not_in_the_run_is_a_clear_error(run_dir: Path) -> None:
    result = run("report", str(run_dir), "--period", "2030")
    assert result.exit_code == 2
    assert "--period 2030: not in" in result.output and "(periods: 0, 1)" in result.output
    assert not (run_dir / "report.html").exists()


def test_report_of_one_product(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "r", sweep=False, stress=False, risk=False)
    assert run("report", str(folder), "--product", "Y2O3").exit_code == 0
    assert "20 t of Y2O3 (period 0)" in (folder / "report.html").read_text()


def test_solve_with_report_writes_it_beside_the_results_and_quiet_prints_nothing(tmp_path: Path) -> None:
    out = tmp_path / "base"
    result = run("solve", str(EXAMPLE), "--out", str(out), "--report", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    page = (out / "report.html").read_text()
    # The example's fab countries and China's bloc come straight from the solved case.
    assert '"KOR (fabs): ' in page and '"CHN (refinery): ' in page and "Provenance" in page
