"""Two-sided cap marginals of the default dataset (a MILP) agree with solving the moved case from scratch."""

from __future__ import annotations

import pytest

from optimizer.model.objective import period_weight
from optimizer.solver.run import solve_case


def test_milp_marginals_of_the_default_dataset_match_fresh_solves_of_the_moved_cases() -> None:
    # A marginal is (cost at the moved share - cost as given) per year of the period.  Each re-solve of the compiled
    # program must report what a fresh build and solve of the moved case reports: HiGHS, started from the previous
    # re-solve's plan (still feasible one point looser), reported an objective US$1.3M below its plan's cost, which
    # made the looser side 37 times what it is.
    from optimizer.api import load

    data = load().data
    run = solve_case(data)
    assert run.result.is_mip
    base = run.result.objective_usd
    measured = [c for c in run.caps if c.usd_per_yr_per_pct_looser not in (None, 0.0)]
    assert measured, "the default dataset has a binding cap"
    for c in measured:
        cap = data.caps[c.cap]
        looser = data.with_caps({**data.caps, c.cap: cap.with_share(c.max_share + 0.01, c.period)})
        fresh = solve_case(looser, baseline=False, marginals=False).result.objective_usd
        expected = (base - fresh) / period_weight(data, c.period)
        assert c.usd_per_yr_per_pct_looser == pytest.approx(expected, rel=1e-4, abs=1.0), (c.cap, c.period)
    # The uncapped baseline, solved on the same program after the marginals, is what a cold uncapped solve gives.
    uncapped = data.with_caps({})
    assert run.uncapped["objective_usd"] == pytest.approx(
        solve_case(uncapped, baseline=False, marginals=False).result.objective_usd, rel=1e-9)
