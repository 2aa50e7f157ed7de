"""OR-Library capacitated warehouse location (Beasley 1988: cap41..cap134, capa, capb, capc) as paxsilica cases.

The converter follows the format OR-Library publishes in ``capinfo.txt``::

    number of potential warehouse locations (m), number of customers (n)
    for each potential warehouse location i (i=1,...,m): capacity, fixed cost
    for each customer j (j=1,...,n): demand, cost of allocating all of the demand of j to warehouse i (i=1,...,m)

In capa, capb and capc the word ``capacity`` stands in for each warehouse's capacity, to be replaced by a value of
Table 1 of the paper (four problems per file); :func:`read_cap` takes it as ``capacity``, or, without one, as the
total demand: the uncapacitated problem, whose optima OR-Library publishes in ``uncapopt``.  Numbers may wrap over
lines, so the file is read as a stream of tokens.

Mapping: a warehouse is a lumpy greenfield refinery (``max_new_tpa`` = capacity, ``fixed_capex_usd`` = fixed cost,
no cost per tonne of capacity, a one-year life at a discount rate of 0, so the annual capex is the fixed cost); a
customer is a fab of one product whose demand must be met; allocating costs ``cost / demand`` per tonne on the arc
from the warehouse; one mine of ample capacity supplies every warehouse at no cost.  The optimum of the case is the
optimum of the warehouse problem (demand may be split between warehouses, as in Beasley's problems).

cap71, cap101 and cap131 are in ``tests/data/orlib``; capa, capb and capc (1.2 MB each) in the project's reference
folder.  :func:`generate_cap` writes instances in the same format, of any size::

    python benchmarks/orlib.py --compare capa.txt capb.txt capc.txt --time-limit 300   # paxsilica vs strong highspy
    python benchmarks/orlib.py --file capa.txt --out /tmp/capa      # the CSV case; then: paxsilica solve /tmp/capa
    python benchmarks/orlib.py --generate 100 1000 --seed 1 --solve  # a generated instance, with and without links

``--compare`` runs ``paxsilica solve`` on each file's CSV case in its own process (what a user runs) beside the
strong formulation written directly in highspy (:mod:`benchmarks.orlib_strong`), with the same HiGHS options.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer.io.data import Arc, Mine, ModelData, Refinery, _frozen  # noqa: E402


@dataclass(frozen=True)
class CapInstance:
    """One warehouse-location problem: m sites, n customers, ``cost[j, i]`` = allocating all of j's demand to i."""

    capacity: np.ndarray  # (m,)
    fixed: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (n, m)


def read_cap(path: Path, capacity: float | None = None) -> CapInstance:
    """Read an OR-Library cap file; ``capacity`` replaces the word ``capacity`` (capa, capb, capc).

    Without ``capacity``, a site whose capacity is the word gets the total demand: the uncapacitated problem, whose
    optima OR-Library publishes in ``uncapopt`` (``/work/shared/reference/orlib/README.md``).
    """
    tokens = Path(path).read_text().split()
    pos = 0

    def number() -> float:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token.lower() == "capacity":
            return np.nan if capacity is None else float(capacity)
        return float(token)

    m, n = int(number()), int(number())
    sites = np.array([[number(), number()] for _ in range(m)])
    demand, cost = np.empty(n), np.empty((n, m))
    for j in range(n):
        demand[j] = number()
        cost[j] = [number() for _ in range(m)]
    capacities = np.where(np.isnan(sites[:, 0]), demand.sum(), sites[:, 0])
    return CapInstance(capacities, sites[:, 1], demand, cost)


def write_cap(instance: CapInstance, path: Path, capacity_word: bool = False) -> None:
    """Write ``instance`` in the OR-Library format (with the word ``capacity`` for every site, as capa does)."""
    m, n = len(instance.capacity), len(instance.demand)
    lines = [f" {m} {n}"]
    for cap, fixed in zip(instance.capacity, instance.fixed):
        lines.append(f" {'capacity' if capacity_word else f'{cap:g}'} {fixed:.3f}")
    for j in range(n):
        lines.append(f" {instance.demand[j]:g}")
        costs = [f"{c:.5f}" for c in instance.cost[j]]
        lines.extend(" " + " ".join(costs[k:k + 7]) for k in range(0, m, 7))  # wrapped, as in the published files
    Path(path).write_text("\n".join(lines) + "\n")


