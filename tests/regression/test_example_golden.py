"""Golden regression of the example case: objective within 1e-6 relative, builds exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.load import load_case
from optimizer.solver.run import CapOverride, apply_cap_overrides, solve_case
from tests.regression.golden import check_golden

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def kpis(cap: float | None) -> dict:
    data = load_case(EXAMPLE)
    if cap is not None:
        data = apply_cap_overrides(data, [CapOverride("CHN", "any", cap)])
    run = solve_case(data, baseline=False)
    assert run.ok, run.result.message
    builds = run.tables["builds"]
    return {
        "objective_usd": run.result.objective_usd,
        "builds": {f"{b.refinery}@{b.period}": {"built": bool(b.built), "new_tpa": round(float(b.new_tpa), 3)}
                   for b in builds.itertuples()},
        "china_share": {str(t): round(s, 6) for t, s in run.china_share.items()},
        "caps": {f"{c.cap}@{c.period}": round(c.share, 6) for c in run.caps},
    }


@pytest.mark.parametrize("cap", [None, 0.3])
def test_example_matches_golden_results(cap: float | None) -> None:
    check_golden("example" if cap is None else f"example_china_{cap}", kpis(cap))
