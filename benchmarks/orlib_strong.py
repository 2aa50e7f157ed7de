"""The strong facility-location formulation of an OR-Library cap instance, written directly in highspy.

The yardstick for paxsilica on capa, capb and capc (``benchmarks/orlib.py --compare``).  With ``x[i, j]`` the share
of customer j's demand served from site i and ``y[i]`` = 1 if site i is open::

    min  sum_i fixed[i] y[i] + sum_ij cost[j, i] x[i, j]
    s.t. sum_i x[i, j] = 1                         every customer is served
         x[i, j] <= y[i]                           the disaggregated (strong) link, one row per pair
         sum_j demand[j] x[i, j] <= capacity[i] y[i]   (only where the capacity binds: below total demand)
         0 <= x <= 1, y binary

Its LP relaxation is the classic strong bound; the same HiGHS options as paxsilica's defaults (one thread, seed 0,
relative MIP gap 1e-7, absolute 1) make the two solves comparable.
"""

from __future__ import annotations

import time
from typing import Any

import highspy
import numpy as np

from benchmarks.orlib import CapInstance
from optimizer.solver.methods import quiet_highs

# paxsilica's defaults (optimizer/solver/highs.py), so that both routes stop at the same proof.
OPTIONS: dict[str, Any] = {"output_flag": False, "random_seed": 0, "threads": 1, "mip_rel_gap": 1e-7,
                           "mip_abs_gap": 1.0}


def strong_model(instance: CapInstance) -> dict[str, Any]:
    """Row-wise arrays of the strong formulation: columns y[0..m) then x[i, j] at m + i * n + j."""
    m, n = len(instance.fixed), len(instance.demand)
    x = m + np.arange(m * n).reshape(m, n)  # column of x[i, j]
    cost = np.concatenate([instance.fixed, instance.cost.T.ravel()])
    starts, index, value = [], [], []
    lower, upper = [], []
    at = 0

    def row(cols: np.ndarray, coefs: np.ndarray, lo: float, hi: float) -> None:
        nonlocal at
        starts.append(at)
        index.append(cols)
        value.append(coefs)
        lower.append(lo)
        upper.append(hi)
        at += len(cols)

    for j in range(n):  # every customer served
        row(x[:, j], np.ones(m), 1.0, 1.0)
    for i in range(m):  # x[i, j] - y[i] <= 0
        for j in range(n):
            row(np.array([x[i, j], i]), np.array([1.0, -1.0]), -highspy.kHighsInf, 0.0)
    total = float(instance.demand.sum())
    for i in range(m):  # capacity, where it binds
        if instance.capacity[i] < total:
            row(np.concatenate([x[i], [i]]), np.concatenate([instance.demand, [-instance.capacity[i]]]),
                -highspy.kHighsInf, 0.0)
    columns = m + m * n
    return {"cost": cost, "col_lower": np.zeros(columns), "col_upper": np.ones(columns),
            "row_lower": np.array(lower), "row_upper": np.array(upper), "a_start": np.array(starts, dtype=np.int32),
            "a_index": np.concatenate(index).astype(np.int32), "a_value": np.concatenate(value),
            "integrality": np.array([1] * m + [0] * (m * n), dtype=np.int32)}


def solve_strong(instance: CapInstance, time_limit: float | None = None, relaxation: bool = False) -> dict[str, Any]:
    """Build and solve the strong formulation; status, objective, gap and times (build, HiGHS's solve)."""
    start = time.perf_counter()
    arrays = strong_model(instance)
    h = quiet_highs()
    for name, option in OPTIONS.items():
        h.setOptionValue(name, option)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if relaxation:
        h.setOptionValue("solve_relaxation", True)
    h.passModel(len(arrays["cost"]), len(arrays["row_lower"]), len(arrays["a_value"]),
                int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize), 0.0, arrays["cost"],
                arrays["col_lower"], arrays["col_upper"], arrays["row_lower"], arrays["row_upper"],
                arrays["a_start"], arrays["a_index"], arrays["a_value"], arrays["integrality"])
    built = time.perf_counter()
    h.run()
    solved = time.perf_counter()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    return {"route": "strong highspy", "status": status, "objective": float(info.objective_function_value),
            "mip_gap": float(info.mip_gap) if not relaxation else None, "build_s": built - start,
            "solve_s": solved - built, "total_s": solved - start, "columns": len(arrays["cost"]),
            "rows": len(arrays["row_lower"]), "nodes": int(info.mip_node_count) if not relaxation else None}
