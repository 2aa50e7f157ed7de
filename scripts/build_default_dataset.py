#!/usr/bin/env python3
"""Write the derived tables of the default dataset: ``fabs.csv``, ``demand.csv`` and ``arcs.csv`` in
``inputs/pax_silica_2025/``.

Every other CSV of the dataset is edited by hand; these three are computed, so that their assumptions live in one
place (this file) and can be changed with one number.

**Fab demand** (``fabs.csv``). No public tonnage exists for the rare-earth oxides that chip fabs consume, so demand is

    demand_t = wafer_starts_per_month x 12 x INTENSITY_G_PER_WAFER x PRODUCT_MIX[product] / 1e6

with the fab capacity of each country from ``basis/fab_capacity.csv`` (200mm-equivalent wafer starts per month,
sourced there).  ``INTENSITY_G_PER_WAFER`` is the single knob: grams of rare-earth oxide per 200mm-equivalent wafer
start, all uses together (ceria CMP abrasive, lanthanum, yttria chamber coatings).  Change it here or with
``--intensity-g-per-wafer`` and re-run.  Each country has two fab nodes, so that light and heavy products stay apart
(a heavy node can be cut off by export controls without touching the light one): ``<iso>_fabs_light`` (CeO2, La2O3)
and ``<iso>_fabs_heavy`` (Y2O3).

**Wafer starts** (``fabs.csv``): a tonne of a product serves ``1e6 / grams`` wafer starts
(``wafer_starts_per_t``); a disruption's shortage costs them at the parameter
``disruption_value_per_wafer_start_usd`` (``parameters.csv``; US$0.5bn a tonne of CeO2 to US$10.6bn of Sc2O3), and
normal operations must meet demand.  A country's light and heavy nodes share one ``wafer_pool`` (``<iso>_fabs``: the
same wafers need ceria and yttria, and are counted once); its RF-filter fabs are a pool of their own (other wafers).

**Demand by period** (``demand.csv``): the dataset is a pathway (``periods.csv``, hand-edited); every fab row's
demand in a later period is its 2025 demand times the growth of fab capacity to the period's first year
(``DEMAND_GROWTH_TO_2028``, ``DEMAND_GROWTH_AFTER``).

**Arc restrictions** (``arcs.csv``), from columns of the hand-edited tables:

- ``refineries.fab_grade``: which fab nodes a refinery can supply with semiconductor-grade oxide (``all``, ``light``,
  ``heavy`` or ``none``); a refinery -> fab arc outside that is blocked.
- China exports no rare-earth ore or concentrate: every arc from a Chinese mine to a refinery outside China is blocked.
- Captive feed (``CAPTIVE_FEED``): a mine whose output goes only to its owner's plant has every other arc blocked
  (Mt Weld to Lynas; Mountain Pass to MP since July 2025; Thailand's and Madagascar's ore to China, where USGS
  observes it; India's monazite, an atomic mineral, to IREL).
- The purification stage (``purifiers.csv``): each purifier is fed only by the refineries of ``PURIFIER_FEED`` (as
  reported: Resonac with Chinese oxide) and supplies only the light fab nodes of ``PURIFIER_FABS``; the refineries of
  ``PURIFIED_ONLY`` reach a fab node only through a purifier (China's oxide reaches Japan's and Korea's fabs as CMP
  abrasive made there).

Usage::

    python scripts/build_default_dataset.py                 # rewrite fabs.csv, demand.csv and arcs.csv
    python scripts/build_default_dataset.py --check         # exit 1 if they are not what this script writes
    python scripts/build_default_dataset.py --intensity-g-per-wafer 20
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "inputs" / "pax_silica_2025"

# --- the assumptions -------------------------------------------------------------------------------------------

INTENSITY_G_PER_WAFER = 5.0
"""Grams of rare-earth oxide consumed per 200mm-equivalent wafer start, all uses together [D].

