"""A batch's ``[matrix]`` crosses every scenario of the batch, not only the base input."""

from __future__ import annotations

from pathlib import Path

from optimizer.scenarios.batch import plan
from optimizer.scenarios.batch_worker import prepare

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def test_four_scenarios_times_two_values_is_eight_runs(tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_text(f"""
input = "{EXAMPLE}"
models = ["existing_capacity_only"]

[scenarios.base]

[scenarios.dear_china]
prices = {{ mine_cost = {{ CHN = 1.6 }} }}

[scenarios.more_demand]
demand = {{ "*" = 1.2 }}

[matrix]
"cap:china_any" = [0.4, 0.6]
""")
    entries = plan(spec)
    assert len(entries) == 8
    assert sorted(e.name for e in entries) == sorted(
        f"{s}.cap-china_any={v}" for s in ("existing_capacity_only", "base", "dear_china", "more_demand")
        for v in ("0.4", "0.6"))
    crossed = {e.name: e for e in entries}["dear_china.cap-china_any=0.6"]
    case, params = prepare(crossed)
    # Both the scenario's own override and the matrix value apply.
    assert params == {"cap:china_any": 0.6} and case.data.caps["china_any"].max_share == 0.6
    assert case.data.mines["bayan_obo"].cost_usd_per_t == 1.6 * 1500


def test_a_matrix_alone_crosses_the_base_input(tmp_path: Path) -> None:
    spec = tmp_path / "b.toml"
    spec.write_text(f'input = "{EXAMPLE}"\n[matrix]\n"cap:china_any" = [0.4, 0.6]\ndemand_growth = [1.0, 1.2]\n')
    assert sorted(e.name for e in plan(spec)) == [
        "cap-china_any=0.4+demand_growth=1", "cap-china_any=0.4+demand_growth=1.2",
        "cap-china_any=0.6+demand_growth=1", "cap-china_any=0.6+demand_growth=1.2"]
