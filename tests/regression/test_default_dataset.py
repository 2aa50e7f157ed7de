"""The default dataset (inputs/pax_silica_2025): it validates, every number has a source, the workbook equals the
CSV files, it reproduces observed 2025 trade that no input pins (calibration), and its results at China caps of 100%,
50% and 20% are pinned (golden regression).

Calibration targets (uncapped plan, today's capacity), none of them an input (``test_no_input_uses_a_target``):

- China's share of the CeO2 that Japan's fabs receive lies between China's share of the *value* and of the *tonnage*
  of Japan's cerium-oxide imports (Japanese customs, H1 2024: 83.5% of the tonnage, metalnomist Aug 2024; French
  cerium oxide, the semiconductor grade, is priced several times the Chinese, iru-miru.com Dec 2023, which puts
  China's value share near half). Band: 50%-83.5%.
- China's share of the Y2O3 that Japan's and US fabs receive: 98.7% of Japan's yttrium-oxide imports (customs H1
  2024) and 93% of US yttrium-compound imports (USGS MCS 2025). Band: >= 90%.
- NdPr utilisation of the plants outside China against nameplate: Lynas Malaysia 6,558 / 10,500 t NdPr = 62% (Lynas
  FY25); MP Mountain Pass at the ~4,000 t/yr NdPr exit run rate of Q4 2025 / 6,000 t = 67% (MP Q4 2025 call), its
  rate once the commissioning ramp of 2024-2025 was through. Band: +-15 pp. Neither plant's capacity is set from its
  output: both are bounded by their nameplates (Fastmarkets 2024, Adamas 2022), Mt Weld's pre-expansion feedstock
  capacity (Lynas 2022) and the markets outside China (Argus 2024; Lynas's sales into China, 2024).

All are met. China's share of Japan's CeO2 is settled by the purification stage (purifiers.csv): Chinese cerium
oxide reaches Japan's and Korea's fabs only as CMP abrasive made by Japanese and Korean powder and slurry makers
(Resonac, fed with Chinese oxide as reported; Korea's slurry makers), while Solvay's semiconductor ceria reaches
Japan's fabs as it is; so Solvay's fab-grade oxide saves most in Japan, and Japan's share is one minus the
coalition's part of Solvay's fab-grade output (refineries.csv fab_grade_max_t) over Japan's fab ceria. The strict
expected failure of the previous round (a tie between Japan, Korea and Singapore) is gone; so are the two before it
(China 0% of Japan's ceria; MP at 100%). See inputs/pax_silica_2025/SOURCES.md, "Calibration". If calibration fails, fix the data (or the model), not the tolerance.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import re
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.io.data import ModelData
from optimizer.io.load import load_case
from optimizer.io.read import read_tables
from optimizer.io.schema import NUMERIC_PARAMETERS, TABLES_BY_NAME
from optimizer.solver.run import CapOverride, apply_cap_overrides, solve_case
from tests.regression.golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "inputs" / "pax_silica_2025"
WORKBOOK = ROOT / "inputs" / "pax_silica_2025.xlsx"
FLAG = re.compile(r"\[(?:R|E|D|A)(?:/(?:R|E|D|A))*\]")

# (importer, product): (low, high) band for China's share of that fab supply, from customs (see the docstring)
CUSTOMS_SHARE = {("JPN", "CeO2"): (0.50, 0.835), ("JPN", "Y2O3"): (0.90, 1.0), ("USA", "Y2O3"): (0.90, 1.0)}
# refinery: (NdPr output, NdPr nameplate), t/yr: Lynas FY25 and Fastmarkets 2024; MP's Q4-2025 exit run rate and Adamas
UTILISATION = {"lynas_malaysia": (6558.0, 10500.0), "mp_mountain_pass": (4000.0, 6000.0)}
UTILISATION_BAND = 0.15
TARGET_FIGURES = ("83.5", "98.7", "93%", "6,558", "6558", "2,599", "2599", "exit run", "exit rate", "value share")
EXPECTED_FAILURES: dict = {}


def _with_reason(values: list, key=lambda v: v) -> list:
    """Parameter values with the strict expected-failure mark of the targets that are not met (see the docstring)."""
    return [pytest.param(*(v if isinstance(v, tuple) else (v,)), marks=EXPECTED_FAILURES[key(v)])
            if key(v) in EXPECTED_FAILURES else v for v in values]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DATASET, WORKBOOK], ids=["csv", "xlsx"])
def test_default_dataset_validates(path: Path) -> None:
    data = load_case(path)
    assert len(data.mines) >= 10 and len(data.refineries) >= 15 and data.fab_products
    assert {c for c, b in data.country_bloc.items() if b == "pax_silica"} == {
        "USA", "JPN", "KOR", "AUS", "SGP", "ARE", "NLD", "GBR", "ISR"}


BASIS_NUMBERS = {"fab_capacity": ("wafer_starts_per_month",), "rf_filter_fabs": ("rf_wafer_starts_per_month",),
                 "fab_capacity_additions": ("from_year", "wafer_starts_per_month")}
BASIS_FILES = [DATASET / "basis" / f"{name}.csv" for name in BASIS_NUMBERS]


def _numeric_columns(sheet: str, row: dict[str, str]) -> list[str]:
    """The cells of a row that hold a number of the model: schema numeric columns that are given and not default."""
    spec = TABLES_BY_NAME.get(sheet)
    if sheet == "parameters":
        return ["value"] if row.get("name") in NUMERIC_PARAMETERS and row.get("value", "").strip() else []
    if sheet in BASIS_NUMBERS:
        return list(BASIS_NUMBERS[sheet])
    if spec is None:
        return []
    columns = []
    for col in spec.columns:
        text = (row.get(col.name) or "").strip()
        if col.dtype != "float" or not text:
            continue
        if isinstance(col.default, float) and math.isclose(float(text), col.default):
            continue  # a blank would mean the same: not a number of the dataset
        columns.append(col.name)
    return columns


def _covered(source: str, column: str) -> bool:
    """True if one ``;``-separated item of ``source`` names ``column`` and carries a flag."""
    return any(re.search(rf"\b{re.escape(column)}\b", item) and FLAG.search(item) for item in source.split(";"))


def test_every_numeric_cell_has_a_source() -> None:
    files = sorted(DATASET.glob("*.csv")) + BASIS_FILES
    missing = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for n, row in enumerate(rows, start=2):
            for column in _numeric_columns(path.stem, row):
                if "source" not in row or not _covered(row["source"] or "", column):
                    missing.append(f"{path.relative_to(ROOT)} row {n}, column {column}")
    assert not missing, ("numbers without a source (a 'source' item naming the column, with a flag [R], [E], [D] "
                         "or [A]):\n  " + "\n  ".join(missing))


def test_sources_md_lists_the_flags() -> None:
    text = (DATASET / "SOURCES.md").read_text(encoding="utf-8")
    for flag in ("[R]", "[E]", "[D]", "[A]"):
        assert f"`{flag}`" in text


def test_workbook_equals_the_csv_files() -> None:
    csv_tables, csv_problems = read_tables(DATASET)
    xlsx_tables, xlsx_problems = read_tables(WORKBOOK)
    assert not csv_problems and not xlsx_problems
    assert set(csv_tables.frames) == set(xlsx_tables.frames)
    stale = []
    for sheet, frame in csv_tables.frames.items():
        other = xlsx_tables.frames[sheet]
        try:
            pd.testing.assert_frame_equal(frame.reset_index(drop=True), other.reset_index(drop=True),
                                          check_dtype=False)
        except AssertionError as err:
            stale.append(f"{sheet}: {str(err).splitlines()[0]}")
    assert not stale, ("inputs/pax_silica_2025.xlsx differs from the CSV files; regenerate it with "
                       "`python scripts/make_xlsx.py`:\n  " + "\n  ".join(stale))


def test_derived_tables_are_up_to_date() -> None:
    builder = _script("build_default_dataset")
    for name, text in builder.build(DATASET).items():
        assert (DATASET / name).read_text(encoding="utf-8") == text, (
            f"inputs/pax_silica_2025/{name} is not what scripts/build_default_dataset.py writes; run it")


def test_fab_intensity_is_one_number() -> None:
    builder = _script("build_default_dataset")
    base = pd.read_csv(DATASET / "fabs.csv")
    doubled = pd.read_csv(io.StringIO(builder.fabs_table(DATASET, 2 * builder.INTENSITY_G_PER_WAFER)))
    assert doubled["demand_t"].sum() == pytest.approx(2 * base["demand_t"].sum(), rel=1e-3)


def test_scenarios_load() -> None:
    from optimizer.scenarios.scenario import load_scenario, load_scenario_case

    blocs = {}
    for name in ("signatories_only", "later_members", "export_controls_2025", "export_controls_2025_blocked",
                 "allied_expansions", "signatories_2026", "yttrium_cap", "china_ban_6m", "hindcast_2025"):
        scenario = load_scenario(ROOT / "models" / f"{name}.toml")
        blocs[name] = load_scenario_case(scenario.input, scenario).data.country_bloc
    assert blocs["signatories_only"]["NLD"] != "pax_silica"
    assert all(blocs["later_members"][c] == "pax_silica" for c in ("QAT", "GRC", "IND"))
    assert all(blocs["signatories_2026"][c] == "pax_silica" for c in ("QAT", "ARE", "GRC", "IND"))
    assert blocs["signatories_2026"]["NLD"] != "pax_silica"


# --- calibration ------------------------------------------------------------------------------------------------


def existing_capacity_only(data: ModelData) -> ModelData:
    refineries = {k: replace(r, build="none", max_new_tpa=0.0) for k, r in data.refineries.items()}
    mines = {k: replace(m, expansion=replace(m.expansion, build="none", max_new=0.0)) for k, m in data.mines.items()}
    purifiers = {k: replace(q, expansion=replace(q.expansion, build="none", max_new=0.0))
                 for k, q in data.purifiers.items()}
    return replace(data, refineries=MappingProxyType(refineries), mines=MappingProxyType(mines),
                   purifiers=MappingProxyType(purifiers), upgrades=MappingProxyType({})).with_caps({})


@pytest.fixture(scope="module")
def calibration_run():
    data = existing_capacity_only(steady_state_case())
    run = solve_case(data, baseline=False)
    assert run.ok, run.result.message
    return data, run


def test_no_input_uses_a_target() -> None:
    """No source cell of the dataset quotes a calibration figure: the targets are compared with, never fed in."""
    quoted = []
    for path in sorted(DATASET.glob("*.csv")) + BASIS_FILES:
        with path.open(newline="", encoding="utf-8") as handle:
            for n, row in enumerate(csv.DictReader(handle), start=2):
                quoted += [f"{path.name} row {n}: {t}" for t in TARGET_FIGURES if t in (row.get("source") or "")]
    assert not quoted, "inputs quote a calibration target:\n  " + "\n  ".join(quoted)


@pytest.mark.parametrize(("importer", "product"), _with_reason(sorted(CUSTOMS_SHARE)))
def test_china_share_of_fab_supply_matches_customs(calibration_run, importer: str, product: str) -> None:
    data, run = calibration_run
    supply = run.tables["supply"]
    rows = supply[supply["fab"].map(data.fab_country).eq(importer) & supply["product"].eq(product)]
    touched = rows["refinery_country"].eq("CHN") | rows["mine_country"].eq("CHN")
    share = rows.loc[touched, "tonnes"].sum() / rows["tonnes"].sum()
    low, high = CUSTOMS_SHARE[importer, product]
    assert low <= share <= high, (f"China touches {share:.1%} of the {product} delivered to {importer}'s fabs; "
                                  f"customs put it at {low:.0%}-{high:.0%}")


@pytest.mark.parametrize("refinery", _with_reason(sorted(UTILISATION)))
def test_plants_outside_china_run_at_their_2025_utilisation(calibration_run, refinery: str) -> None:
    data, run = calibration_run
    flows = run.tables["flows"]
    feed = flows[(flows["stage"] == "mine_to_refinery") & (flows["to"] == refinery)]
    ndpr = sum(t * data.composition.get((m, "NdPr"), 0.0) for m, t in zip(feed["from"], feed["tonnes"]))
    ndpr *= data.refineries[refinery].recovery
    output, nameplate = UTILISATION[refinery]
    assert abs(ndpr / nameplate - output / nameplate) <= UTILISATION_BAND, (
        f"{refinery} runs at {ndpr / nameplate:.0%} of its NdPr nameplate; reported {output / nameplate:.0%} (2025)")


def test_japans_chinese_ceria_comes_through_purifiers_and_solvays_as_it_is(calibration_run) -> None:
    """The structure that settles Japan's CeO2 share: Chinese oxide reaches Japan's light fabs only through a
    purifier (Resonac, fed with Chinese oxide alone, as reported), Solvay's semiconductor ceria directly, and Solvay's
    coalition fab-grade output goes to Japan first, where it displaces the most (Chinese oxide plus purification)."""
    data, run = calibration_run
    supply = run.tables["supply"]
    jpn = supply[supply["fab"].eq("jpn_fabs_light") & supply["product"].eq("CeO2") & supply["tonnes"].gt(1e-6)]
    chinese = jpn[jpn["refinery_country"].eq("CHN")]
    assert set(chinese["purifier"]) == {"resonac_japan"}
    french = jpn[jpn["refinery_country"].eq("FRA")]
    assert french["purifier"].fillna("").eq("").all()
    assert french["tonnes"].sum() == pytest.approx(data.refineries["solvay_la_rochelle"].fab_grade_max_t)
    flows = run.tables["flows"]
    fed = flows[flows["stage"].eq("refinery_to_purifier") & flows["tonnes"].gt(1e-6)]
    assert set(fed["from"]) == {"china_separation"}


def test_mountain_pass_feeds_only_mp(calibration_run) -> None:
    """Captive feed: since July 2025 MP sells no concentrate, so Mountain Pass ore reaches MP's plant only."""
    _, run = calibration_run
    flows = run.tables["flows"]
    out = flows[(flows["stage"] == "mine_to_refinery") & (flows["from"] == "mountain_pass") & (flows["tonnes"] > 1e-6)]
    assert set(out["to"]) <= {"mp_mountain_pass"}


