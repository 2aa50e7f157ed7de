"""Analysis over many solves: sweeps, stress tests, infeasibility diagnosis, comparison of results."""
