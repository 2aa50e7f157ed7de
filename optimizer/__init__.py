"""paxsilica: optimise the rare-earth supply chain (mines -> refineries -> chip fabs) under dependence caps."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paxsilica")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