Derivation of the CeO2 part (80% of the total): a ceria STI/ILD polish uses ~0.2-0.3 l of slurry at ~0.5-1 wt%
CeO2, i.e. ~1-3 g per step on a 300mm wafer; 3-5 ceria steps per wafer; 2.25 200mm-equivalents per 300mm wafer.
That gives 1.3-6.7 g CeO2 per 200mm-equivalent wafer start; 5.0 g x 0.8 = 4.0 g CeO2 is the middle of that range.
Cross-check: 4.0 g x 33.7M wafers/month (world, 2025) x 12 = ~1,600 t CeO2 a year, inside the 1,000-4,000 t/yr
that a ~US$80M (2024) semiconductor-grade ceria market implies at US$20-80/kg (RESEARCH-2026-12.md, section 6).
Yttria coatings of chamber parts are consumed as parts are replaced."""

DEMAND_GROWTH_TO_2028 = 0.07
"""Growth of fab capacity, and so of demand, a year from 2025 to 2028 [R]: SEMI's 300mm Fab Outlook (press release,
25 June 2025) has global 300mm capacity growing at a 7% CAGR from the end of 2024 to 2028 (11.1M wafers/month),
applied to every country's 200mm-equivalent capacity [E]."""

DEMAND_GROWTH_AFTER = 0.035
"""Growth a year after 2028, when no forecast is published: half SEMI's rate to 2028 [A]."""

PRODUCT_MIX = {"CeO2": 0.80, "La2O3": 0.04, "Y2O3": 0.16}
"""Split of INTENSITY_G_PER_WAFER by product [A]: mostly ceria abrasive; yttria for plasma-facing parts; a little
lanthanum."""

FAB_NODES = {"light": ("CeO2", "La2O3"), "heavy": ("Y2O3",)}
"""Fab nodes per country and the products each one uses."""

RF_PRODUCT = "Sc2O3"
"""The product of the RF-filter fab nodes (``<iso>_fabs_rf``, from ``basis/rf_filter_fabs.csv``)."""

SC2O3_G_PER_RF_WAFER = 0.18
"""Grams of Sc2O3 consumed per 200mm-equivalent RF-filter (BAW) wafer start [D].

A BAW resonator's piezoelectric layer is ~1 um of Sc(0.3)Al(0.7)N [A] (3.3 g/cm3): 314 cm2 x 1e-4 cm x 3.3 = 0.10 g
per 200mm wafer, of which scandium is 13.5 / 46.4 = 29% (0.03 g Sc); sputtering puts ~25% of the target on the
wafer [A], so 0.12 g Sc, or 0.12 x 137.9 / 89.9 = 0.18 g Sc2O3, per wafer start."""

FAB_GRADES = {"all": ("light", "heavy", "rf"), "light": ("light",), "heavy": ("heavy",), "rf": ("rf",),
              "none": ()}

