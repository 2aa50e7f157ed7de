"""Whether a cap has any delivery in its scope, and any it touches, in each period: over every delivery, as arrays.

The realised shares sum the non-zero deliveries only (:func:`optimizer.solver.results.realised_shares`); where none
is left, whether the cap's row has deliveries at all still tells ``0.0`` (a sum of zeros) from ``0`` (an empty
sum) in the result files.  :func:`optimizer.model.policy.cap_rows` decides which deliveries are in a cap's scope by
their (fab, product) pair and which it touches by their (refinery, origin) pair; here each distinct pair is decided
once, with the same tests, and the deliveries are read as codes of their pairs, made once per model and kept.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pyomo.core as pyo

from optimizer.io.data import Cap, ModelData
from optimizer.model.policy import is_touched


@dataclass(frozen=True)
class DeliveryPairs:
    """Every delivery of a model by its (fab, product) pair, its (refinery, origin) pair and its period."""

    scope_pairs: list[tuple[str, str]]  # distinct (fab, product), by code
    touch_keys: list[tuple]  # a delivery of each distinct (refinery, origin), by code
    scope_code: np.ndarray
    touch_code: np.ndarray
    period: np.ndarray


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (DELIVERIES, its DeliveryPairs)


def delivery_pairs(m: pyo.ConcreteModel) -> DeliveryPairs:
    """The :class:`DeliveryPairs` of ``m.DELIVERIES`` (made on first use; a model's deliveries never change)."""
    kept = _KEPT.get(m)
    if kept is not None and kept[0] is m.DELIVERIES:
        return kept[1]
    keys = list(m.DELIVERIES)
    fab_products: dict[tuple[str, str], int] = {}
    refinery_origins: dict[tuple[str, str], int] = {}
    scope_code = [fab_products.setdefault((k[1], k[2]), len(fab_products)) for k in keys]
    touch_code = [refinery_origins.setdefault((k[0], k[3]), len(refinery_origins)) for k in keys]
    first = dict(zip(reversed(touch_code), reversed(range(len(keys)))))  # code -> its first delivery
    pairs = DeliveryPairs(
        scope_pairs=list(fab_products), touch_keys=[keys[first[c]] for c in range(len(refinery_origins))],
        scope_code=np.array(scope_code, dtype=np.int64), touch_code=np.array(touch_code, dtype=np.int64),
        period=np.array([k[4] for k in keys], dtype=np.int64))
    _KEPT[m] = (m.DELIVERIES, pairs)
    return pairs


def nonempty_rows(m: pyo.ConcreteModel, data: ModelData, cap: Cap) -> dict[int, tuple[bool, bool]]:
    """period -> (the cap has a delivery in scope, the cap touches a delivery), over every delivery of ``m``."""
    pairs = delivery_pairs(m)
    in_scope = np.array([f in cap.fabs and p in cap.products for f, p in pairs.scope_pairs], dtype=bool)
    touches = np.array([is_touched(data, cap, k) for k in pairs.touch_keys], dtype=bool)
    scope = in_scope[pairs.scope_code]
    touched = scope & touches[pairs.touch_code]
    periods = pairs.period
    return {t: (bool(scope[periods == t].any()), bool(touched[periods == t].any())) for t in data.periods}
