"""The pathway model: periods as calendar years, discounting, capex annuities from the online year, retirement,
caps by period.  Every expected value is computed here from the formula of issue 12 / FORMULATION.md."""

from __future__ import annotations

import pytest

from optimizer.analysis.pathway import fastest_fall
from optimizer.io.data import Mine, ModelData, Refinery
from optimizer.model.investment import capital_recovery_factor
from optimizer.solver.highs import Outcome
from optimizer.solver.run import CapOverride, apply_cap_overrides, solve_case
from tests.builders import make_data

COUNTRIES = {"CHN": "china", "USA": "pax_silica"}
RATE = 0.10


def disc(year: int) -> float:
    return 1.1 ** -(year - 2025)


def hand_case(periods: dict[int, float] | None = None, lifetime: float = 20, china_zero_in: tuple[int, ...] = (2030,),
              max_new: float = 1000, retire_china: int | None = None) -> ModelData:
    """Issue 12's hand case: 100 t/yr US demand; China supplies at 10 USD/t (mine 10, refining 0); a US mine at
    20 USD/t and a US refinery buildable at 100 USD per t/yr, lead time 5; China capped at 0 in 2030 only."""
    data = make_data(
        countries=COUNTRIES,
        mines={"cn_mine": Mine("CHN", 1000, 10), "us_mine": Mine("USA", 1000, 20)},
        composition={("cn_mine", "X"): 1.0, ("us_mine", "X"): 1.0},
        refineries={
            "cn_ref": Refinery("CHN", 1000, 0, 1.0, retire_year=retire_china),
            "us_ref": Refinery("USA", 0, 0, 1.0, max_new_tpa=max_new, capex_usd_per_tpa=100, build="continuous",
                               lifetime_yr=lifetime, lead_time_yr=5),
        },
        fabs=[("us_fab", "USA", "X", 100, None)],
        mine_arcs={("cn_mine", "cn_ref"): 0, ("us_mine", "us_ref"): 0},
        fab_arcs={("cn_ref", "us_fab"): 0, ("us_ref", "us_fab"): 0},
        periods=periods or {2025: 5, 2030: 5},
        discount_rate=RATE,
    )
    cap = data.make_cap("CHN", "any", 1.0)
    for t in china_zero_in:
        cap = cap.with_share(0.0, t)
    return data.with_caps({"china": cap})


def test_issue_hand_case_builds_in_2025_online_2030_with_the_discounted_objective() -> None:
    crf = capital_recovery_factor(RATE, 20)
    assert crf == pytest.approx(RATE * 1.1**20 / (1.1**20 - 1))
    expected = sum(1000 * disc(y) for y in range(2025, 2030)) \
        + sum((2000 + crf * 100 * 100) * disc(y) for y in range(2030, 2035))
    run = solve_case(hand_case())
    assert run.result.outcome is Outcome.OPTIMAL
    assert run.result.objective_usd == pytest.approx(expected, rel=1e-9)
    builds = run.tables["builds"]
    built = builds[builds["built"]]
    assert built[["refinery", "decided", "online", "new_tpa"]].values.tolist() == [["us_ref", 2025, 2030, 100.0]]
    assert run.china_share == {2025: pytest.approx(1.0), 2030: pytest.approx(0.0)}
    caps = {c.period: c for c in run.caps}
    assert caps[2025].max_share == 1.0 and caps[2030].max_share == 0.0
    # costs.csv: usd_pv is discounted and sums to the objective; usd_undiscounted_over_period counts each year at
    # face value.
    costs = run.tables["costs"].set_index(["component", "period"])
    assert costs["usd_pv"].sum() == pytest.approx(expected, rel=1e-9)
    assert costs.loc[("mining", 2025), "usd_undiscounted_over_period"] == pytest.approx(5 * 1000)
    assert costs.loc[("mining", 2030), "usd_undiscounted_over_period"] == pytest.approx(5 * 2000)
    assert costs.loc[("capex", 2030), "usd_undiscounted_over_period"] == pytest.approx(5 * crf * 100 * 100)
    assert ("capex", 2025) not in costs.index  # nothing is paid before the plant runs


