"""Infeasibility explained: the hand chain of tests/analysis/cases.py built infeasible on purpose.

Capped at 10%, the fab's 100 t cannot be met: the allied routes carry at most 20 + 60 = 80 t, and China may supply
only 10% of the demand, 10 t: 10 t short.  The tightest feasible cap has China supply the 20 t the allies cannot:
20%.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.analysis.diagnose import diagnose, explain_failure, tightest_share
from optimizer.cli import main
from optimizer.io.data import _frozen
from optimizer.solver.risk import each_country_caps
from tests.analysis.cases import chain, write_chain_csv


def named(data):  # type: ignore[no-untyped-def]
    """The case as if read from files: input rows and country names known."""
    return replace(data, rows=_frozen({("fabs", "f", "Y"): 12, ("caps", "china"): 2}), source="case",
                   country_name=_frozen({**data.country_name, "CHN": "China"}))


def test_a_cap_too_tight_is_named_with_the_shortfall_and_the_tightest_share() -> None:
    d = diagnose(named(chain(0.1)))
    assert d.cause == "caps"
    (short,) = d.shortfalls
    assert (short.fab, short.product, short.place) == ("f", "Y", "fabs.csv row 12")
    assert short.tonnes == pytest.approx(100 - 80 - 0.1 * 100)
    (cap,) = d.caps
    assert cap.cap == "china" and cap.tightest_share == pytest.approx(0.2)
    assert d.lines == [
        "demand of fab f for Y (fabs.csv row 12) cannot be met with China's share <= 10%: supply of Y not mined or "
        "refined in China is 10.0 t short",
        "cap china (caps.csv row 2): max_share 10% is too tight; the tightest feasible share is 20.0%",
    ]


def test_short_capacity_is_blamed_on_capacity_not_on_the_caps() -> None:
    # China's mine yields 10 t, the allies at most 80: 10 t short of 100 even without any cap.
    d = diagnose(named(chain(0.5, china_t=10.0)))
    assert d.cause == "capacity" and d.caps == []
    assert d.lines == ["demand of fab f for Y (fabs.csv row 12) cannot be met even without dependence caps: 10.0 t "
                       "short; the mines, refineries (existing and buildable) and arcs that reach it cannot supply "
                       "more"]


def test_tightest_share_is_a_share_of_demand_in_scope_even_where_some_may_go_unmet() -> None:
    # A second fab g needing 10 t that may go unmet joins the cap's scope: 110 t demanded.  f still needs the 20 t the
    # allies cannot carry from China, and g can be left short, so the tightest share is 20 / 110.
    assert tightest_share(chain(0.1), "china") == pytest.approx(0.2, abs=1e-9)
    assert tightest_share(chain(0.1, optional_fab=True), "china") == pytest.approx(20 / 110, abs=1e-9)


def test_solve_prints_the_diagnosis_and_exits_1(tmp_path: Path) -> None:
    case = write_chain_csv(tmp_path / "chain", share=0.1)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "infeasible. No plan meets every demand within the caps:" in result.output
    assert ("demand of fab f for Y (fabs.csv row 2) cannot be met with China's share <= 10%: supply of Y not mined "
            "or refined in China is 10.0 t short") in result.output
    assert "cap china (caps.csv row 2): max_share 10% is too tight; the tightest feasible share is 20.0%" in result.output
    assert not out.exists()


def test_with_one_cap_per_country_each_guilty_cap_is_measured_with_the_others_as_given() -> None:
    # Three refining countries capped at 30% of the 100 t demanded each: China 30, the USA 30 and Malaysia its 20 t
    # of capacity, 80 t in all, so 20 t are short.  Whichever cap is loosened alone must take
    # 100 - 30 - 20 (Malaysia's capacity) = 50 t.
    data = each_country_caps(chain(), "refine", 0.3)
    d = diagnose(data)
    assert d.cause == "caps" and d.caps
    for finding in d.caps:
        assert finding.cap in ("each:CHN:refine", "each:USA:refine")
        assert finding.tightest_share == pytest.approx(0.5)
        assert finding.place == "--cap-each-country refine=0.3"
    assert [(s.fab, s.tonnes) for s in d.shortfalls] == [("f", pytest.approx(20))]
    assert explain_failure(data, "no_solution", "Time limit reached") == []
