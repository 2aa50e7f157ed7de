"""Scenarios: scenario files and overrides, uncertainty draws, batches (local processes or Dask)."""
