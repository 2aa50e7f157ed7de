"""Why a case is infeasible, said in terms of the input: which demand rows cannot be met, under which caps, by how
many tonnes, and the tightest share each guilty cap could have.

Elastic relaxations, each a small solve of the same model with its cost objective replaced:

1. Without any dependence cap, every must-meet demand may go unmet; minimise the unmet tonnes.  Tonnes still unmet
   are short because of capacity and arcs alone: the caps are not the cause.
2. Otherwise the caps are.  With the caps, minimise the unmet tonnes again: that is how much each fab/product is
   short *under the caps*.  With demand hard, give each cap row a slack of touched tonnes over its allowance and
   minimise it: the caps that need slack are the guilty ones.
3. For each guilty cap, the tightest feasible max_share with every other cap as given: a cap bounds touched tonnes
   by a share of the demand in its scope (a number), so min z s.t. touched_t <= z * demand_t is one LP (exact).
   With several guilty caps, loosening one alone may not be enough; the diagnosis then says so.

Before these, a case with disruptions that must be survived (blank probability) is checked for them: without caps
and with every must-meet demand, in normal operations and in every copy, allowed to go unmet, minimise the unmet
tonnes.  Tonnes short in a must-survive copy (and not in normal operations) are what that disruption leaves unmet on
the best plan the network, builds and stockpiles allow: the diagnosis names the disruption, the demand and the
stockpiles that could serve it.  Otherwise the disruptions are not the cause and the steps above follow without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pyomo.core as pyo

from optimizer.analysis.unqualified import unqualified_note
from optimizer.io.data import Cap, ModelData, _frozen
from optimizer.model import build_model
from optimizer.model.policy import cap_rows, touched_terms
from optimizer.solver.highs import SolveOptions, solve_model

TOL_T = 1e-6  # tonnes of slack below this are solver noise
MAX_SHORTFALL_LINES = 10  # demand rows printed; every one is in Diagnosis.shortfalls
MAX_TIGHTEST = 5  # guilty caps whose tightest share is computed (each is a series of solves)


@dataclass(frozen=True)
class Shortfall:
    """Demand that cannot be met: tonnes short for one fab, product and period."""

    fab: str
    product: str
    period: int
    tonnes: float
    place: str


@dataclass(frozen=True)
class CapFinding:
    """A cap that needed slack: by how many touched tonnes, and the tightest share that a plan could meet."""

    cap: str
    place: str
    max_share: float
    slack_t: float
    tightest_share: float | None  # None: infeasible even at 100% with the other caps as given


@dataclass
class Diagnosis:
    cause: str  # "capacity" (short even without caps), "caps", "disruption" (a must-survive one), or "unknown"
    shortfalls: list[Shortfall] = field(default_factory=list)
    caps: list[CapFinding] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def row_place(data: ModelData, sheet: str, *key: str) -> str:
    """``fabs.csv row 12`` (a CSV directory) or ``fabs row 12`` (a workbook); "" when the row is not known."""
    row = data.rows.get((sheet, *key))
    if row is None:
        return ""
    return f"{sheet} row {row}" if str(data.source).lower().endswith(".xlsx") else f"{sheet}.csv row {row}"


def demand_place(data: ModelData, fab: str, product: str, period: int) -> str:
    return row_place(data, "demand", fab, product, str(period)) or row_place(data, "fabs", fab, product)


def cap_place(data: ModelData, cap: str) -> str:
    found = row_place(data, "caps", cap)
    if found:
        return found
    c = data.caps[cap]
    if cap.startswith("each:"):
        return f"--cap-each-country {c.stage}={c.max_share:g}"
    return f"--cap {c.supplier}:{c.stage}={c.max_share:g}"


def pct_up(share: float) -> str:
    """A share as a percentage with one decimal, rounded up (a feasible bound stays feasible when printed)."""
    return f"{math.ceil(share * 1000 - 1e-6) / 10:.1f}%"


def _who(data: ModelData, cap: Cap) -> str:
    return data.country_name.get(cap.supplier, cap.supplier)


def _untouched(data: ModelData, cap: Cap) -> str:
    verb = {"mine": "mined", "refine": "refined", "purify": "purified", "any": "mined or refined"}[cap.stage]
    return f"not {verb} in {_who(data, cap)}"


def _drop_objective(m: pyo.ConcreteModel) -> None:
    m.Total_Cost.deactivate()


def min_unmet(data: ModelData, options: SolveOptions | None = None) -> dict[tuple[str, str, int], float] | None:
    """Least unmet tonnes of must-meet demand, per (fab, product, period), within every other constraint.

    ``None`` if even that has no solution (the cause is then not demand).
    """
    m = build_model(data)
    must = [k for k in m.DEMANDS if m.Unmet_T[k].fixed]
    for k in must:
        m.Unmet_T[k].unfix()
    _drop_objective(m)
    m.Elastic = pyo.Objective(expr=sum(m.Unmet_T[k] for k in must) if must else 0.0)
    if not solve_model(m, options).outcome.usable:
        return None
    return {k: float(m.Unmet_T[k].value or 0.0) for k in must if (m.Unmet_T[k].value or 0.0) > TOL_T}


def cap_slack(data: ModelData, options: SolveOptions | None = None) -> dict[tuple[str, int], float] | None:
    """Least touched tonnes over each cap's allowance, per (cap, period), with every demand as given."""
    m = build_model(data)
    if not len(m.CAP_PERIODS):
        return None
    _drop_objective(m)
    m.Dependence_Cap.deactivate()
    m.Cap_Slack = pyo.Var(m.CAP_PERIODS, domain=pyo.NonNegativeReals)
    rows = {k: cap_rows(data, data.caps[k], m.DELIVERIES) for k in data.caps}

    def elastic(_m, k, t):  # type: ignore[no-untyped-def]
        row = rows[k][t]
        return sum(touched_terms(m, row)) - m.Cap_Slack[k, t] <= row.allowance_t(
            data.caps[k].share_in(t))

    m.Elastic_Cap = pyo.Constraint(m.CAP_PERIODS, rule=elastic)
    m.Elastic = pyo.Objective(expr=sum(m.Cap_Slack.values()))
    if not solve_model(m, options).outcome.usable:
        return None
    return {k: float(v.value or 0.0) for k, v in m.Cap_Slack.items() if (v.value or 0.0) > TOL_T}


