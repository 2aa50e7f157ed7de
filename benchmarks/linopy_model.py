"""The peer: the same LP written with linopy (labelled arrays), solved by HiGHS through linopy's direct interface."""

from __future__ import annotations

import warnings

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from benchmarks.lp_tables import LPTables

warnings.filterwarnings("ignore", category=getattr(linopy, "LinopySemanticsWarning", UserWarning))


def linopy_model(lp: LPTables) -> linopy.Model:
    """Variables per set, each constraint family as a sum of group-by sums over its variable sets."""
    m = linopy.Model()
    x = {}
    for name, frame in lp.variables.items():
        coords = [pd.RangeIndex(len(frame), name=f"{name}_i")]
        x[name] = m.add_variables(lower=xr.DataArray(frame.lower.to_numpy(), coords=coords),
                                  upper=xr.DataArray(frame.upper.to_numpy(), coords=coords), name=name)
    objective = None
    for name, frame in lp.variables.items():
        term = (xr.DataArray(frame.cost.to_numpy(), coords=x[name].coords) * x[name]).sum()
        objective = term if objective is None else objective + term
    m.add_objective(objective)
    for family_name, family in lp.families.items():
        if not len(family.upper):
            continue
        dim = f"{family_name}_row"
        expr = None
        for name, (rows, cols, coefs) in family.terms.items():
            if not len(rows):
                continue
            var = x[name].isel({f"{name}_i": xr.DataArray(cols, dims="term")})
            groups = xr.DataArray(rows, dims="term", name=dim)
            part = (xr.DataArray(coefs, dims="term") * var).groupby(groups).sum()
            expr = part if expr is None else expr.add(part, join="outer")
        index = pd.RangeIndex(len(family.upper), name=dim)
        expr = expr.reindex({dim: index})
        upper = xr.DataArray(family.upper, coords=[index])
        lower = xr.DataArray(family.lower, coords=[index])
        if np.array_equal(lower, upper):
            m.add_constraints(expr == upper, name=family_name)
        else:
            m.add_constraints(expr <= upper, name=family_name)
    return m
