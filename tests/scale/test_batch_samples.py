"""Sampled batches: draws reproducible from the seed, applied as stated, summarised as quantiles and frequencies."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.read import read_tables
from optimizer.scenarios.batch import plan, run_batch
from optimizer.scenarios.batch_worker import prepare
from optimizer.scenarios.uncertainty import distributions, draw_sample, parameter_override

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
UNCERTAINTY = """parameter,distribution,arg1,arg2,arg3
demand_growth,triangular,0.8,1.0,1.3
ceo2_price,lognormal,0,0.3,
mine_cost:CHN,normal,1,0.3,
cap:china_any,uniform,0.3,0.7,
"""


@pytest.fixture()
def uncertain_input(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    shutil.copytree(EXAMPLE, path)
    (path / "uncertainty.csv").write_text(UNCERTAINTY)
    return path


def test_a_sample_draws_in_sheet_order_from_its_own_seeded_generator(uncertain_input: Path) -> None:
    tables, _ = read_tables(uncertain_input)
    rows, problems = distributions(tables)
    assert problems == [] and [r.parameter for r in rows] == ["demand_growth", "ceo2_price", "mine_cost:CHN",
                                                              "cap:china_any"]
    rng = np.random.default_rng([7, 2])
    expected = [rng.triangular(0.8, 1.0, 1.3), rng.lognormal(0, 0.3), rng.normal(1, 0.3), rng.uniform(0.3, 0.7)]
    assert list(draw_sample(rows, seed=7, index=2).values()) == expected
    entry = plan(uncertain_input, samples=3, seed=7)[2]
    case, draws = prepare(entry)
    assert entry.name == "sample-0003" and list(draws.values()) == expected
    assert case.data.demand_t["us_fabs", "CeO2", 0] == pytest.approx(360 * expected[0])
    assert case.data.markets["CeO2"].price_usd_per_t == pytest.approx(1700 * expected[1])
    assert case.data.mines["bayan_obo"].cost_usd_per_t == pytest.approx(1500 * max(0.0, expected[2]))
    assert case.data.caps["china_any"].max_share == pytest.approx(expected[3])


def test_sampled_batches_are_reproducible_from_the_seed(uncertain_input: Path, tmp_path: Path) -> None:
    first = run_batch(plan(uncertain_input, samples=4, seed=5), tmp_path / "a")
    again = run_batch(plan(uncertain_input, samples=4, seed=5), tmp_path / "b")
    for name in ("batch", "samples", "uncertainty", "build_frequency"):
        assert (first.out_dir / f"{name}.csv").read_bytes() == (again.out_dir / f"{name}.csv").read_bytes(), name
    fewer = run_batch(plan(uncertain_input, samples=2, seed=5), tmp_path / "c")
    assert fewer.tables["samples"].equals(first.tables["samples"].head(2))  # sample i does not depend on K
    other = run_batch(plan(uncertain_input, samples=2, seed=6), tmp_path / "d")
    assert not other.tables["samples"].equals(first.tables["samples"].head(2))


def test_quantiles_and_build_frequency_summarise_the_samples(uncertain_input: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(uncertain_input), "--samples", "8", "--seed", "1", "--out",
                                       str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    batch = pd.read_csv(tmp_path / "out" / "batch.csv")
    stats = pd.read_csv(tmp_path / "out" / "uncertainty.csv").set_index("metric")
    cost = batch["total_cost_usd_per_yr"].to_numpy()
    assert stats.loc["total_cost_usd_per_yr", "n"] == 8 and stats.loc["total_cost_usd_per_yr", "failed"] == 0
    assert stats.loc["total_cost_usd_per_yr", "p50"] == pytest.approx(np.quantile(cost, 0.5), abs=0.01)
    assert stats.loc["total_cost_usd_per_yr", "max"] == pytest.approx(cost.max(), abs=0.01)
    assert 0.8 <= stats.loc["draw:demand_growth", "min"] <= stats.loc["draw:demand_growth", "max"] <= 1.3
    freq = pd.read_csv(tmp_path / "out" / "build_frequency.csv").set_index("refinery")
    built_jp = int((batch["new_tpa_JPN"] > 0).sum())
    assert freq.loc["jp_sep_candidate", "built"] == built_jp
    assert freq.loc["jp_sep_candidate", "built_share"] == pytest.approx(built_jp / 8)
    assert freq.loc["jp_sep_candidate", "mean_new_tpa"] == pytest.approx(batch["new_tpa_JPN"].sum() / 8, abs=1e-5)


def test_bad_uncertainty_rows_are_named(tmp_path: Path) -> None:
    path = tmp_path / "case"
    shutil.copytree(EXAMPLE, path)
    (path / "uncertainty.csv").write_text("parameter,distribution,arg1,arg2,arg3\n"
                                          "fuel_cost,normal,1,0.1,\ncapex,triangular,1,0.5,2\ndemand,normal,1,,\n")
    result = CliRunner().invoke(main, ["batch", str(path), "--samples", "2", "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    messages = pd.read_csv(tmp_path / "o" / "batch.csv")["message"].iloc[0]
    assert "uncertainty.csv row 2, column parameter: unknown parameter 'fuel_cost'" in messages
    assert "uncertainty.csv row 3: triangular: needs low <= mode <= high (arg1 <= arg2 <= arg3), got 1, 0.5, 2" \
        in messages
    assert "uncertainty.csv row 4, column arg2: normal needs 2 arguments (mean, sd)" in messages


def test_parameter_names_map_to_overrides() -> None:
    assert parameter_override("ndpr_price", 1.2, ("NdPr", "CeO2")) == {"prices": {"market_price": {"NdPr": 1.2}}}
    assert parameter_override("mine_capacity:CHN", -0.5) == {"capacity": {"mine": {"CHN": 0.0}}}
    assert parameter_override("cap:china_any", 1.4) == {"caps": {"china_any": 1.0}}
    assert parameter_override("discount_rate", 0.05) == {"parameters": {"discount_rate": 0.05}}
    with pytest.raises(ValueError, match="unknown parameter 'fuel'"):
        parameter_override("fuel", 1.0)


def test_samples_cross_every_scenario_and_keep_its_parameters(uncertain_input: Path, tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_text(f'input = "{uncertain_input}"\n[scenarios.base]\n[matrix]\n"cap:china_any" = [0.4]\n')
    spec.write_text(f'input = "{uncertain_input}"\n[matrix]\n"cap:china_any" = [0.4]\n')
    base = tmp_path / "plain.toml"
    base.write_text(f'input = "{uncertain_input}"\n[scenarios.base]\n')
    entries = plan(base, samples=2, seed=3) + plan(spec, samples=2, seed=3)
    assert [(e.name, e.group, e.sample, e.params) for e in entries] == [
        ("base.sample-0001", "base", 0, ()), ("base.sample-0002", "base", 1, ()),
        ("cap-china_any=0.4.sample-0001", "cap-china_any=0.4", 0, (("cap:china_any", 0.4),)),
        ("cap-china_any=0.4.sample-0002", "cap-china_any=0.4", 1, (("cap:china_any", 0.4),)),
    ]
    case, drawn = prepare(entries[2])
    # The scenario's own value of a parameter is kept; the other parameters are drawn as for any sample.
    assert case.data.caps["china_any"].max_share == 0.4
    _, base_drawn = prepare(entries[0])
    assert "cap:china_any" not in drawn and drawn == {k: v for k, v in base_drawn.items() if k != "cap:china_any"}
