"""Analysis over many solves: sweeps, stress tests, infeasibility diagnosis, comparison of results."""

DEFAULT_SWEPT_CAP = "CHN:any"
"""The cap ``paxsilica sweep`` and :func:`optimizer.api.sweep` trace when none is named: China, any stage."""
