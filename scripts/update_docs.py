"""Rewrite the console examples and figures of README.md and models/README.md from the tool's output.

    python scripts/update_docs.py            # every page
    python scripts/update_docs.py README.md  # one page

Same as ``PAXSILICA_UPDATE_DOCS=1 pytest tests/docs``: an example whose output still matches the page is left as it
is; one that differs is replaced by what the tool prints, with the lines its ``show=`` option keeps (see
``tests/docs/pages.py``).  Review the diff before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.docs.pages import PAGES, run_page, update_page  # noqa: E402


def main(names: list[str]) -> int:
    pages = [REPO / n for n in names] if names else list(PAGES)
    for page in pages:
        with tempfile.TemporaryDirectory(prefix="paxsilica-docs-") as cwd:
            done = run_page(page, Path(cwd))
            changed = update_page(done)
        print(f"{page.relative_to(REPO)}: {'rewritten' if changed else 'unchanged'} "
              f"({len(done.problems)} difference(s) found)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
