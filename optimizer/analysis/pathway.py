"""How fast can dependence fall: for each period, the tightest share of demand a supplier must keep, given lead times.

What :func:`optimizer.analysis.diagnose.tightest_share` computes for one cap over a whole case, asked period by
period.  For each period t, with every other cap of the case as given and the analysed cap lifted:

1. ``U_t`` = min sum_{f, p} Unmet_T[f, p, t]: the least demand that must go unmet in t whatever the supplier's
   share (0 when every demand can be met; the analysis never buys a lower share by leaving demand unmet);
2. ``z_t`` = min z  s.t.  touched_t <= z * demand_t in the cap's scope,  sum Unmet_T[., ., t] <= U_t.

Both are solved on the full pathway model (every period's flows and every decision), so the capacity that can help
in t is exactly what lead times, announced start years and build limits let come online by t; costs play no part.
``z_t`` is reached by some plan for period t on its own: reaching every period's minimum at once may need more (a
site built once cannot serve two timings).  The analysed cap is China's share at any stage (the headline figure)
unless another is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ, which also loads every solver plugin

from optimizer.io.data import Cap, ModelData
from optimizer.model import build_model
from optimizer.model.policy import cap_rows, touched_terms
from optimizer.solver.highs import SolveOptions, solve_model
from optimizer.solver.run import china_reference

TOL_T = 1e-6


@dataclass(frozen=True)
class PeriodFloor:
    """The tightest share reachable in one period (``None``: no plan, even with the cap lifted)."""

    period: int
    tightest_share: float | None
    min_unmet_t: float


def _same_scope(a: Cap, b: Cap) -> bool:
    return (a.stage, a.supplier_countries, a.products, a.fabs) == (b.stage, b.supplier_countries, b.products, b.fabs)


def analysed_cap(data: ModelData, cap: str | None = None) -> tuple[Cap | None, str | None]:
    """The cap to analyse (a cap id of the case, or China's headline share) and the case's cap it replaces."""
    if cap is not None:
        return data.caps[cap], cap
    ref = china_reference(data)
    if ref is None:
        return None, None
    same = [k for k, c in data.caps.items() if _same_scope(c, ref)]
    return ref, (same[0] if same else None)


def _set_objective(m: pyo.ConcreteModel, expr: Any) -> None:
    if hasattr(m, "Pathway_Objective"):
        m.del_component(m.Pathway_Objective)
    m.Pathway_Objective = pyo.Objective(expr=expr, sense=pyo.minimize)


def fastest_fall(data: ModelData, cap: str | None = None,
                 options: SolveOptions | None = None) -> list[PeriodFloor]:
    """The tightest share of ``cap`` (default China, any stage) reachable in each period; see the module docstring.

    Returns an empty list when the case has no such supplier.
    """
    target, replaced = analysed_cap(data, cap)
    if target is None:
        return []
    others = {k: c for k, c in data.caps.items() if k != replaced}
    m = build_model(data.with_caps(others))
    m.Total_Cost.deactivate()
    rows = cap_rows(data, target, m.DELIVERIES)
    m.Share = pyo.Var(bounds=(0.0, 1.0))
    out = []
    for t in data.periods:
        unmet = [v for (f, p, period), v in m.Unmet_T.items() if period == t and not v.fixed]
        floor = 0.0
        if unmet:
            _set_objective(m, sum(unmet))
            result = solve_model(m, options)
            if not result.outcome.usable:
                out.append(PeriodFloor(t, None, float("nan")))
                continue
            floor = max(0.0, float(sum(v.value or 0.0 for v in unmet)))
        row = rows[t]
        if not (row.touched or row.purified_touched) or row.demand_t <= TOL_T:
            out.append(PeriodFloor(t, 0.0, floor))
            continue
        block = pyo.ConstraintList()
        m.add_component(f"Pathway_Rows_{t}", block)
        block.add(sum(touched_terms(m, row)) - m.Share * row.demand_t <= 0)
        if unmet:
            block.add(sum(unmet) <= floor + TOL_T)
        _set_objective(m, m.Share)
        result = solve_model(m, options)
        share = float(m.Share.value or 0.0) if result.outcome.usable else None
        out.append(PeriodFloor(t, share, floor))
        block.deactivate()
    return out


def pathway_table(data: ModelData, floors: list[PeriodFloor], china_share: dict[int, float],
                  uncapped_share: dict[int, float] | None = None, cap: str | None = None) -> pd.DataFrame:
    """``pathway.csv``: per period, the plan's share, the share without caps, the cap and the tightest reachable.

    ``max_share`` is the analysed cap's share in the period as the case states it (1 where the case has no such
    cap: no cap).
    """
    _, replaced = analysed_cap(data, cap)
    given = data.caps[replaced] if replaced is not None else None
    rows = []
    for f in floors:
        rows.append({
            "period": f.period,
            "share": china_share.get(f.period),
            "share_without_caps": None if uncapped_share is None else uncapped_share.get(f.period),
            "max_share": given.share_in(f.period) if given is not None else 1.0,
            "tightest_share": f.tightest_share,
            "min_unmet_t": f.min_unmet_t,
        })
    df = pd.DataFrame(rows, columns=["period", "share", "share_without_caps", "max_share", "tightest_share",
                                     "min_unmet_t"])
    for col in df.columns[1:]:
        df[col] = pd.to_numeric(df[col]).astype(float).round(6) + 0.0
    return df


def pathway_summary(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The table as ``summary.json``'s ``pathway`` list (NaN as null)."""
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")]




def add_pathway(run: Any, options: SolveOptions | None = None) -> dict[str, Any]:
    """Add ``pathway.csv`` to a solved pathway run's tables; return what ``summary.json`` gains (``pathway``)."""
    floors = fastest_fall(run.data, options=options)
    if not floors:
        return {}
    uncapped = run.uncapped["china_share"] if run.uncapped is not None else None
    table = pathway_table(run.data, floors, run.china_share, uncapped)
    run.tables["pathway"] = table
    return {"pathway": pathway_summary(table)}


__all__ = ["PeriodFloor", "add_pathway", "analysed_cap", "fastest_fall", "pathway_summary", "pathway_table"]
