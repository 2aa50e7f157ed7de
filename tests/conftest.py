"""Every test signs results folders with a key of the test session (never the user's own key)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def pytest_configure(config: object) -> None:
    if "PAXSILICA_KEY_FILE" not in os.environ:
        os.environ["PAXSILICA_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="paxsilica-test-key-")) / "manifest.key")