CAPTIVE_FEED = {
    "mt_weld": (("lynas_malaysia", "lynas_seadrift"),
                "Lynas cracks all Mt Weld concentrate itself (Kalgoorlie, Malaysia) and sells no concentrate "
                "(Lynas FY25 results, 2025) [R]"),
    "mountain_pass": (("mp_mountain_pass",),
                      "Mountain Pass concentrate goes only to MP's own separation plant: no sales to China or other "
                      "third parties since July 2025 (MP Q3 2025 10-Q; Q4 2025 call, 2026) [R]"),
    "thailand": (("china_separation",),
                 "Thailand's 2025 output is known only as China's imports (USGS MCS 2026 estimates it from China's "
                 "import data): it is sold to Chinese separators [R]"),
    "madagascar": (("china_separation",),
                   "Madagascar's 2025 output is known only as China's imports (USGS MCS 2026 estimates it from "
                   "China's import data): it is sold to Chinese separators [R]"),
    "brazil": (("china_separation",),
               "Serra Verde's concentrate goes to Chinese processors under offtakes that end at the close of 2026 "
               "(SMM news.metal.com, 2025; Reuters, Dec 2025) [R]"),
    "nigeria": (("china_separation",),
                "Nigeria's monazite is exported to China (25% of China's monazite imports in 2023, China customs via "
                "giti.sg) [E]"),
    "la_rochelle_feed": (("solvay_la_rochelle",),
                         "the recycled oxide and intermediates Solvay buys are separated at La Rochelle (metalnomist, "
                         "Jun 2025) [R]"),
    "china_scandium": (("china_scandium_refining",),
                       "China's scandium by-product streams are refined in China (Project Blue, 2022) [R]"),
    "rtft_tio2_residues": (("rtft_sorel_tracy",),
                           "Rio Tinto refines the scandium of its own TiO2 waste at Sorel-Tracy (Rio Tinto, 2022) [R]"),
    "taganito_hpal": (("smm_harima",),
                      "Sumitomo refines the Taganito scandium intermediate at Harima (SMM, 2016) [R]"),
    "eneabba_stockpile": (("iluka_eneabba",), "the Eneabba stockpile feeds Iluka's own refinery (Iluka, 2024) [R]"),
    "browns_range": (("iluka_eneabba",), "Browns Range's xenotime goes to Iluka under its offtake "
                     "(rareearthexchanges.com, 2025) [R]"),
    "nolans": (("arafura_nolans",), "the Nolans mine feeds Arafura's own refinery (Arafura DFS, 2019) [R]"),
    "donald": (("energy_fuels_white_mesa", "energy_fuels_phase2"),
               "Energy Fuels takes Donald's concentrate (Energy Fuels BFS, Jan 2026) [R]"),
    "toliara": (("energy_fuels_white_mesa", "energy_fuels_phase2"),
                "Toliara's monazite feeds Energy Fuels (Energy Fuels BFS, Jan 2026) [R]"),
    "aclara_carina": (("aclara_louisiana",), "Carina's concentrate feeds Aclara's Louisiana plant (mining.com, "
                      "2025) [R]"),
    "india": (("irel_india",),
              "India's beach-sand monazite is an atomic mineral regulated by the Department of Atomic Energy and "
              "processed by IREL at home (OSCOM, Odisha; Aluva, Kerala) (DAE, 2015; Business Standard, 2025) [A]"),
}
"""Mines whose whole output is tied to their owner's refineries: every arc to another refinery is blocked."""

PURIFIER_FEED = {
    "resonac_japan": ({"china_separation"},
                      "Resonac's (ex-Showa Denko) ceria abrasives are made from cerium oxide produced in China (Showa "
                      "Denko release, 13 Sep 2010) [R]"),
    "kor_ceria_slurry": ({"china_separation"},
                         "Korea's cerium compounds come from China and from Japanese processors (KOTRA Fukuoka via "
                         "korea-economics.jp, 2023) [R]; a Japanese processor's output reaches Korean fabs from "
                         "resonac_japan [A]"),
    "jpn_ceria_line_new": (None,
                           "a new CMP-ceria line qualified on oxide separated outside China: no Chinese feed [A]"),
}
"""Purifiers and the refineries that may feed them (``None``: every refinery outside China that separates light
rare earths); every other refinery -> purifier arc is blocked."""

PURIFIER_FABS = {"resonac_japan": ("JPN", "KOR"), "kor_ceria_slurry": ("KOR",), "jpn_ceria_line_new": ("JPN", "KOR")}
"""The countries whose light fab node (CeO2, La2O3) each purifier supplies; its arcs to other fab nodes are blocked
(CMP-ceria makers, not yttria-coating or scandium-target makers) [A]."""

