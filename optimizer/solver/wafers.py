"""Wafer starts at risk: what unmet demand means at the fabs, where ``fabs`` gives ``wafer_starts_per_t``.

``wafer_starts.csv`` (only for an input with ``wafer_starts_per_t``): one row per fab, product, period and state with
demand left unmet: ``disruption`` blank for normal operations (tonnes per year), else the disruption's id (tonnes
over the disruption, rate x duration, as in ``disruptions.csv``); ``wafer_starts_at_risk`` = unmet_t x
wafer_starts_per_t.
"""

from __future__ import annotations

import pandas as pd
import pyomo.core as pyo

from optimizer.io.data import ModelData
from optimizer.solver.results import _clean, _value

TOL_T = 1e-7


def wafer_starts_table(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Wafer starts at risk per fab, product, period and disruption (see the module docstring)."""
    wafers = data.wafer_starts_per_t
    rows = []
    states = [("", m, 1.0)] + [(b.operations.state, b, data.disruptions[b.operations.state].duration_yr)
                               for b in getattr(m, "operating_copies", [])]
    for state, b, duration in states:
        for (f, p, t), var in b.Unmet_T.items():
            x = _value(var) * duration
            if (f, p) in wafers and x > TOL_T:
                rows.append((f, p, t, state, x, x * wafers[f, p]))
    cols = ["fab", "product", "period", "disruption", "unmet_t", "wafer_starts_at_risk"]
    return _clean(pd.DataFrame(rows, columns=cols), ["period", "disruption", "fab", "product"])