def test_default_plan_builds_only_in_the_coalition() -> None:
    """New separation capacity is decided among the coalition's members; mines are opened where the ore is (Brazil,
    Malawi, Angola), by their owners, with the coalition's finance (DFC loans) at most."""
    data = load_case(DATASET)
    run = solve_case(data, baseline=False)
    assert run.ok, run.result.message
    builds = run.tables["builds"]
    built = builds[(builds["new_tpa"] > 1e-6) & builds["kind"].isin(["refinery", "purifier", "upgrade"])]
    assert all(data.country_bloc[c] == "pax_silica" for c in built["country"]), built.to_string()
    upgradable = [u for u in data.upgrades.values() if u.expansion.build != "none" and u.expansion.max_new > 0]
    assert all(data.country_bloc[data.refineries[u.refinery].country] == "pax_silica" for u in upgradable)
    allowed = [r for r in data.refineries.values() if r.build != "none" and r.max_new_tpa > 0]
    assert all(data.country_bloc[r.country] == "pax_silica" for r in allowed)


# --- golden regression ------------------------------------------------------------------------------------------


def steady_state_case() -> ModelData:
    """The dataset as one steady-state year (models/steady_state_2025.toml): what the 2025 calibration and the
    steady-state goldens are measured on, unchanged since the dataset became a pathway."""
    from optimizer.scenarios.scenario import load_scenario, load_scenario_case

    scenario = load_scenario(ROOT / "models" / "steady_state_2025.toml")
    return load_scenario_case(DATASET, scenario).data