PURIFIED_ONLY = {
    "jpn_fabs_light": ({"china_separation"},
                       "Chinese cerium oxide reaches Japan's fabs as CMP abrasive made by Japanese powder and slurry "
                       "makers (Showa Denko, 2010; Hitachi Chemical ~55% of STI ceria slurry, Information Network "
                       "via azom.com, 2009) [R]: through a purifier"),
    "kor_fabs_light": ({"china_separation", "solvay_la_rochelle"},
                       "Korea's fab ceria comes from Korean slurry makers (KCTech, Soulbrain) fed with Chinese and "
                       "Japanese cerium compounds (KOTRA, 2023) [R]; France is not among Korea's reported sources [A]"),
}
"""Fab nodes that the listed refineries reach only through a purifier (their direct arcs are blocked)."""

# --- the tables ------------------------------------------------------------------------------------------------


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _wafers_per_t(grams: float) -> str:
    """Wafer starts a tonne of a product serves at ``grams`` per wafer start."""
    return _num(1e6 / grams)


def _wafer_sources(grams: float) -> str:
    return (f"wafer_starts_per_t: 1e6 g / {grams:g} g per wafer start [D]; wafer_pool: the country's light and heavy "
            "fab nodes start the same wafers, its RF-filter fabs other wafers [A]")


def fabs_table(dataset: Path, intensity: float) -> str:
    rows: list[list[object]] = []
    for fab in _read(dataset / "basis" / "fab_capacity.csv"):
        if fab["in_default"].strip().lower() != "true":
            continue
        country, wpm = fab["country"], float(fab["wafer_starts_per_month"])
        for node, products in FAB_NODES.items():
            for product in products:
                grams = intensity * PRODUCT_MIX[product]
                demand = wpm * 12 * grams / 1e6
                source = (f"demand_t: {_num(wpm)} wafer starts/month (basis/fab_capacity.csv) x 12 x {grams:g} g "
                          f"{product} per wafer start (intensity {intensity:g} g x mix {PRODUCT_MIX[product]:g}, "
                          f"scripts/build_default_dataset.py) [D]; {_wafer_sources(grams)}")
                rows.append([f"{country.lower()}_fabs_{node}", country, product, _num(demand), "",
                             _wafers_per_t(grams), f"{country.lower()}_fabs", _num(wpm), f"{grams:g}", source])
    for fab in _read(dataset / "basis" / "rf_filter_fabs.csv"):
        country, wpm = fab["country"], float(fab["rf_wafer_starts_per_month"])
        demand = wpm * 12 * SC2O3_G_PER_RF_WAFER / 1e6
        source = (f"demand_t: {_num(wpm)} RF-filter wafer starts/month (basis/rf_filter_fabs.csv) x 12 x "
                  f"{SC2O3_G_PER_RF_WAFER:g} g {RF_PRODUCT} per wafer start (scripts/build_default_dataset.py) [D]; "
                  f"{_wafer_sources(SC2O3_G_PER_RF_WAFER)}")
        rows.append([f"{country.lower()}_fabs_rf", country, RF_PRODUCT, f"{demand:.3f}", "",
                     _wafers_per_t(SC2O3_G_PER_RF_WAFER), f"{country.lower()}_fabs_rf", _num(wpm),
                     f"{SC2O3_G_PER_RF_WAFER:g}", source])
    header = ["fab", "country", "product", "demand_t", "unmet_penalty_usd_per_t", "wafer_starts_per_t", "wafer_pool",
              "wafer_starts_per_month", "intensity_g_per_wafer", "source"]
    return _csv(header, rows)


def capacity_additions(dataset: Path) -> list[dict[str, str]]:
    """New fabs announced with a start (``basis/fab_capacity_additions.csv``): wafer starts added from a year on."""
    return _read(dataset / "basis" / "fab_capacity_additions.csv")


def demand_index(year: int) -> float:
    """Fab capacity in ``year`` relative to 2025: DEMAND_GROWTH_TO_2028 a year to 2028, DEMAND_GROWTH_AFTER after."""
    return (1 + DEMAND_GROWTH_TO_2028) ** (min(year, 2028) - 2025) * (1 + DEMAND_GROWTH_AFTER) ** max(0, year - 2028)


