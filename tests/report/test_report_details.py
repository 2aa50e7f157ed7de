"""Report and command-line details: the Sankey opens where a cap binds, a plan that builds nothing says so,
sensitivity rows show values (1.3 g, not 0.325) with their sources, ``stress`` alone says what it does, ``sweep``
without ``--cap`` sweeps the API's default, the progress bar's "left" is the time left, and the caps' cost per wafer
start where the fabs give wafer starts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.analysis import DEFAULT_SWEPT_CAP
from optimizer.analysis.sensitivity import ranges_from_toml
from optimizer.cli import main
from optimizer.io.load import load_case
from optimizer.report import progress as progress_module
from optimizer.report.data import first_binding_period, load_run, sankey_data
from optimizer.report.html import sections
from optimizer.resources import models_dir
from optimizer.scenarios.uncertainty import is_start_shift
from optimizer.solver.measures import caps_cost, wafer_starts
from tests.analysis.test_measures import TABLES, W25, W30
from tests.report.conftest import write_run

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def _case(root: Path, **changes: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {**TABLES, **changes}.items():
        (root / f"{name}.csv").write_text(text)
    return root


def test_the_sankey_opens_on_the_first_period_where_a_cap_binds(tmp_path: Path) -> None:
    # No cap in 2025 (100%), 40% in 2030: the Sankey opens on 2030, not on the first period.
    case = _case(tmp_path / "case", caps="cap,supplier,stage,max_share,period\nchina,CHN,any,1,2025\n"
                                         "china,CHN,any,0.4,2030\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "-q"]).exit_code == 0
    run = load_run(out)
    assert first_binding_period(run) == 2030
    assert sankey_data(run).period == 2030
    assert sankey_data(run, 2025).period == 2025  # --period still chooses


def test_a_plan_that_builds_nothing_says_so_in_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["solve", str(_case(tmp_path / "case")), "--out", str(out), "-q"]).exit_code == 0
    builds = [s for s in sections(load_run(out)) if s.key == "builds"]
    assert len(builds) == 1 and builds[0].lead.startswith("Nothing built")


def test_the_caps_cost_waterfall_is_scaled_to_the_caps_cost_with_a_present_value_axis(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["solve", str(_case(tmp_path / "case")), "--out", str(out), "-q"]).exit_code == 0
    (waterfall,) = [s for s in sections(load_run(out)) if s.key == "caps_cost"]
    pv = 1000 * W25 + 1500 * W30
    assert list(waterfall.figure.data[0].y) == pytest.approx([pv, pv])  # mining's change, then the caps' cost
    assert waterfall.figure.layout.yaxis.title.text == "USD, present value (2025)"
    (costs,) = [s for s in sections(load_run(out)) if s.key == "costs"]
    assert costs.figure.layout.yaxis.title.text == "USD, present value (2025)"
    assert all(trace.textposition == "none" for trace in costs.figure.data)  # two periods: no labels to overlap


def test_sensitivity_ranges_of_the_default_dataset_show_values_with_their_sources() -> None:
    ranges = ranges_from_toml(models_dir() / "sensitivity" / "pax_silica_2025.toml")
    # A start shift shows its years ("3 years late"); every other range its values in the input's unit.
    assert all(r.source and (r.base is not None and r.unit or all(is_start_shift(p) for p in r.parameters))
               for r in ranges)
    wafer = ranges[0]
    assert (wafer.shown(wafer.low), wafer.shown(wafer.high)) == ("1.3 g CeO2 per wafer", "6.7 g CeO2 per wafer")


def test_sensitivity_prints_and_writes_values_not_multipliers(tmp_path: Path) -> None:
    ranges = tmp_path / "r.toml"
    ranges.write_text('[[range]]\nname = "La2O3 price"\nparameters = ["la2o3_price"]\nlow = 0.5\nhigh = 1.5\n'
                      'base = 1000\nunit = "US$/t"\nsource = "a quote [E]"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sensitivity", str(EXAMPLE), "--ranges", str(ranges), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "La2O3 price = 500 US$/t" in result.output and "La2O3 price = 1,500 US$/t" in result.output
    row = pd.read_csv(out / "tornado.csv").iloc[0]
    assert (row["low"], row["high"], row["source"]) == ("500 US$/t", "1,500 US$/t", "a quote [E]")


def test_stress_without_arguments_says_what_it_will_do(tmp_path: Path) -> None:
    disruptions = "disruption,supplier,stage,probability_per_yr,duration_months\nban,CHN,any,0.1,6\n"
    case = _case(tmp_path / "case", disruptions=disruptions)
    result = CliRunner().invoke(main, ["stress", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No --remove or --n-1: reporting the input's 1 disruption(s) for the base plan")


def test_sweep_without_cap_sweeps_the_api_default(tmp_path: Path) -> None:
    assert DEFAULT_SWEPT_CAP == "CHN:any"
    result = CliRunner().invoke(main, ["sweep", str(EXAMPLE), "--steps", "2", "--to", "0.5",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "cap CHN:any" in result.output


def test_the_progress_bar_says_elapsed_then_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.progress import Progress

    seen: list[str] = []
    monkeypatch.setattr(progress_module, "interactive", lambda stream=None: True)
    monkeypatch.setattr(Progress, "start", lambda self: seen.extend(
        getattr(c, "text_format", type(c).__name__) for c in self.columns))
    with progress_module.track(2, "work", delay=0) as bar:
        bar.advance()
    assert seen[-4:] == ["TimeElapsedColumn", "elapsed,", "TimeRemainingColumn", "left"]


def test_caps_cost_per_wafer_start_where_the_fabs_give_wafer_starts_per_tonne() -> None:
    data = load_case(_case(Path(__import__("tempfile").mkdtemp()) / "case"))
    assert wafer_starts(data, data.demand_t) is None and caps_cost(data, 10.0, 4.0).usd_per_wafer_start is None
    given = replace(data)
    object.__setattr__(given, "wafer_starts_per_t", {("us_fab", "X"): 1_000.0})  # as the fabs sheet will give
    # 250 t a year x 1,000 wafer starts per t in each period: PV 6 / (250,000 x (W25 + W30)).
    assert wafer_starts(given, given.demand_t) == {2025: 250_000.0, 2030: 250_000.0}
    assert caps_cost(given, 10.0, 4.0).usd_per_wafer_start == pytest.approx(6.0 / (250_000 * (W25 + W30)))


def test_report_of_a_written_run_still_reads(tmp_path: Path) -> None:
    assert [s.key for s in sections(load_run(write_run(tmp_path / "a")))][0] == "sankey"


def test_sweep_and_stress_charts_say_their_costs_are_present_values_on_a_pathway(tmp_path: Path) -> None:
    case = _case(tmp_path / "case")
    runner = CliRunner()
    assert runner.invoke(main, ["sweep", str(case), "--steps", "2", "--to", "0.3", "--out",
                                str(tmp_path / "sweep"), "-q"]).exit_code == 0
    (frontier,) = [s for s in sections(load_run(tmp_path / "sweep")) if s.key == "frontier"]
    assert frontier.figure.layout.yaxis.title.text.endswith("USD, present value (2025)")
    assert runner.invoke(main, ["stress", str(case), "--n-1", "country", "--out", str(tmp_path / "stress"),
                                "-q"]).exit_code == 0
    (stress,) = [s for s in sections(load_run(tmp_path / "stress")) if s.key == "stress"]
    assert stress.figure.layout.xaxis.title.text == "cost increase, USD, present value (2025)"
