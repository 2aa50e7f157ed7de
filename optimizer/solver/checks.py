"""Check a solution against its input, so that a numerically doubtful plan is never reported as a clean optimum.

HiGHS accepts a solution within absolute tolerances (1e-7 on each constraint, after its own scaling).  Data far from
that scale can come back "optimal" yet wrong: a demand of 1e-6 t is met by delivering nothing with nothing reported
unmet; with costs of 1e15 USD/t the cheaper parts of the plan are lost in rounding.  The checks here compare the
solution with the input, with tolerances scaled to the data, and say what they found in plain words.
"""

from __future__ import annotations

from typing import Any

from optimizer.io.data import ModelData, _number
from optimizer.solver.values import SolvedValues

SOLVER_TOL_T = 1e-7  # HiGHS's default primal feasibility tolerance, in the model's units (tonnes)
DEMAND_RTOL = 1e-6  # a demand counts as met or reported unmet within this share of itself (+ SOLVER_TOL_T)
RESOLVED_T = 1e-6  # demands below this are below what the solver resolves
MAX_OBJECTIVE_USD = 1e13  # beyond this the solver's relative tolerances exceed dollars that matter
MAX_COST_USD_PER_T = 1e9  # a cost of the chain per tonne of this size is almost surely a unit mistake
# A shortage may cost far more than the oxide: a tonne of yttria serves ~1.25M wafer starts, worth US$2bn and more.
# A tonne short that stopped more than a year of the world's chip sales (US$772bn in 2025, WSTS) is a unit mistake.
MAX_PENALTY_USD_PER_T = 1e12
SHOWN = 5  # problems of one kind listed in a warning; the count says how many more


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return "; ".join(items[:SHOWN]) + more


def demand_warnings(model: Any, data: ModelData, values: SolvedValues | None = None) -> list[str]:
    """Every demand must be delivered or reported unmet: ``|delivered + unmet - demand| <= rtol * demand + tol``.

    The deliveries are summed over the non-zero ones, in the model's order (the same sums: solver/values.py).
    """
    values = values or SolvedValues(model)
    delivered: dict[tuple[str, str, int], float] = {}
    for (_ref, fab, p, _c, t), x in values[model.Deliver_T].nonzero.items():
        delivered[fab, p, t] = delivered.get((fab, p, t), 0.0) + x
    if hasattr(model, "Purified_T"):  # fab-grade oxide from purifiers is delivered too
        for (_q, fab, p, _c, _rc, t), x in values[model.Purified_T].nonzero.items():
            delivered[fab, p, t] = delivered.get((fab, p, t), 0.0) + x
    unmet_t = values[model.Unmet_T].nonzero
    off, tiny = [], []
    for key, demand in sorted(data.demand_t.items()):
        if demand <= 0:
            continue
        unmet = unmet_t.get(key, 0.0)
        gap = delivered.get(key, 0.0) + unmet - demand
        if abs(gap) > DEMAND_RTOL * demand + SOLVER_TOL_T:
            fab, p, t = key
            off.append(f"{fab}/{p}{'' if len(data.periods) == 1 else f' in {t}'}: demand {demand:g} t, delivered "
                       f"{delivered.get(key, 0.0):g} t, unmet {unmet:g} t")
        elif demand < RESOLVED_T:
            tiny.append(f"{key[0]}/{key[1]} ({demand:g} t)")
    warnings = []
    if off:
        warnings.append(f"{len(off)} demand(s) neither delivered nor reported unmet: {_listed(off)}. The solver's "
                        f"tolerance ({SOLVER_TOL_T:g} t) is too coarse for these numbers: express demand in larger "
                        "units or check the input")
    if tiny:
        warnings.append(f"{len(tiny)} demand(s) below {RESOLVED_T:g} t, which the solver cannot resolve: "
                        f"{_listed(tiny)}")
    return warnings


def magnitude_warnings(data: ModelData, objective_usd: float | None) -> list[str]:
    """Costs so large that the solver's tolerances swamp the differences between plans."""
    warnings = []
    if objective_usd is not None and abs(objective_usd) > MAX_OBJECTIVE_USD:
        warnings.append(f"total cost {objective_usd:.3g} USD exceeds {MAX_OBJECTIVE_USD:g} USD: at this size the "
                        "solver cannot tell plans apart by the smaller costs; check the units of the cost columns")
    big: list[str] = []
    for name, mine in sorted(data.mines.items()):
        if abs(mine.cost_usd_per_t) > MAX_COST_USD_PER_T:
            big.append(f"mine {name} cost_usd_per_t {mine.cost_usd_per_t:g}")
    for name, ref in sorted(data.refineries.items()):
        for column in ("opex_usd_per_t", "capex_usd_per_tpa"):
            if abs(getattr(ref, column)) > MAX_COST_USD_PER_T:
                big.append(f"refinery {name} {column} {getattr(ref, column):g}")
    # Arcs are many (every refinery-fab pair): the few above the limit are picked first, then sorted and tested.
    arcs = {**data.mine_arcs, **data.fab_arcs}
    for (a, b), arc in sorted((k, arc) for k, arc in arcs.items() if abs(arc.cost_usd_per_t) > MAX_COST_USD_PER_T
                              or abs(arc.tariff_usd_per_t) > MAX_COST_USD_PER_T):
        if max(abs(arc.cost_usd_per_t), abs(arc.tariff_usd_per_t)) > MAX_COST_USD_PER_T:
            big.append(f"arc {a}>{b} cost {max(abs(arc.cost_usd_per_t), abs(arc.tariff_usd_per_t)):g}")
    if big:
        warnings.append(f"{len(big)} cost(s) above {MAX_COST_USD_PER_T:g} USD per tonne: {_listed(big)}. Check "
                        "their units")
    short = [f"fab {fab}/{p} {columns} {penalty:g}" for fab, p, columns, penalty in _shortage_costs(data)
             if abs(penalty) > MAX_PENALTY_USD_PER_T]
    if short:
        warnings.append(f"{len(short)} shortage cost(s) above {MAX_PENALTY_USD_PER_T:g} USD per tonne, more than a "
                        f"year of the world's chip sales: {_listed(short)}. Check their units")
    return warnings


def _shortage_costs(data: ModelData) -> list[tuple[str, str, str, float]]:
    """(fab, product, the columns it comes from, USD per t) of every shortage cost, in normal operations and, where
    it differs, in disruptions."""
    out = []
    for fab, p in sorted(data.fab_products):
        own = data.unmet_penalty_usd_per_t[fab, p]
        if own is not None:
            value = data.wafer_value_usd.get((fab, p))
            columns = "unmet_penalty_usd_per_t" if value is None else (
                f"wafer_starts_per_t {data.wafer_starts_per_t[fab, p]:g} x value_per_wafer_start_usd {value:g} =")
            out.append((fab, p, columns, own))
        elif data.disruptions and (penalty := data.disruption_penalty_usd_per_t(fab, p)) is not None:
            wafers = data.wafer_starts_per_t.get((fab, p))
            rate = _number(data.parameters.get("disruption_value_per_wafer_start_usd"))
            columns = "default_disruption_penalty_usd_per_t" if wafers is None or rate is None else (
                f"wafer_starts_per_t {wafers:g} x disruption_value_per_wafer_start_usd {rate:g} =")
            out.append((fab, p, columns, penalty))
    return out


def check_solution(model: Any, data: ModelData, objective_usd: float | None,
                   values: SolvedValues | None = None) -> list[str]:
    """Warnings about a usable solution (empty when it agrees with its input within the tolerances)."""
    return demand_warnings(model, data, values) + magnitude_warnings(data, objective_usd)