def demand_table(dataset: Path, intensity: float) -> str:
    """Per-period demand of the pathway: each fab row's 2025 demand times :func:`demand_index` of the period's year."""
    periods = [int(r["period"]) for r in _read(dataset / "periods.csv")]
    rows: list[list[object]] = []
    additions = capacity_additions(dataset)
    for fab in _read_text(fabs_table(dataset, intensity)):
        small = fab["product"] == RF_PRODUCT
        for year in periods[1:]:
            index = demand_index(year)
            demand = float(fab["demand_t"]) * index
            source = (f"period: a period of periods.csv [D]; "
                      f"demand_t: fabs.csv demand_t ({fab['demand_t']} t in 2025) x fab capacity growth "
                      f"{index:.4f} ({100 * DEMAND_GROWTH_TO_2028:g}%/yr to 2028, SEMI 300mm Fab Outlook, June "
                      f"2025 [R]; {100 * DEMAND_GROWTH_AFTER:g}%/yr after [A])")
            for add in additions:
                start = int(add["from_year"])
                if small or add["country"] != fab["country"] or year < start:
                    continue
                wpm = float(add["wafer_starts_per_month"]) * index / demand_index(start)
                demand += wpm * 12 * float(fab["intensity_g_per_wafer"]) / 1e6
                source += (f" + {add['fab']} from {start} ({_num(wpm)} wafer starts/month, basis/"
                           f"fab_capacity_additions.csv) x 12 x {fab['intensity_g_per_wafer']} g")
            rows.append([fab["fab"], year, fab["product"], f"{demand:.3f}" if small else _num(demand),
                         source + " [D]"])
    return _csv(["fab", "period", "product", "demand_t", "source"], rows)


