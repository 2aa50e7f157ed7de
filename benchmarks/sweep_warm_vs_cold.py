"""A 21-point frontier solved warm in one HiGHS object, against 21 cold solves (build, compile, solve each point).

    .venv/bin/python benchmarks/sweep_warm_vs_cold.py [INPUT] [--cap CHN:any] [--repeat 3] [--lp]

Target: the whole warm sweep takes at most 4x one cold solve.  Every warm point is also checked against its cold
solve (objective within 1e-6 relative), since warm-started solvers have returned wrong optima before.  One solve is
made first and not timed, so that one-off import and compiler set-up costs are not charged to either side.

``--lp`` makes every lumpy build continuous: the case becomes an LP, whose re-solves start from the last basis.  A
MILP point is a new branch and bound each time (HiGHS's MIP solver keeps no basis between runs), so on a MILP the
sweep saves the build, compile and extraction of each point but not its branch and bound.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from optimizer.analysis.sweep import SweptCap, run_sweep, sweep_shares, swept_cap
from optimizer.io.data import _frozen
from optimizer.io.load import load_case
from optimizer.solver.run import solve_case

ROOT = Path(__file__).resolve().parents[1]


def cold(data, cap: SweptCap, share: float) -> tuple[float | None, float]:  # type: ignore[no-untyped-def]
    at, _, _ = swept_cap(data, cap, share)
    start = time.perf_counter()
    run = solve_case(at, baseline=False)
    return run.result.objective_usd, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", default=str(ROOT / "inputs" / "example"))
    parser.add_argument("--cap", default="CHN:any")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lp", action="store_true", help="make lumpy builds continuous (an LP)")
    args = parser.parse_args()
    data = load_case(Path(args.input))
    if args.lp:
        refineries = {k: replace(r, build="continuous") if r.build == "lumpy" else r for k, r in data.refineries.items()}
        data = replace(data, refineries=_frozen(refineries))
    cap = SweptCap.parse(args.cap)
    shares = sweep_shares(1.0, 0.0, 21)
    cold(data, cap, 0.5)  # warm-up: imports and compiler set-up

    sweeps, colds, singles = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sweep = run_sweep(data, cap, shares)
        sweeps.append(time.perf_counter() - start)
        total = 0.0
        for p in sweep.points:
            objective, seconds = cold(data, cap, p.max_share)
            total += seconds
            if p.usable:
                assert objective is not None and abs(objective - p.objective_usd) <= 1e-6 * abs(objective), (
                    f"warm and cold disagree at share {p.max_share}: {p.objective_usd} vs {objective}")
            else:
                assert objective is None, f"warm found no plan at {p.max_share}, cold did"
        colds.append(total)
        singles.append(cold(data, cap, 0.5)[1])
    points = len(sweep.points)
    sweep_s, cold_s, single_s = (statistics.median(x) for x in (sweeps, colds, singles))
    print(f"input {args.input}{' as an LP' if args.lp else ''}, cap {args.cap}, {points} points solved of {len(shares)} "
          f"(stops at the first infeasible), median of {args.repeat}")
    print(f"  warm sweep            {sweep_s:8.3f} s   ({sweep_s / points * 1000:.1f} ms a point)")
    print(f"  {points} cold solves       {cold_s:8.3f} s   ({cold_s / points * 1000:.1f} ms a point)")
    print(f"  one cold solve        {single_s:8.3f} s")
    print(f"  sweep / one cold solve = {sweep_s / single_s:.1f}x (target <= 4x); "
          f"cold / warm = {cold_s / sweep_s:.1f}x; every point matches its cold solve")


if __name__ == "__main__":
    main()