def tightest_share(data: ModelData, name: str, options: SolveOptions | None = None) -> float | None:
    """The lowest max_share of cap ``name`` at which the case has a plan (``None``: not even at 100%), the other
    caps as given: min z s.t. touched_t <= z * demand_t in every period (exact, one LP)."""
    cap = data.caps[name]
    others = dict(data.caps)
    del others[name]
    m = build_model(data.with_caps(others))
    _drop_objective(m)
    m.Share = pyo.Var(bounds=(0.0, 1.0))
    m.Tightest = pyo.ConstraintList()
    for row in cap_rows(data, cap, m.DELIVERIES).values():
        if row.touched or row.purified_touched:
            m.Tightest.add(sum(touched_terms(m, row)) - m.Share * row.demand_t <= 0)
    if not len(m.Tightest):
        return 0.0  # nothing in its scope can be touched: any share holds
    m.Elastic = pyo.Objective(expr=m.Share)
    if not solve_model(m, options).outcome.usable:
        return None
    return float(m.Share.value or 0.0)


def _when(data: ModelData, period: int) -> str:
    return f" in {period}" if data.multi_period else ""


def _shortfalls(data: ModelData, unmet: dict[tuple[str, str, int], float]) -> list[Shortfall]:
    """Largest first, then in input order."""
    rows = sorted(unmet.items(), key=lambda kv: (-round(kv[1], 6), kv[0]))
    return [Shortfall(f, p, t, x, demand_place(data, f, p, t)) for (f, p, t), x in rows]


def _paren(place: str) -> str:
    return f" ({place})" if place else ""


def _listed(lines: list[str], shortfalls: list[Shortfall]) -> list[str]:
    if len(shortfalls) <= MAX_SHORTFALL_LINES:
        return lines
    rest = shortfalls[MAX_SHORTFALL_LINES:]
    return lines[:MAX_SHORTFALL_LINES] + [
        f"... and {len(rest)} more fab/product rows short by {sum(s.tonnes for s in rest):,.1f} t in all"]


def survival_shortfalls(data: ModelData, options: SolveOptions | None = None
                        ) -> dict[tuple[str, str, str, int], float] | None:
    """Least tonnes of must-meet demand left unmet, per (state, fab, product, period), without caps: ``state`` is
    ``""`` for normal operations (t/yr) or a disruption id (t over the disruption).  ``None``: no solution."""
    m = build_model(data.with_caps({}))
    _drop_objective(m)
    freed = []
    for b in [m, *getattr(m, "operating_copies", [])]:
        duration = data.disruptions[b.operations.state].duration_yr if b is not m else 1.0
        for k, var in b.Unmet_T.items():
            if b.operations.penalty[k[0], k[1]] is None:
                var.unfix()
                var.setub(None)
                freed.append((b.operations.state, k, var, duration))
    m.Elastic = pyo.Objective(expr=sum(var for *_, var, _d in freed) if freed else 0.0)
    if not solve_model(m, options).outcome.usable:
        return None
    return {(state, *k): float(var.value or 0.0) * d for state, k, var, d in freed if (var.value or 0.0) > TOL_T}