def _read_text(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def arcs_table(dataset: Path) -> str:
    mines = _read(dataset / "mines.csv")
    refineries = _read(dataset / "refineries.csv")
    fab_nodes: list[tuple[str, str]] = []  # (fab id, light/heavy/rf)
    for fab in _read(dataset / "basis" / "fab_capacity.csv"):
        if fab["in_default"].strip().lower() == "true":
            fab_nodes += [(f"{fab['country'].lower()}_fabs_{node}", node) for node in FAB_NODES]
    fab_nodes += [(f"{fab['country'].lower()}_fabs_rf", "rf")
                  for fab in _read(dataset / "basis" / "rf_filter_fabs.csv")]
    rows: list[list[object]] = []
    for mine in mines:
        if mine["country"] != "CHN":
            continue
        for ref in refineries:
            if ref["country"] != "CHN":
                rows.append([mine["mine"], ref["refinery"], "", "", "true",
                             "blocked: China exports no rare-earth ore or concentrate; it is a net importer "
                             "(China customs 2024) [A]"])
    known = {ref["refinery"] for ref in refineries}
    for mine in mines:
        if mine["mine"] not in CAPTIVE_FEED:
            continue
        owners, reason = CAPTIVE_FEED[mine["mine"]]
        if not set(owners) <= known:
            raise SystemExit(f"CAPTIVE_FEED: {mine['mine']} is tied to {', '.join(owners)}, not all in refineries.csv")
        for ref in refineries:
            if ref["refinery"] not in owners and not (mine["country"] == "CHN" and ref["country"] != "CHN"):
                rows.append([mine["mine"], ref["refinery"], "", "", "true", f"blocked: {reason}"])
    tied = {owner for owners, _ in CAPTIVE_FEED.values() for owner in owners}
    for ref in refineries:
        if ref["fab_grade"].strip() != "rf":
            continue
        if ref["refinery"] not in tied:
            raise SystemExit(f"refineries.csv: {ref['refinery']}: a scandium refiner (fab_grade rf) needs its feed in "
                             "CAPTIVE_FEED")
        for mine in mines:
            owners = CAPTIVE_FEED.get(mine["mine"], ((), ""))[0]
            if ref["refinery"] in owners or mine["mine"] in CAPTIVE_FEED:
                continue  # its own feed, or a captive mine whose other arcs are blocked above
            if mine["country"] == "CHN" and ref["country"] != "CHN":
                continue  # blocked above
            rows.append([mine["mine"], ref["refinery"], "", "", "true",
                         f"blocked: {ref['refinery']} refines only the scandium by-product stream tied to it "
                         "(CAPTIVE_FEED) [A]"])
    for ref in refineries:
        grade = ref["fab_grade"].strip()
        if grade not in FAB_GRADES:
            raise SystemExit(f"refineries.csv: {ref['refinery']}: fab_grade must be one of {', '.join(FAB_GRADES)}")
        for fab, node in fab_nodes:
            if node not in FAB_GRADES[grade]:
                rows.append([ref["refinery"], fab, "", "", "true",
                             f"blocked: {ref['refinery']} does not sell semiconductor-grade {node} oxides "
                             f"(refineries.csv fab_grade = {grade}) [A]"])
    rows += purifier_arcs(dataset, refineries, [fab for fab, _ in fab_nodes])
    return _csv(["from", "to", "cost_usd_per_t", "max_t", "blocked", "source"], rows)


def purifier_arcs(dataset: Path, refineries: list[dict[str, str]], fabs: list[str]) -> list[list[object]]:
    """Blocked arcs of the purification stage: refineries that do not feed a purifier (``PURIFIER_FEED``), purifiers
    to fabs they do not supply (``PURIFIER_FABS``), refineries whose oxide reaches a fab only through a purifier
    (``PURIFIED_ONLY``)."""
    path = dataset / "purifiers.csv"
    purifiers = _read(path) if path.exists() else []
    known = {ref["refinery"] for ref in refineries}
    rows: list[list[object]] = []
    for q in purifiers:
        name = q["purifier"]
        if name not in PURIFIER_FEED or name not in PURIFIER_FABS:
            raise SystemExit(f"purifiers.csv: {name}: its feed and fabs must be in PURIFIER_FEED and PURIFIER_FABS")
        feeders, reason = PURIFIER_FEED[name]
        for ref in refineries:
            allowed = ref["country"] != "CHN" and ref["fab_grade"].strip() != "rf" if feeders is None \
                else ref["refinery"] in feeders
            if not allowed:
                rows.append([ref["refinery"], name, "", "", "true", f"blocked: {reason}"])
        countries = PURIFIER_FABS[name]
        for fab in fabs:
            if not (fab.endswith("_fabs_light") and fab[:3].upper() in countries):
                rows.append([name, fab, "", "", "true",
                             f"blocked: {name} makes CMP ceria for the light fab nodes of {', '.join(countries)} [A]"])
    for fab, (refs, reason) in PURIFIED_ONLY.items():
        if purifiers and fab in fabs:
            if not refs <= known:
                raise SystemExit(f"PURIFIED_ONLY: {fab} names refineries not in refineries.csv")
            rows += [[r, fab, "", "", "true", f"blocked: {reason}"] for r in sorted(refs)]
    return rows


def build(dataset: Path = DATASET, intensity: float = INTENSITY_G_PER_WAFER) -> dict[str, str]:
    """The derived tables: file name -> CSV text."""
    return {"fabs.csv": fabs_table(dataset, intensity), "arcs.csv": arcs_table(dataset),
            "demand.csv": demand_table(dataset, intensity)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET, help="the CSV directory (default: %(default)s)")
    parser.add_argument("--intensity-g-per-wafer", type=float, default=INTENSITY_G_PER_WAFER,
                        help="grams of rare-earth oxide per 200mm-equivalent wafer start (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in build(args.dataset, args.intensity_g_per_wafer).items():
        path = args.dataset / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/build_default_dataset.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
