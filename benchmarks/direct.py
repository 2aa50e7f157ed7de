"""The floor: the same LP handed to highspy directly as arrays (no modelling layer)."""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from benchmarks.lp_tables import LPTables


def highs_from_tables(lp: LPTables) -> highspy.Highs:
    """One ``passModel`` call with the whole LP: columns in variable-set order, rows in family order."""
    offsets, n = {}, 0
    for name, frame in lp.variables.items():
        offsets[name] = n
        n += len(frame)
    rows, cols, vals, lower, upper, m = [], [], [], [], [], 0
    for family in lp.families.values():
        for name, (r, c, v) in family.terms.items():
            rows.append(r + m)
            cols.append(c + offsets[name])
            vals.append(v)
        lower.append(family.lower)
        upper.append(family.upper)
        m += len(family.lower)
    a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, n))
    a.sum_duplicates()
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = n, m
    model.col_cost_ = np.concatenate([f.cost.to_numpy() for f in lp.variables.values()])
    model.col_lower_ = np.concatenate([f.lower.to_numpy() for f in lp.variables.values()])
    model.col_upper_ = np.where(np.isinf(u := np.concatenate([f.upper.to_numpy() for f in lp.variables.values()])),
                                highspy.kHighsInf, u)
    model.row_lower_ = np.where(np.isinf(lo := np.concatenate(lower)), -highspy.kHighsInf, lo)
    model.row_upper_ = np.where(np.isinf(up := np.concatenate(upper)), highspy.kHighsInf, up)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = a.indptr.astype(np.int32)
    model.a_matrix_.index_ = a.indices.astype(np.int32)
    model.a_matrix_.value_ = a.data.astype(float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(model)
    return h
