"""The embedded datasets, shipped in the package as ``optimizer._inputs`` (see ``optimizer/resources.py``)."""
