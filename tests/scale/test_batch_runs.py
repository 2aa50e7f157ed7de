"""Batches: same results as single solves, failures recorded without stopping, resumable, scheduler-independent."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import optimizer.solver.reuse
from optimizer.cli import main
from optimizer.scenarios.batch import plan, plan_chunks, run_batch

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
TABLES = ("flows", "builds", "supply", "costs", "duals", "dependence", "risk")

BATCH = f"""
input = "{EXAMPLE}"

[scenarios.base]

[scenarios.tight]
caps = {{ china_any = 0.3 }}

[scenarios.dear_china]
prices = {{ mine_cost = {{ CHN = 1.6 }} }}
demand = {{ "*" = 1.2 }}

[scenarios.impossible]
caps = {{ china_any = 0.0 }}

[scenarios.typo]
prices = {{ mine_cost = {{ XYZ = 2 }} }}

[scenarios.no_taiwan_lane]
blocked_lanes = ["CHN>TWN"]

[scenarios.cap4]
caps = {{ china_any = 0.4 }}

[scenarios.cap6]
caps = {{ china_any = 0.6 }}
"""


@pytest.fixture()
def batch_file(tmp_path: Path) -> Path:
    path = tmp_path / "batch.toml"
    path.write_text(BATCH)
    return path


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path)


def test_cold_batch_equals_individual_solves_and_warm_batch_the_same_optima(batch_file: Path, tmp_path: Path) -> None:
    cold = run_batch(plan(batch_file), tmp_path / "cold", warm=False)
    warm = run_batch(plan(batch_file), tmp_path / "warm", warm=True)
    for name, cap in (("tight", "0.3"), ("cap6", "0.6")):
        single = tmp_path / f"single-{name}"
        result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "--cap", f"CHN:any={cap}", "--out", str(single),
                                           "-q", "--no-baseline"])
        assert result.exit_code == 0, result.output
        for table in TABLES:  # cold re-solves on a shared program are byte-identical to single solves
            assert (cold.out_dir / name / f"{table}.csv").read_bytes() == (single / f"{table}.csv").read_bytes(), table
        for table in ("costs", "builds", "dependence"):  # warm starts reach the same optimum
            pd.testing.assert_frame_equal(_csv(warm.out_dir / name / f"{table}.csv"), _csv(single / f"{table}.csv"))
        doc = json.loads((single / "summary.json").read_text())
        row = warm.tables["batch"].set_index("scenario").loc[name]
        assert row.total_cost_usd_per_yr == pytest.approx(doc["objective_usd"], rel=1e-9)
        assert row.china_share == pytest.approx(doc["china_share"]["0"], abs=1e-6)
    assert cold.tables["batch"].drop(columns="message").equals(warm.tables["batch"].drop(columns="message"))


def test_failures_are_recorded_and_the_rest_go_on(batch_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(batch_file), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1  # some scenarios failed
    table = _csv(tmp_path / "out" / "batch.csv").set_index("scenario")
    assert list(table.index) == sorted(table.index)
    assert table.loc["impossible", "status"] == "infeasible"
    assert table.loc["impossible", "message"].startswith("HiGHS: Infeasible.")
    assert table.loc["typo", "status"] == "error"
    assert table.loc["typo", "message"] == (f"{batch_file} [scenarios.typo], prices.mine_cost, key 'XYZ': matches no "
                                            "row of mines (give an id, a country code, a bloc label or *)")
    ok = table[table.status == "optimal"]
    assert set(ok.index) == {"base", "tight", "dear_china", "no_taiwan_lane", "cap4", "cap6"}
    assert ok.loc["tight", "china_share"] == pytest.approx(0.3)
    assert ok.loc["tight", "total_cost_usd_per_yr"] > ok.loc["base", "total_cost_usd_per_yr"]
    assert "total_cost_usd_pv" not in table.columns  # one-year scenarios only, the failed ones included
    assert {"new_tpa_JPN", "new_tpa_USA"} <= set(table.columns)
    assert not (tmp_path / "out" / "typo").exists()
    assert json.loads((tmp_path / "out" / "impossible" / "summary.json").read_text())["status"] == "infeasible"
    assert "8 scenario(s): 7 solved, 0 finished earlier, 2 failed" in result.output


def test_an_interrupted_batch_resumes_without_solving_finished_scenarios(
        batch_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    solved: list[str] = []
    original = optimizer.solver.reuse.ReusableProgram.solve

    def crashing(self, data, options=None, warm=None):  # type: ignore[no-untyped-def]
        if data.caps["china_any"].max_share == 0.6:
            raise MemoryError("killed")  # a worker dying midway
        solved.append(data.caps["china_any"].max_share)
        return original(self, data, options, warm)

    monkeypatch.setattr(optimizer.solver.reuse.ReusableProgram, "solve", crashing)
    first = run_batch(plan(batch_file), out)
    assert first.tables["batch"].set_index("scenario").loc["cap6", "message"] == "MemoryError: killed"
    stamps = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert "cap6" not in stamps and len(stamps) == 6

    solved.clear()
    monkeypatch.setattr(optimizer.solver.reuse.ReusableProgram, "solve", lambda self, data, options=None, warm=None: (
        solved.append(data.caps["china_any"].max_share), original(self, data, options, warm))[1])
    second = run_batch(plan(batch_file), out)
    assert second.count("solved") == 1 and second.count("reused") == 6
    # Only the unfinished scenario is written; its chunk's first scenario is re-solved for the warm start only.
    assert sorted(solved) == [0.5, 0.6]  # base (0.5) anchors the chunk of base, cap4, cap6, impossible, tight
    assert {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json") if p.parent.name in stamps} \
        == stamps
    full = run_batch(plan(batch_file), tmp_path / "fresh")
    assert second.tables["batch"].equals(full.tables["batch"])


def test_chunks_do_not_depend_on_workers_and_group_parameter_only_scenarios(batch_file: Path) -> None:
    chunks = plan_chunks(plan(batch_file), size=3)
    names = [[e.name for e in c] for c in chunks]
    assert ["base", "cap4", "cap6"] in names  # scenarios that differ only in numbers share a structure
    assert ["no_taiwan_lane"] in names  # a blocked lane changes the structure: its own program
    assert sum(len(c) for c in chunks) == 8


def test_local_processes_and_a_dask_cluster_give_identical_batch_csv(batch_file: Path, tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    one = run_batch(plan(batch_file), tmp_path / "one", workers=1)
    two = run_batch(plan(batch_file), tmp_path / "two", workers=2)
    # Threads keep the test quick; a real cluster runs a process per worker (the chunks are the same).
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = run_batch(plan(batch_file), tmp_path / "dask", scheduler=cluster.scheduler_address)
    reference = (one.out_dir / "batch.csv").read_bytes()
    assert (two.out_dir / "batch.csv").read_bytes() == reference
    assert (dask.out_dir / "batch.csv").read_bytes() == reference
    for name in ("tight", "dear_china"):
        assert (dask.out_dir / name / "flows.csv").read_bytes() == (one.out_dir / name / "flows.csv").read_bytes()
