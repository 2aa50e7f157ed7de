"""Every money column of every result file says what its money is: a present value (pathway) or per year.

Each command is run on a pathway (issue 12's hand case: 2025 and 2030, five years each, 10% a year) and on one
steady-state year (the example); every CSV file written is then walked, so that a new money column without its kind
fails here.  The figures stay those of the objective: a pathway's are present values at 2025, summing to it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.solver.money import is_labelled, money_column, unlabelled
from tests.cli.test_pathway_cli import expected_objective, write_case
from tests.scale.test_batch_samples import UNCERTAINTY
from tests.unit.test_disruptions import write_case as write_disruptions_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inputs" / "example"
RESULTS_DOC = ROOT / "docs" / "results.md"
EXAMPLE_OBJECTIVE_USD = 41427966.7312837  # tests/regression/golden/example.json
RANGES = '[[range]]\nname = "demand"\nparameters = ["demand"]\nlow = 0.9\nhigh = 1.1\n'


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, [*args, "-q"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every command's results on both kinds of case: ``<command>-pathway`` and ``<command>-year``."""
    root = tmp_path_factory.mktemp("money")
    pathway = write_case(root / "pathway_case")
    ranges = root / "ranges.toml"
    ranges.write_text(RANGES)
    out: dict[str, Path] = {}
    for kind, case, stress in (("pathway", pathway, "USA"), ("year", EXAMPLE, "AUS")):
        out[f"solve-{kind}"] = root / f"solve-{kind}"
        _run("solve", str(case), "--out", str(out[f"solve-{kind}"]))
        out[f"sweep-{kind}"] = root / f"sweep-{kind}"
        _run("sweep", str(case), "--cap", "CHN:any", "--from", "1", "--to", "0.5", "--steps", "3", "--out",
             str(out[f"sweep-{kind}"]))
        out[f"stress-{kind}"] = root / f"stress-{kind}"
        _run("stress", str(case), "--remove", stress, "--out", str(out[f"stress-{kind}"]))
        out[f"sensitivity-{kind}"] = root / f"sensitivity-{kind}"
        _run("sensitivity", str(case), "--ranges", str(ranges), "--out", str(out[f"sensitivity-{kind}"]))
        out[f"alternatives-{kind}"] = root / f"alternatives-{kind}"
        _run("alternatives", str(case), "--slack", "0.05", "--out", str(out[f"alternatives-{kind}"]))
    disrupted = write_disruptions_case(root / "disruptions_case")  # stockpiles.csv, disruptions.csv, ...
    out["solve-disruptions"], out["stress-disruptions"] = root / "solve-disruptions", root / "stress-disruptions"
    _run("solve", str(disrupted), "--out", str(out["solve-disruptions"]))
    _run("stress", str(disrupted), "--out", str(out["stress-disruptions"]))
    uncertain = root / "uncertain_case"
    shutil.copytree(EXAMPLE, uncertain)
    (uncertain / "uncertainty.csv").write_text(UNCERTAINTY)
    out["batch-samples"] = root / "batch-samples"  # samples.csv, uncertainty.csv, build_frequency.csv
    _run("batch", str(uncertain), "--samples", "2", "--out", str(out["batch-samples"]))
    batch = root / "batch.toml"
    batch.write_text(f'[scenarios.pathway]\ninput = "{pathway}"\n[scenarios.year]\ninput = "{EXAMPLE}"\n')
    out["batch"] = root / "batch"
    _run("batch", str(batch), "--out", str(out["batch"]))
    return out


def test_every_money_column_of_every_result_file_says_present_value_or_per_year(folders: dict[str, Path]) -> None:
    unlabelled_columns = []
    files = 0
    for folder in folders.values():
        for path in sorted(folder.rglob("*.csv")):
            files += 1
            unlabelled_columns += [f"{path.relative_to(folder.parent)}: {c}" for c in pd.read_csv(path).columns
                                   if not is_labelled(c)]
            if path.name == "uncertainty.csv":  # its metrics are row names
                unlabelled_columns += [f"{path}: {m}" for m in pd.read_csv(path)["metric"] if not is_labelled(m)]
    names = {p.name for folder in folders.values() for p in folder.rglob("*.csv")}
    assert {"costs.csv", "flows.csv", "builds.csv", "dependence.csv", "stockpiles.csv", "disruptions.csv",
            "frontier.csv", "stress.csv", "stress_disruptions.csv", "tornado.csv", "alternatives.csv", "batch.csv",
            "uncertainty.csv", "samples.csv", "build_frequency.csv"} <= names
    assert files >= 40
    assert unlabelled_columns == []


