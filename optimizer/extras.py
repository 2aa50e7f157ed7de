"""Optional features and the extra that installs each: a missing one is named, never a traceback.

``pip install 'paxsilica[png]'`` adds matplotlib (PNG charts), ``'paxsilica[cluster]'`` Dask distributed (batches on a
cluster), ``'paxsilica[all]'`` both.
"""

from __future__ import annotations

import importlib.util

EXTRAS = {
    "png": ("matplotlib", "PNG charts need matplotlib"),
    "cluster": ("distributed", "a batch on a Dask cluster (--scheduler) needs dask[distributed]"),
}


class MissingExtra(Exception):
    """An optional dependency is not installed; the message names the extra that installs it."""


def require(extra: str) -> None:
    """Raise :class:`MissingExtra` unless the optional dependency of ``extra`` can be imported.

    Examples
    --------
    >>> require("png")  # doctest: +SKIP
    """
    module, what = EXTRAS[extra]
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(f"{what}, which is not installed: pip install 'paxsilica[{extra}]' (or 'paxsilica[all]')")


__all__ = ["EXTRAS", "MissingExtra", "require"]