def test_capacity_retires_after_its_lifetime_and_is_paid_only_while_it_runs() -> None:
    # Lifetime 5: the 2025 decision runs 2030-2034 and retires; 2035 needs a second build decided in 2030.
    periods = {2025: 5, 2030: 5, 2035: 5}
    crf = capital_recovery_factor(RATE, 5)
    run = solve_case(hand_case(periods, lifetime=5, china_zero_in=(2030, 2035)), baseline=False)
    built = run.tables["builds"].query("built")
    assert built[["decided", "online", "retires", "new_tpa"]].values.tolist() == [[2025, 2030, 2035, 100.0],
                                                                                [2030, 2035, 2040, 100.0]]
    expected = sum(1000 * disc(y) for y in range(2025, 2030)) \
        + sum((2000 + crf * 100 * 100) * disc(y) for y in range(2030, 2040))
    assert run.result.objective_usd == pytest.approx(expected, rel=1e-9)


def test_annuity_stops_at_the_end_of_life_within_a_period() -> None:
    # Lifetime 3 (online 2030): the plant runs in period 2030 (it starts within its life) and is paid 2030-2032.
    crf = capital_recovery_factor(RATE, 3)
    run = solve_case(hand_case(lifetime=3), baseline=False)
    expected = sum(1000 * disc(y) for y in range(2025, 2030)) + sum(2000 * disc(y) for y in range(2030, 2035)) \
        + sum(crf * 100 * 100 * disc(y) for y in range(2030, 2033))
    assert run.result.objective_usd == pytest.approx(expected, rel=1e-9)


def test_annuities_after_the_horizon_are_not_counted() -> None:
    # The horizon ends in 2034: of the 20-year annuity only 2030-2034 are in the objective (already above); one
    # period of one year (2030 only) pays one year.
    crf = capital_recovery_factor(RATE, 20)
    run = solve_case(hand_case({2025: 5, 2030: 1}), baseline=False)
    expected = sum(1000 * disc(y) for y in range(2025, 2030)) + (2000 + crf * 100 * 100) * disc(2030)
    assert run.result.objective_usd == pytest.approx(expected, rel=1e-9)


def test_existing_capacity_stops_at_its_retire_year() -> None:
    # China's refinery closes in 2030 and China is not capped: 2030 needs the US plant all the same.
    run = solve_case(hand_case(china_zero_in=(), retire_china=2030), baseline=False)
    assert run.china_share == {2025: pytest.approx(1.0), 2030: pytest.approx(0.0)}
    assert run.tables["builds"].query("built")["online"].tolist() == [2030]


def test_no_plant_runs_before_its_lead_time() -> None:
    # China at 0 in 2025 too: nothing can come online by 2025 and the demand must be met, so there is no plan.
    run = solve_case(hand_case(china_zero_in=(2025, 2030)), baseline=False)
    assert run.result.outcome is Outcome.INFEASIBLE


def test_fastest_fall_is_the_tightest_share_each_period_can_reach() -> None:
    floors = {f.period: f.floor for f in fastest_fall(hand_case())}
    assert floors == {2025: pytest.approx(1.0), 2030: pytest.approx(0.0)}


def test_cap_override_for_one_period_keeps_the_others() -> None:
    data = hand_case(china_zero_in=())
    capped = apply_cap_overrides(data, [CapOverride.parse("CHN:any@2030=0.5")])
    cap = capped.caps["china"]
    assert (cap.share_in(2025), cap.share_in(2030)) == (1.0, 0.5)
    every = apply_cap_overrides(capped, [CapOverride.parse("CHN:any=0.8")])
    assert (every.caps["china"].share_in(2025), every.caps["china"].share_in(2030)) == (0.8, 0.8)
    with pytest.raises(ValueError, match="must be a year"):
        CapOverride.parse("CHN:any@soon=0.5")


def test_steady_state_is_one_undiscounted_year() -> None:
    # Without periods the plan is one year: lead times do not apply, capex is one annuity, nothing is discounted.
    data = make_data(
        countries=COUNTRIES,
        mines={"us_mine": Mine("USA", 1000, 20)},
        composition={("us_mine", "X"): 1.0},
        refineries={"us_ref": Refinery("USA", 0, 0, 1.0, max_new_tpa=1000, capex_usd_per_tpa=100,
                                       build="continuous", lifetime_yr=20, lead_time_yr=5)},
        fabs=[("us_fab", "USA", "X", 100, None)],
        mine_arcs={("us_mine", "us_ref"): 0},
        fab_arcs={("us_ref", "us_fab"): 0},
        discount_rate=RATE,
    )
    run = solve_case(data, baseline=False)
    assert run.result.objective_usd == pytest.approx(2000 + capital_recovery_factor(RATE, 20) * 100 * 100)