def kpis(cap: float) -> dict:
    data = apply_cap_overrides(steady_state_case(), [CapOverride("CHN", "any", cap)])
    run = solve_case(data, baseline=False)
    assert run.ok, run.result.message
    builds = run.tables["builds"]
    built = builds[builds["new_tpa"] > 1e-6]
    by_country = built.groupby("country")["new_tpa"].sum()
    return {
        "objective_usd": run.result.objective_usd,
        "builds_by_country_tpa": {c: round(float(t), 3) for c, t in sorted(by_country.items())},
        "built": sorted(built["refinery"]),
        "china_share": {str(t): float(s) for t, s in run.china_share.items()},
        "caps": {f"{c.cap}@{c.period}": float(c.share) for c in run.caps},
    }


@pytest.mark.parametrize("cap", [1.0, 0.5, 0.2])
def test_default_dataset_matches_golden_results(cap: float) -> None:
    check_golden(f"pax_silica_2025_china_{cap}", kpis(cap))


def test_solve_without_input_uses_the_default_dataset(tmp_path: Path) -> None:
    from optimizer.cli import main

    result = CliRunner().invoke(main, ["solve", "--out", str(tmp_path / "out"), "--no-baseline", "--quiet"])
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "out" / "summary.json").read_text()
    assert "pax_silica_2025" in summary



