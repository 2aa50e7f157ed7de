"""The API refuses what the command line refuses, with a message naming the argument (optimizer.arguments)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import optimizer as px
from optimizer.arguments import ArgumentError

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


@pytest.fixture(scope="module")
def case() -> px.Case:
    return px.load(EXAMPLE)


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"caps": [("CHN:any", 0.5)]}, "caps"),
    ({"caps": "CHN:any=0.5"}, "caps"),
    ({"caps": {"CHN:any": 1.5}}, "caps['CHN:any']"),
    ({"caps": {"CHN:any": math.nan}}, "caps['CHN:any']"),
    ({"caps": {"CHN:any": "half"}}, "caps['CHN:any']"),
    ({"caps": {"CHN:everything": 0.5}}, "caps"),
    ({"time_limit": math.nan}, "time_limit"),
    ({"time_limit": math.inf}, "time_limit"),
    ({"time_limit": 0}, "time_limit"),
    ({"time_limit": "10"}, None),  # a number as text is a number, as on the command line
    ({"mip_gap": 2}, "mip_gap"),
    ({"mip_gap": -0.1}, "mip_gap"),
    ({"method": "magic"}, "method"),
    ({"solver_options": ["presolve", "off"]}, "solver_options"),
    ({"solver_options": {"mip_rel_gap": math.nan}}, "solver_options"),
    ({"solver_options": {"objective_bound": 1.0}}, "solver_options"),
])
def test_solve_arguments(case: px.Case, kwargs: dict[str, object], named: str | None) -> None:
    if named is None:
        assert px.solve(case, baseline=False, **kwargs).ok  # type: ignore[arg-type]
        return
    with pytest.raises(ArgumentError) as err:
        px.solve(case, baseline=False, **kwargs)  # type: ignore[arg-type]
    assert str(err.value).startswith(f"{named}: "), str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"shares": [0.5, 1.5]}, "shares[1]"),
    ({"shares": [math.nan]}, "shares[0]"),
    ({"shares": "0.5"}, "shares"),
    ({"start": 2.0}, "start"),
    ({"stop": -1}, "stop"),
    ({"steps": 10**7}, "steps"),
    ({"steps": 0}, "steps"),
    ({"steps": 2.5}, "steps"),
    ({"cap": ["CHN:any"]}, "cap"),
    ({"time_limit": math.nan}, "time_limit"),
])
def test_sweep_arguments(case: px.Case, kwargs: dict[str, object], named: str) -> None:
    with pytest.raises(ArgumentError) as err:
        px.sweep(case, **{"cap": "CHN:any", **kwargs})  # type: ignore[arg-type]
    assert str(err.value).startswith(f"{named}: "), str(err.value)


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"remove": "AUS"}, "remove"),
    ({"remove": [1]}, "remove"),
    ({"n_1": "planet"}, "n_1"),
    ({"n_1": "country", "mip_gap": 2}, "mip_gap"),
])
def test_stress_arguments(case: px.Case, kwargs: dict[str, object], named: str) -> None:
    with pytest.raises(ArgumentError) as err:
        px.stress(case, **kwargs)  # type: ignore[arg-type]
    assert str(err.value).startswith(f"{named}: "), str(err.value)


def test_a_string_of_removals_is_not_split_into_letters(case: px.Case) -> None:
    with pytest.raises(ArgumentError, match=r"write \['AUS'\]"):
        px.stress(case, remove="AUS")  # type: ignore[arg-type]
    assert px.stress(case, remove=["AUS"]).tables["stress"]["removed"].tolist()[-1] == "AUS"


def test_the_cli_and_the_api_share_one_rule() -> None:
    from optimizer.cli.common import MIP_GAP, TIME_LIMIT

    for option, api, value in ((TIME_LIMIT, "time_limit", "nan"), (MIP_GAP, "mip_gap", "2")):
        with pytest.raises(Exception) as cli_err:
            option.convert(value, None, None)
        with pytest.raises(ArgumentError) as api_err:
            px.solve(EXAMPLE, **{api: float(value)})  # type: ignore[arg-type]
        assert api_err.value.reason.split(" ", 1)[1] in str(cli_err.value)  # the same words after the value