def _survival(data: ModelData, options: SolveOptions | None) -> Diagnosis | None:
    """The diagnosis when a must-survive disruption is what no plan comes through; ``None`` when it is not."""
    short = survival_shortfalls(data, options)
    if not short or any(state == "" for state, *_ in short):
        return None
    out = Diagnosis("disruption")
    for (s, f, p, t), x in sorted(short.items(), key=lambda kv: (-round(kv[1], 6), kv[0])):
        d = data.disruptions[s]
        out.shortfalls.append(Shortfall(f, p, t, x, demand_place(data, f, p, t)))
        serving = [k for k, sp in data.stockpiles.items() if f in sp.fabs and sp.product == p]
        if not serving:
            holder = data.fab_country[f]
            remedy = (f"no stockpile serves it (a stockpiles row with holder {holder} and product {p} could), and the "
                      "network, with every build allowed, cannot deliver it while the disruption lasts")
        else:
            limits = ", ".join(f"{k} (max_t {data.stockpiles[k].max_t:,.0f} t{_paren(row_place(data, 'stockpiles', k))})"
                               for k in serving if data.stockpiles[k].max_t is not None) or ", ".join(serving)
            remedy = f"the stockpiles that serve it are too small: {limits}"
        out.lines.append(f"demand of fab {f} for {p}{_paren(demand_place(data, f, p, t))} cannot be met through "
                         f"disruption {s}{_paren(row_place(data, 'disruptions', s))}, which must be survived "
                         f"({d.duration_months:g} months){_when(data, t)}: {x:,.1f} t short; {remedy}")
    out.lines = _listed(out.lines, out.shortfalls)
    return out


def diagnose(data: ModelData, options: SolveOptions | None = None) -> Diagnosis:
    """Explain why ``data`` has no feasible plan; see the module docstring for the method.

    Returns
    -------
    Diagnosis
        ``lines`` are the messages to print, one finding per line (at most :data:`MAX_SHORTFALL_LINES` demand rows,
        the largest shortfalls first); the fields hold every finding as data.
    """
    if any(d.must_survive for d in data.disruptions.values()):
        found = _survival(data, options)
        if found is not None:
            return found
        data = replace(data, disruptions=_frozen({k: d for k, d in data.disruptions.items() if not d.must_survive}))
    short = min_unmet(data.with_caps({}), options)
    if short:
        out = Diagnosis("capacity", _shortfalls(data, short))
        out.lines = _listed([
            f"demand of fab {s.fab} for {s.product}{_paren(s.place)} cannot be met even without dependence "
            f"caps{_when(data, s.period)}: {s.tonnes:,.1f} t short; the mines, refineries (existing and "
            f"buildable) and arcs that reach it cannot supply more{unqualified_note(data, s.fab, s.product)}"
            for s in out.shortfalls], out.shortfalls)
        return out
    slack = cap_slack(data, options) if short is not None else None
    if not slack:
        return Diagnosis("unknown", lines=["no demand row or cap needed relaxing to find a plan; the case may be "
                                           "infeasible for another reason (check `paxsilica validate`)."])
    by_cap: dict[str, float] = {}
    for (k, _), x in slack.items():
        by_cap[k] = by_cap.get(k, 0.0) + x
    guilty = sorted(by_cap, key=lambda k: (-by_cap[k], k))
    out = Diagnosis("caps", _shortfalls(data, min_unmet(data, options) or {}))
    for k in guilty[:MAX_TIGHTEST]:
        out.caps.append(CapFinding(k, cap_place(data, k), data.caps[k].max_share, by_cap[k],
                                   tightest_share(data, k, options)))
    first = data.caps[guilty[0]]
    if len(guilty) == 1:
        within = f"with {_who(data, first)}'s share <= {first.trajectory}"
        source = f"supply of {{product}} {_untouched(data, first)}"
    else:
        within = "within the caps " + ", ".join(f"{k} (<= {data.caps[k].trajectory})" for k in guilty)
        source = "supply of {product} that the capped suppliers did not touch"
    out.lines = _listed([
        f"demand of fab {s.fab} for {s.product}{_paren(s.place)} cannot be met {within}{_when(data, s.period)}: "
        f"{source.format(product=s.product)} is {s.tonnes:,.1f} t short" for s in out.shortfalls], out.shortfalls)
    alone = " loosened alone (the other caps as given)," if len(guilty) > 1 else ""
    for c in out.caps:
        lead = f"cap {c.cap}{_paren(c.place)}: max_share {100 * c.max_share:g}% is too tight;"
        if c.tightest_share is None:
            out.lines.append(f"{lead} loosening it alone is not enough: no share of it has a plan while the other "
                             "caps hold")
        else:
            out.lines.append(f"{lead}{alone} the tightest feasible share is {pct_up(c.tightest_share)}")
    if len(guilty) > MAX_TIGHTEST:
        out.lines.append(f"... and {len(guilty) - MAX_TIGHTEST} more caps too tight: "
                         + ", ".join(guilty[MAX_TIGHTEST:]))
    return out


def explain_failure(data: ModelData, outcome: str, solver_status: str,
                    options: SolveOptions | None = None) -> list[str]:
    """The diagnosis lines for a solve that ended without a plan, or [] when infeasibility is not the reason."""
    if outcome != "infeasible" and "infeasible" not in solver_status.lower():
        return []
    return diagnose(data, options).lines
