"""Scenario files, shipped in the package as ``optimizer._models`` (see ``optimizer/resources.py``)."""