def generate_cap(m: int = 100, n: int = 1000, capacity: float = 8000.0, seed: int = 0) -> CapInstance:
    """A capa-like instance: sites and customers in the unit square, allocation cost = distance x demand x rate,
    fixed costs of the order of the allocation costs of a site's share of the customers."""
    rng = np.random.default_rng(seed)
    sites, customers = rng.uniform(0, 1, (m, 2)), rng.uniform(0, 1, (n, 2))
    demand = rng.integers(1, 80, n).astype(float)
    distance = np.linalg.norm(customers[:, None, :] - sites[None, :, :], axis=2)
    cost = distance * demand[:, None] * 100.0
    fixed = rng.uniform(15000, 25000, m).round(3)
    return CapInstance(np.full(m, capacity), fixed, demand, cost)


def to_model_data(instance: CapInstance, name: str = "cap") -> ModelData:
    """The paxsilica case of a warehouse-location instance (see the module docstring)."""
    m, n = len(instance.capacity), len(instance.demand)
    sites = [f"w{i:03d}" for i in range(m)]
    refineries = {s: Refinery("AAA", 0.0, 0.0, 1.0, max_new_tpa=float(instance.capacity[i]), capex_usd_per_tpa=0.0,
                              fixed_capex_usd=float(instance.fixed[i]), min_build_tpa=0.0, build="lumpy",
                              lifetime_yr=1.0)
                  for i, s in enumerate(sites)}
    customers = [f"c{j:04d}" for j in range(n) if instance.demand[j] > 0]
    index = [j for j in range(n) if instance.demand[j] > 0]
    total = float(instance.demand.sum())
    fab_arcs = {(s, c): Arc(float(instance.cost[j, i] / instance.demand[j]))
                for i, s in enumerate(sites) for c, j in zip(customers, index)}
    return ModelData(
        country_bloc=_frozen({"AAA": "other"}), country_name=_frozen({"AAA": "AAA"}), products=("P",),
        mines=_frozen({"supply": Mine("AAA", total, 0.0)}), refineries=_frozen(refineries),
        composition=_frozen({("supply", "P"): 1.0}), fab_country=_frozen({c: "AAA" for c in customers}),
        fab_products=tuple((c, "P") for c in customers),
        demand_t=_frozen({(c, "P", 0): float(instance.demand[j]) for c, j in zip(customers, index)}),
        unmet_penalty_usd_per_t=_frozen({(c, "P"): None for c in customers}),
        mine_arcs=_frozen({("supply", s): Arc(0.0) for s in sites}), fab_arcs=_frozen(dict(sorted(fab_arcs.items()))),
        caps=_frozen({}), markets=_frozen({}), periods=(0,), years_represented=_frozen({0: 1.0}), multi_period=False,
        discount_rate=0.0, source=f"OR-Library warehouse location {name}",
    )


def solve(data: ModelData, links: bool = True, time_limit: float = 60.0) -> dict:
    """Build and solve with or without the linking inequalities; objective, status, gap and times."""
    import optimizer.model as model_module
    from optimizer.solver.highs import HighsProgram, SolveOptions

    start = time.perf_counter()
    saved = model_module.add_linking
    if not links:
        model_module.add_linking = lambda m, d: None  # type: ignore[assignment]
    try:
        program = HighsProgram(model_module.build_model(data))
    finally:
        model_module.add_linking = saved
    result = program.solve(SolveOptions(time_limit=time_limit))
    return {"links": links, "status": result.outcome.value, "objective": result.objective_usd,
            "mip_gap": result.mip_gap, "solve_s": result.times_s["solve"], "total_s": time.perf_counter() - start,
            "columns": len(program.columns), "rows": len(program.rows)}


