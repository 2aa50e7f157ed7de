"""Scale benchmarks: paxsilica against the same LP handed to HiGHS as arrays (the floor) and written with linopy.

Every measurement runs in its own subprocess (``--child``), which times its phases and reports its own peak
memory (``ru_maxrss``), so one route's memory never counts against another.  Run from the repository root::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/run.py            # all sizes, the sweep and the batch (about 15 minutes)
    .venv/bin/python benchmarks/run.py --scales 1 15 --skip-batch
    .venv/bin/python benchmarks/run.py --chain-compare 40   # paxsilica without and with slates and purifiers

and paste the table it prints into benchmarks/README.md.  Routes, from the case as :class:`ModelData` (generating it
is not timed):

``paxsilica``  what ``optimizer.solver.run.solve_case`` does: build the Pyomo model, compile it (``HighsProgram``), HiGHS,
               duals, result tables (``optimizer.solver.run.extract_run``)
``highspy``    ``benchmarks/lp_tables.py`` + ``direct.py``: numpy/pandas arrays, one ``passModel``, HiGHS
``linopy``     ``lp_tables.py`` + ``linopy_model.py``: linopy variables and group-by sums, HiGHS through linopy's
               direct interface, solution read back

All three solve the same LP with the same HiGHS options (one thread, seed 0, interior point: see ``HIGHS``); their
objectives must agree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SCALES = (1.0, 15.0, 40.0, 90.0)
# HiGHS's interior point method for every route: on these provenance-expanded transport LPs the simplex method's
# time swings by minutes with the order of rows and columns, which each route chooses differently, while the
# interior point time depends on the matrix alone (and is several times shorter).
HIGHS = {"solver": "ipm"}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(route: str, scale: float, chain: bool = False) -> dict:
    """One route on one instance (``chain``: with product slates and a purifier tier, paxsilica only), in this
    process; returns the measurements."""
    from benchmarks.generate import generate

    data = generate(scale, chain=chain)
    # Imports are a fixed start-up cost, not part of building a model: load every route's modules first.
    import highspy  # noqa: F401
    import scipy.sparse  # noqa: F401
    from pyomo.repn.plugins import standard_form  # noqa: F401

    from benchmarks import direct, lp_tables  # noqa: F401
    from optimizer import model  # noqa: F401
    from optimizer.solver import reuse, run  # noqa: F401

    if route == "linopy":
        from benchmarks import linopy_model  # noqa: F401
    base_mb = _rss_mb()
    start = time.perf_counter()
    out: dict = {"route": route, "scale": scale}
    if route == "paxsilica":
        from optimizer.model import build_model
        from optimizer.solver.highs import HighsProgram, SolveOptions
        from optimizer.solver.run import extract_run

        model = build_model(data)
        built = time.perf_counter()
        program = HighsProgram(model)
        result = program.solve(SolveOptions(method=HIGHS["solver"]))  # HiGHS, values into the model, duals
        run = extract_run(model, data, result, start)  # the result tables, as solve_case makes them
        t = run.times_s
        out.update(build_s=t["compile"] + built - start, solve_s=t["solve"],
                   after_s=t.get("duals", 0) + t.get("extract", 0), objective=result.objective_usd,
                   columns=len(program.columns), rows=len(program.rows),
                   phases={"build": round(built - start, 3), **{k: round(v, 3) for k, v in t.items()}})
    else:
        import numpy as np

        from benchmarks.lp_tables import lp_tables

        lp = lp_tables(data)
        if route == "highspy":
            from benchmarks.direct import highs_from_tables

            h = highs_from_tables(lp)
            built = time.perf_counter()
            for name, value in {"threads": 1, "random_seed": 0, **HIGHS}.items():
                h.setOptionValue(name, value)
            h.run()
            solved = time.perf_counter()
            x = np.asarray(h.getSolution().col_value)
            out.update(build_s=built - start, solve_s=solved - built, after_s=time.perf_counter() - solved,
                       objective=h.getInfo().objective_function_value, columns=len(x))
        else:
            from benchmarks.linopy_model import linopy_model

            m = linopy_model(lp)
            built = time.perf_counter()
            m.solve(solver_name="highs", io_api="direct", threads=1, random_seed=0, output_flag=False, **HIGHS)
            done = time.perf_counter()
            _ = {name: m.solution[name].values for name in m.solution}
            highs_s = float(m.solver_model.getRunTime())
            out.update(build_s=built - start + (done - built - highs_s), solve_s=highs_s,
                       after_s=time.perf_counter() - done, objective=float(m.objective.value),
                       columns=int(m.nvars))
    out["total_s"] = time.perf_counter() - start
    out["peak_mb"] = _rss_mb()
    out["data_mb"] = base_mb
    return out


def cli_solve(scale: float | None, repeats: int = 1) -> dict:
    """Wall time of ``paxsilica solve`` with its defaults (a new process each time, as a user runs it): on the
    generated case of ``scale`` (written as CSV first, not timed), or on the embedded default dataset (None)."""
    paxsilica = str(Path(PYTHON).parent / "paxsilica")
    with tempfile.TemporaryDirectory() as tmp:
        args = [paxsilica, "solve", "--out", str(Path(tmp) / "out"), "-q"]
        if scale is not None:
            from benchmarks.generate import generate, write_csv

            write_csv(generate(scale), Path(tmp) / "case")
            args.insert(2, str(Path(tmp) / "case"))
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(args, check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        doc = json.loads((Path(tmp) / "out" / "summary.json").read_text())
    return {"wall_s": min(times), "all_s": times, "objective": doc["objective_usd"],
            "method_used": doc["solver"].get("method_used"), "phases": doc["wall_times_s"]}


def build_child(scale: float, disruptions: int) -> dict:
    """Build (Pyomo model + compile to HiGHS's arrays) of a case with ``disruptions`` operating copies, timed."""
    from benchmarks.generate import generate, with_disruptions

    data = with_disruptions(generate(scale), disruptions)
    from optimizer.model import build_model
    from optimizer.solver.highs import HighsProgram

    start = time.perf_counter()
    model = build_model(data)
    built = time.perf_counter()
    program = HighsProgram(model)
    done = time.perf_counter()
    return {"scale": scale, "disruptions": disruptions, "model_s": built - start, "compile_s": done - built,
            "build_s": done - start, "columns": len(program.columns), "rows": len(program.rows),
            "peak_mb": _rss_mb()}


def disruption_build_ratio(scale: float, counts: tuple[int, ...] = (0, 5), repeats: int = 3) -> list[dict]:
    """Best-of-``repeats`` build time of the case at ``scale`` with each number of disruptions, each in its own
    subprocess."""
    out = []
    for n in counts:
        runs = [_spawn(["--child", "build", "--scale", str(scale), "--disruptions", str(n)]) for _ in range(repeats)]
        out.append(min(runs, key=lambda r: r["build_s"]))
    return out


def chain_outside_highs(scale: float, repeats: int = 3) -> dict[str, dict]:
    """paxsilica on the case at ``scale`` without and with the chain (slates and purifiers), ``repeats`` runs of
    each, interleaved (plain, chain, plain, ...) so that both see the same load; each route's best run by time
    outside HiGHS (total minus HiGHS's own run), with every run's figure."""
    runs: dict[str, list[dict]] = {"plain": [], "chain": []}
    for _ in range(repeats):
        for case in runs:
            args = ["--child", "paxsilica", "--scale", str(scale)] + (["--chain"] if case == "chain" else [])
            r = _spawn(args)
            r["outside_s"] = r["total_s"] - r["solve_s"]
            runs[case].append(r)
    return {case: {**min(rs, key=lambda r: r["outside_s"]), "all_outside_s": [r["outside_s"] for r in rs]}
            for case, rs in runs.items()}


def _spawn(args: list[str], timeout: float = 1800) -> dict:
    proc = subprocess.run([PYTHON, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def sweep_vs_solve() -> dict:
    """A 21-point ``paxsilica sweep`` of the China cap against one cold solve, default dataset, in one process."""
    from optimizer.analysis.sweep import SweptCap, run_sweep, sweep_shares
    from optimizer.io.load import load_case
    from optimizer.solver.run import default_input, solve_case

    data = load_case(default_input())
    solve_case(data, baseline=False)  # imports and first-call costs out of the way
    start = time.perf_counter()
    solve_case(data, baseline=False)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    result = run_sweep(data, SweptCap("CHN", "any"), sweep_shares(1.0, 0.0, 21))
    sweep = time.perf_counter() - start
    return {"cold_solve_s": cold, "sweep_s": sweep, "points": len(getattr(result, "points", [])) or 21}


def batch_speedup(n_caps: int = 20, n_demand: int = 10) -> dict:
    """``paxsilica batch`` of n_caps x n_demand default-dataset scenarios on 1 and on 2 local processes."""
    caps = ", ".join(f"{0.2 + 0.8 * i / (n_caps - 1):.4f}" for i in range(n_caps))
    demand = ", ".join(f"{0.8 + 0.4 * i / (n_demand - 1):.4f}" for i in range(n_demand))
    out = {"scenarios": n_caps * n_demand}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "batch200.toml"
        spec.write_text(f'[matrix]\n"cap:china_any" = [{caps}]\ndemand_growth = [{demand}]\n')
        paxsilica = str(Path(PYTHON).parent / "paxsilica")
        for workers in (1, 2):
            start = time.perf_counter()
            subprocess.run([paxsilica, "batch", str(spec), "--workers", str(workers), "--out",
                            str(Path(tmp) / f"w{workers}"), "-q"], check=False, capture_output=True, cwd=ROOT)
            out[f"workers_{workers}_s"] = time.perf_counter() - start
        one, two = (Path(tmp) / "w1" / "batch.csv").read_bytes(), (Path(tmp) / "w2" / "batch.csv").read_bytes()
        out["identical"] = one == two
    return out


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="paxsilica scale benchmarks")
    parser.add_argument("--child", choices=["paxsilica", "highspy", "linopy", "sweep", "build"])
    parser.add_argument("--disruptions", type=int, default=0, help="with --child build: operating copies")
    parser.add_argument("--disruption-build", type=float, metavar="SCALE",
                        help="only measure the build with 0 and 5 disruptions at this scale (40: ~200k variables)")
    parser.add_argument("--chain", action="store_true", help="with --child paxsilica: slates and purifiers")
    parser.add_argument("--chain-compare", type=float, metavar="SCALE",
                        help="only compare paxsilica's time outside HiGHS without and with the chain at this scale")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each case for --chain-compare")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--scales", type=float, nargs="*", default=list(SCALES))
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--cli-scale", type=float, default=40.0,
                        help="also time `paxsilica solve` with its defaults on this scale (0: skip)")
    args = parser.parse_args()
    if args.child == "build":
        print(json.dumps(build_child(args.scale, args.disruptions)))
        return
    if args.disruption_build is not None:
        rows = disruption_build_ratio(args.disruption_build)
        base = rows[0]["build_s"]
        print("| disruptions | columns | rows | model s | compile s | build s | / no disruptions | peak MB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['disruptions']} | {r['columns']:,} | {r['rows']:,} | {r['model_s']:.2f} | {r['compile_s']:.2f} | "
                  f"{r['build_s']:.2f} | {r['build_s'] / base:.2f}x | {r['peak_mb']:.0f} |", flush=True)
        return
    if args.chain_compare is not None:
        print(f"machine: {_machine()}; load average before {os.getloadavg()}", flush=True)
        best = chain_outside_highs(args.chain_compare, args.repeats)
        print("| case | columns | rows | build s | HiGHS solve s | after s | outside HiGHS s (best) | all runs s "
              "| / plain | peak MB |")
        print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
        for case, r in best.items():
            runs = ", ".join(f"{x:.2f}" for x in r["all_outside_s"])
            print(f"| {case} | {r['columns']:,} | {r['rows']:,} | {r['build_s']:.2f} | {r['solve_s']:.2f} | "
                  f"{r['after_s']:.2f} | {r['outside_s']:.2f} | {runs} | "
                  f"{r['outside_s'] / best['plain']['outside_s']:.2f}x | {r['peak_mb']:.0f} |", flush=True)
            print(f"<!-- {case} phases {r.get('phases')} -->", flush=True)
        print(f"load average after {os.getloadavg()}", flush=True)
        return
    if args.child == "sweep":
        print(json.dumps(sweep_vs_solve()))
        return
    if args.child:
        print(json.dumps(child(args.child, args.scale, args.chain)))
        return

    from benchmarks.generate import count_variables, generate

    print(f"machine: {_machine()}")
    print("| variables | route | build s | HiGHS solve s | after s | total s | beyond HiGHS / HiGHS | total / linopy "
          "| peak MB | MB / highspy |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale in args.scales:
        n = count_variables(generate(scale))
        rows = {route: _spawn(["--child", route, "--scale", str(scale)]) for route in ("highspy", "linopy", "paxsilica")}
        objectives = {r: rows[r]["objective"] for r in rows}
        spread = max(objectives.values()) - min(objectives.values())
        assert spread <= 1e-6 * max(1.0, abs(objectives["highspy"])), f"objectives differ: {objectives}"
        for route in ("paxsilica", "linopy", "highspy"):
            r = rows[route]
            beyond = (r["total_s"] - r["solve_s"]) / r["solve_s"]
            print(f"| {n:,} | {route} | {r['build_s']:.2f} | {r['solve_s']:.2f} | {r['after_s']:.2f} | "
                  f"{r['total_s']:.2f} | {beyond:.0%} | {r['total_s'] / rows['linopy']['total_s']:.2f} | "
                  f"{r['peak_mb']:.0f} | {r['peak_mb'] / rows['highspy']['peak_mb']:.2f} |", flush=True)
        print(f"<!-- scale {scale}: paxsilica phases {rows['paxsilica'].get('phases')} -->", flush=True)
        outside = {r: rows[r]["total_s"] - rows[r]["solve_s"] for r in rows}
        print(f"<!-- scale {scale}: outside HiGHS paxsilica {outside['paxsilica']:.2f} s, linopy "
              f"{outside['linopy']:.2f} s, ratio {outside['paxsilica'] / outside['linopy']:.2f}; highspy "
              f"{outside['highspy']:.2f} s -->", flush=True)
        if scale == args.cli_scale:
            c = cli_solve(scale)
            print(f"\n`paxsilica solve` with defaults at {n:,} variables: {c['wall_s']:.2f} s wall ({c['method_used']}), "
                  f"against {rows['paxsilica']['total_s']:.2f} s for the interior-point pipeline "
                  f"({c['wall_s'] / rows['paxsilica']['total_s']:.2f}x); phases {c['phases']}", flush=True)
    d = cli_solve(None, repeats=3)
    print(f"\n`paxsilica solve` on the default dataset: {d['wall_s']:.2f} s wall (best of {d['all_s']})", flush=True)
    if not args.skip_sweep:
        s = _spawn(["--child", "sweep"])
        print(f"\nsweep (default dataset, 21 points): {s['sweep_s']:.2f} s; one cold solve {s['cold_solve_s']:.2f} s; "
              f"ratio {s['sweep_s'] / s['cold_solve_s']:.2f}", flush=True)
    if not args.skip_batch:
        b = batch_speedup()
        print(f"batch ({b['scenarios']} default-dataset scenarios): 1 process {b['workers_1_s']:.1f} s, 2 processes "
              f"{b['workers_2_s']:.1f} s, speed-up {b['workers_1_s'] / b['workers_2_s']:.2f}x, identical batch.csv: "
              f"{b['identical']}", flush=True)


if __name__ == "__main__":
    main()