def documented_columns() -> dict[str, list[re.Pattern[str]]]:
    """file name -> the columns docs/results.md lists for it, as patterns (``usd_<pv|per_yr>``: either;
    ``_<PERIOD>``: a period's suffix, or none for one year; ``<COUNTRY>``: any name)."""
    out: dict[str, list[re.Pattern[str]]] = {}
    current = None
    for line in RESULTS_DOC.read_text().splitlines():
        if line.startswith("#"):
            files = re.findall(r"`([a-z_]+\.csv)`", line)
            current = files[-1] if files else None
            continue
        cells = re.split(r"(?<!\\)\|", line)
        if current is None or len(cells) < 3:
            continue
        for name in re.findall(r"`([^`]+)`", cells[1].replace("\\|", "|")):
            regex = re.escape(name).replace(r"\|", "|")
            regex = re.sub(r"<([a-z_|]+)>", r"(\1)", regex)
            regex = re.sub(r"_<[A-Z]+>", "(_.+)?", regex)
            regex = re.sub(r"<[A-Z]+>", ".+", regex)
            out.setdefault(current, []).append(re.compile(regex))
    return out


def test_every_column_of_every_result_file_is_documented(folders: dict[str, Path]) -> None:
    documented = documented_columns()
    missing = sorted({f"{path.name}: {c}" for folder in folders.values() for path in folder.rglob("*.csv")
                      for c in pd.read_csv(path, nrows=0).columns
                      if not any(p.fullmatch(c) for p in documented.get(path.name, []))})
    assert missing == [], f"not in {RESULTS_DOC.name}"


@pytest.mark.parametrize(("kind", "unit"), [("pathway", "usd_pv"), ("year", "usd_per_yr")])
def test_the_columns_an_analyst_reads(folders: dict[str, Path], kind: str, unit: str) -> None:
    def header(folder: str, name: str) -> list[str]:
        return list(pd.read_csv(folders[f"{folder}-{kind}"] / f"{name}.csv").columns)

    undiscounted = "usd_undiscounted_over_period" if kind == "pathway" else "usd_undiscounted_per_yr"
    assert header("solve", "costs") == ["component", "period", unit, undiscounted]
    assert "cost_usd_per_yr" in header("solve", "flows") and "capex_usd_per_yr" in header("solve", "builds")
    assert header("sweep", "frontier")[3:5] == [f"total_cost_{unit}", f"cost_increase_{unit}"]
    assert header("stress", "stress")[4:6] == [f"total_cost_{unit}", f"cost_increase_{unit}"]
    assert {f"base_cap_cost_{unit}", f"swing_{unit}", f"low_objective_{unit}"} <= set(header("sensitivity", "tornado"))
    assert {f"least_cost_{unit}", f"most_cost_{unit}", f"optimum_cost_{unit}"} <= set(header("alternatives",
                                                                                             "alternatives"))


def test_the_figures_are_the_objective_s_present_value_or_cost_per_year(folders: dict[str, Path]) -> None:
    for kind, objective in (("pathway", expected_objective()), ("year", EXAMPLE_OBJECTIVE_USD)):
        multi = kind == "pathway"
        costs = pd.read_csv(folders[f"solve-{kind}"] / "costs.csv")
        assert costs[money_column("", multi)].sum() == pytest.approx(objective, rel=1e-6)
        stress = pd.read_csv(folders[f"stress-{kind}"] / "stress.csv")
        assert stress[money_column("total_cost", multi)].iloc[0] == pytest.approx(objective, rel=1e-6)
        for command in ("sweep", "stress", "sensitivity", "alternatives"):  # the year the present values are of
            summary = json.loads((folders[f"{command}-{kind}"] / "summary.json").read_text())
            assert summary["money"]["base_year"] == (2025 if multi else None), command
    pathway_costs = pd.read_csv(folders["solve-pathway"] / "costs.csv").set_index(["component", "period"])
    assert pathway_costs.loc[("mining", 2030), "usd_undiscounted_over_period"] == pytest.approx(5 * 2000)


def test_a_batch_of_both_kinds_of_case_has_a_column_for_each(folders: dict[str, Path]) -> None:
    batch = pd.read_csv(folders["batch"] / "batch.csv").set_index("scenario")
    assert batch.loc["pathway", "total_cost_usd_pv"] == pytest.approx(expected_objective(), rel=1e-6)
    assert batch.loc["year", "total_cost_usd_per_yr"] == pytest.approx(EXAMPLE_OBJECTIVE_USD, rel=1e-6)
    assert pd.isna(batch.loc["pathway", "total_cost_usd_per_yr"]) and pd.isna(batch.loc["year", "total_cost_usd_pv"])


def test_the_old_bare_names_are_money_without_its_kind() -> None:
    for old in ("usd", "usd_undiscounted", "total_cost_usd", "cost_increase_usd", "swing_usd", "base_cap_cost_usd",
                "least_cost_usd", "cost_usd"):
        assert not is_labelled(old), old
    for fine in ("tonnes", "china_share_2030", "capex_usd_per_yr", "dual_usd_per_yr_per_pct",
                 "extra_cost_usd_per_occurrence", "extra_cost_usd_per_yr_expected", "usd_pv", "total_cost_usd_pv"):
        assert is_labelled(fine), fine
    # A reader takes either name: the labelled one of either kind, or the bare one of an older folder.
    assert unlabelled(["point", "total_cost_usd_pv"], ["total_cost"]) == {"total_cost_usd_pv": "total_cost_usd"}
    assert unlabelled(["usd_per_yr", "usd_undiscounted_per_yr"], [""]) == {"usd_per_yr": "usd"}
    assert unlabelled(["point", "total_cost_usd"], ["total_cost"]) == {}