def write_case(data: ModelData, out: Path) -> None:
    """Write the paxsilica case of a warehouse problem as a CSV input directory (what ``paxsilica solve`` reads)."""
    import pandas as pd

    from benchmarks.generate import write_csv

    write_csv(data, out)
    # generate.write_csv writes the columns of continuous builds; a warehouse is lumpy with a fixed cost.
    pd.DataFrame([{"refinery": r, "country": v.country, "capacity_tpa": v.capacity_tpa, "opex_usd_per_t": 0.0,
                   "recovery": 1.0, "max_new_tpa": v.max_new_tpa, "capex_usd_per_tpa": 0.0,
                   "fixed_capex_usd": v.fixed_capex_usd, "min_build_tpa": 0.0, "build": "lumpy",
                   "lifetime_yr": 1.0} for r, v in data.refineries.items()]).to_csv(out / "refineries.csv", index=False)
    for optional in ("caps.csv", "markets.csv"):  # a warehouse problem has neither; an empty file is not a sheet
        path = out / optional
        if path.exists() and not path.read_text().strip():
            path.unlink()


def solve_cli(case: Path, out: Path, time_limit: float) -> dict:
    """``paxsilica solve CASE --out OUT`` in its own process: what its summary.json reports, and the wall time."""
    import json
    import subprocess

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from optimizer.cli import main; main()", "solve", str(case),
                           "--out", str(out), "--time-limit", str(time_limit)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if not (out / "summary.json").exists():
        return {"route": "paxsilica solve", "status": f"exit {done.returncode}: {done.stderr[-300:]}", "total_s": wall}
    summary = json.loads((out / "summary.json").read_text())
    times = summary.get("wall_times_s", {})
    return {"route": "paxsilica solve", "status": summary.get("status"), "objective": summary.get("objective_usd"),
            "mip_gap": summary.get("mip_gap"), "exit": done.returncode, "build_s": times.get("build"),
            "compile_s": times.get("compile"), "solve_s": times.get("solve"), "total_s": wall}


# OR-Library uncapopt: the uncapacitated optima (/work/shared/reference/orlib/README.md).
UNCAPACITATED_OPTIMA = {"cap71": 932_615.750, "cap101": 796_648.4375, "cap131": 793_439.5625,
                        "capa": 17_156_454.478, "capb": 12_979_071.582, "capc": 11_505_594.329}


def compare(files: list[Path], time_limit: float, work: Path) -> list[dict]:
    """paxsilica (its CLI on the CSV case) and the strong highspy formulation, side by side, file after file."""
    from benchmarks.orlib_strong import solve_strong

    rows = []
    for file in files:
        name = Path(file).stem
        instance = read_cap(file)
        case = work / name
        write_case(to_model_data(instance, name), case)
        strong = solve_strong(instance, time_limit)
        ours = solve_cli(case, work / f"{name}_out", time_limit)
        for result in (ours, strong):
            result.update(file=name, published=UNCAPACITATED_OPTIMA.get(name))
            print(result, flush=True)
            rows.append(result)
        print(f"{name}: HiGHS solve paxsilica / strong = {ours.get('solve_s') or float('nan'):.1f} / "
              f"{strong['solve_s']:.1f} s = {(ours.get('solve_s') or float('nan')) / strong['solve_s']:.2f}x; "
              f"end to end {ours['total_s']:.1f} / {strong['total_s']:.1f} s = "
              f"{ours['total_s'] / strong['total_s']:.2f}x", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="OR-Library capacitated warehouse location as paxsilica cases")
    parser.add_argument("--file", type=Path, help="an OR-Library cap file (cap41 ... capc)")
    parser.add_argument("--capacity", type=float,
                        help="the value of the word 'capacity' (capa, capb, capc); without it, the total demand")
    parser.add_argument("--generate", type=int, nargs=2, metavar=("M", "N"), help="write and read a capa-like file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the case as a CSV input directory")
    parser.add_argument("--solve", action="store_true", help="solve with and without the linking inequalities")
    parser.add_argument("--compare", type=Path, nargs="+", metavar="FILE",
                        help="paxsilica solve (CLI) against the strong highspy formulation, uncapacitated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/orlib_compare"), help="where --compare writes")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.time_limit, args.work)
        return
    if args.generate:
        path = Path(f"/tmp/cap_{args.generate[0]}x{args.generate[1]}_{args.seed}.txt")
        write_cap(generate_cap(*args.generate, capacity=args.capacity or 8000.0, seed=args.seed), path,
                  capacity_word=True)
        args.file = path
    instance = read_cap(args.file, args.capacity)
    data = to_model_data(instance, Path(args.file).name)
    if args.out:
        write_case(data, args.out)
    if args.solve:
        for links in (True, False):
            print(solve(data, links, args.time_limit), flush=True)


if __name__ == "__main__":
    main()
