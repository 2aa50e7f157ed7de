"""The synthetic chain of ``benchmarks/generate.py --chain``: product slates and a purifier tier on the generated
case, at the same scale knob, leaving the plain case as it was; written as CSV it reads back as the same case."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import count_variables, generate, write_csv
from optimizer.io.load import load_case
from optimizer.model import build_model
from optimizer.solver.highs import HighsProgram, SolveOptions


@pytest.fixture(scope="module")
def chain() -> object:
    return generate(2, chain=True)


def test_the_plain_case_is_unchanged_by_the_chain_option() -> None:
    plain = generate(2)
    assert not plain.purifiers and not plain.refinery_products
    assert count_variables(plain) == count_variables(generate(2, chain=False))
    assert plain.fab_arcs == generate(2, chain=False).fab_arcs


def test_every_refinery_has_a_slate_with_unqualified_and_limited_lines(chain) -> None:  # type: ignore[no-untyped-def]
    assert chain.slated_refineries == frozenset(chain.refineries)
    grades = [line.fab_grade_max_t for line in chain.refinery_products.values()]
    assert 0.0 in grades and any(g is not None and g > 0 for g in grades)
    assert any(line.online_year is not None for line in chain.refinery_products.values())


def test_purifiers_sit_in_the_coalition_and_some_fabs_are_reached_only_through_them(chain) -> None:  # type: ignore[no-untyped-def]
    coalition = chain.countries_of("pax_silica")
    assert chain.purifiers and all(q.country in coalition for q in chain.purifiers.values())
    direct = {f for _, f in chain.fab_arcs}
    purified = {f for _, f in chain.purified_arcs}
    only_purified = set(chain.fab_country) - direct
    assert only_purified and only_purified <= purified
    assert {q for _, q in chain.purify_arcs} == set(chain.purifiers)


def test_the_chain_written_as_csv_reads_back_and_solves_to_the_same_plan(chain, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_csv(chain, tmp_path / "case")
    read = load_case(tmp_path / "case")
    assert read.refinery_products == chain.refinery_products
    assert read.purifiers == chain.purifiers
    assert set(read.purify_arcs) == set(chain.purify_arcs) and set(read.purified_arcs) == set(chain.purified_arcs)
    objectives, purified = [], []
    for data in (chain, read):
        model = build_model(data)
        result = HighsProgram(model).solve(SolveOptions())
        assert result.outcome == "optimal", result.message
        objectives.append(result.objective_usd)
        purified.append(sum(v.value or 0.0 for v in model.Purified_T.values()))
    assert objectives[0] == pytest.approx(objectives[1], rel=1e-9)
    assert purified[0] > 0  # the purifier tier carries oxide in the plan