# --- the pathway (issue 12) -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pathway_run():
    from optimizer.analysis.pathway import add_pathway

    data = load_case(DATASET)
    run = solve_case(data)
    assert run.ok, run.result.message
    add_pathway(run)
    return data, run


def test_default_dataset_is_a_pathway_whose_plants_run_only_after_their_lead_times(pathway_run) -> None:
    data, run = pathway_run
    assert data.multi_period and data.periods == (2025, 2027, 2030, 2035)
    builds = run.tables["builds"]
    for b in builds.itertuples():
        if b.kind in ("mine", "purifier", "upgrade"):
            site = {"mine": data.mines, "purifier": data.purifiers, "upgrade": data.upgrades}[b.kind][b.refinery]
            expansion = site.expansion
            assert b.online >= max(b.decided + expansion.lead_time_yr, expansion.earliest_online_year or 0), b
        else:
            assert b.online >= b.decided + data.refineries[b.refinery].lead_time_yr, b
    # Fab demand grows with fab capacity: 7% a year to 2028, then 3.5% (scripts/build_default_dataset.py); Singapore
    # also gains Micron's Fab 10B from 2028 (basis/fab_capacity_additions.csv), so it grows faster.
    total = {t: sum(d for (f, _p, period), d in data.demand_t.items() if period == t and data.fab_country[f] != "SGP")
             for t in data.periods}
    assert total[2035] / total[2025] == pytest.approx(1.07**3 * 1.035**7, rel=1e-3)
    sgp = {t: sum(d for (f, _p, period), d in data.demand_t.items() if period == t and data.fab_country[f] == "SGP")
           for t in data.periods}
    assert sgp[2030] / sgp[2025] > 1.07**3 * 1.035**2 + 0.1  # Fab 10B: ~120k wafer starts a month on 722k


def test_default_pathway_matches_golden_results(pathway_run) -> None:
    _data, run = pathway_run
    built = run.tables["builds"].query("built")
    check_golden("pax_silica_2025_pathway", {
        "objective_usd": run.result.objective_usd,
        "builds": [f"{b.refinery} decided {b.decided} online {b.online}: {b.new_tpa:.3f} t/yr"
                   for b in built.itertuples()],
        "china_share": {str(t): float(s) for t, s in run.china_share.items()},
        "china_share_without_caps": {str(t): float(s) for t, s in run.uncapped["china_share"].items()},
        "caps": {f"{c.cap}@{c.period}": {"max_share": float(c.max_share), "share": float(c.share)} for c in run.caps},
        "fastest_reachable": {str(r.period): float(r.floor) for r in run.tables["pathway"].itertuples()},
    }, rtol=1e-5)
