"""Run the console examples of a Markdown page and compare what they print with what the page shows.

A page's examples are its ```` ```console ```` blocks.  In a block, a line ``$ COMMAND`` is a command and the lines
after it, up to the next ``$`` line or the end of the block, are what it prints (stdout and stderr, as a terminal
shows them).  Every ```` ```console ```` block holds at least one command: commands shown without their output go in
```` ```sh ```` blocks, which are not run.

Matching (as doctest's ELLIPSIS): a line ``...`` stands for any number of lines; ``...`` inside a line for any text
on that line; trailing spaces do not count.  The absolute path of the checkout is shown relative to it
(``inputs/pax_silica_2025``).

An HTML comment on the line right above a block's opening fence gives options (``<!-- docs: key=value ... -->``):

- ``file=NAME`` (on any block, e.g. ```` ```toml ````): the block's text is written to ``NAME`` in the page's working
  folder before the examples after it run, so that a command can read it.
- ``setup=NAME``: call the setup ``NAME`` of :data:`SETUPS` in the working folder first (an input to break).
- ``exit=N``: the exit code the block's commands end with (default 0).
- ``show=RANGES``: in update mode, the lines of the output to keep (``1-3,8-``, ``-5`` the last five; lines left out
  become ``...``);
  ``;`` separates the ranges of successive commands of a block.
- ``hide=REGEX``: in update mode, lines matching it become ``...`` (rows of detail, whatever their number).
- ``mask=REGEX``: in update mode, text matching it becomes ``...`` (a time, a path).

Figures in prose are generated too: ``<!--fig:NAME-->text<!--/fig-->`` is the value of figure ``NAME`` of
:mod:`tests.docs.figures` (computed from the files the page's examples wrote).

Update mode (``PAXSILICA_UPDATE_DOCS=1 pytest tests/docs`` or ``scripts/update_docs.py``) rewrites every example
whose output no longer matches, and every figure, from the tool's output; examples that still match are left as
they are, elisions included.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGES = (REPO / "README.md", REPO / "models" / "README.md")
UPDATE_ENV = "PAXSILICA_UPDATE_DOCS"
ELLIPSIS = "..."
_FENCE = re.compile(r"^```(\w*)\s*$")
_OPTIONS = re.compile(r"^<!--\s*docs:(.*?)-->\s*$")
_FIGURE = re.compile(r"<!--fig:([\w.-]+)-->(.*?)<!--/fig-->", re.DOTALL)
_TIMES = re.compile(r"\b\d+(?:\.\d+)? s\b")  # wall times: never the same twice


@dataclass
class Command:
    """One ``$`` line of a console block and the output the page shows for it."""

    text: str
    expected: list[str]
    actual: list[str] | None = None
    exit_code: int | None = None


@dataclass
class Block:
    """A fenced block: its lines ``start`` (the opening fence) to ``end`` (the closing one) of the page."""

    lang: str
    start: int
    end: int
    body: list[str]
    options: dict[str, str]
    commands: list[Command] = field(default_factory=list)


def _options(line: str) -> dict[str, str]:
    found = _OPTIONS.match(line.strip())
    if not found:
        return {}
    out = {}
    for item in shlex.split(found[1]):
        key, _, value = item.partition("=")
        out[key] = value
    return out


def parse_page(text: str) -> list[Block]:
    """Every fenced block of a page, console blocks split into their commands."""
    lines = text.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == "```")
        block = Block(opening[1], i, end, lines[i + 1:end], _options(lines[i - 1]) if i else {})
        if block.lang == "console":
            for line in block.body:
                if line.startswith("$ "):
                    block.commands.append(Command(line[2:], []))
                elif not block.commands:
                    raise ValueError(f"line {i + 2}: a console block starts with a `$ ` command (a block of "
                                     "commands without output is a ```sh block)")
                else:
                    block.commands[-1].expected.append(line)
        blocks.append(block)
        i = end + 1
    return blocks


def _line_pattern(line: str) -> str:
    return ".*?".join(re.escape(part) for part in line.rstrip().split(ELLIPSIS))


def matches(expected: list[str], actual: list[str]) -> bool:
    """True when ``actual`` is what ``expected`` shows, with ``...`` elisions (see the module docstring)."""
    parts = [r"(?:[^\n]*\n)*?" if line.strip() == ELLIPSIS else _line_pattern(line) + r"[ \t]*\n" for line in expected]
    text = "".join(line.rstrip() + "\n" for line in actual)
    return re.fullmatch("".join(parts), text) is not None


def _ranges(spec: str, n: int) -> list[int]:
    keep: list[int] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if part.startswith("-"):  # the last lines
            keep.extend(range(max(1, n - int(part[1:]) + 1), n + 1))
            continue
        first, _, last = part.partition("-")
        lo = int(first)
        hi = n if part.endswith("-") else int(last or first)
        keep.extend(range(lo, min(hi, n) + 1))
    return keep


def shown_output(actual: list[str], show: str | None, mask: str | None, hide: str | None = None) -> list[str]:
    """What update mode writes for an output: the lines ``show`` keeps and ``hide`` does not match (others become
    ``...``), masked."""
    lines = [_TIMES.sub(f"{ELLIPSIS} s", line.rstrip()) for line in actual]
    if mask:
        lines = [re.sub(mask, ELLIPSIS, line) for line in lines]
    keep = set(range(1, len(lines) + 1) if not show or show == "all" else _ranges(show, len(lines)))
    if hide:
        keep -= {n for n, line in enumerate(lines, start=1) if re.search(hide, line)}
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in keep:
            out.append(line)
        elif not out or out[-1] != ELLIPSIS:
            out.append(ELLIPSIS)
    return out


def _normalised(text: str, cwd: Path) -> list[str]:
    for root in (str(cwd.resolve()), str(cwd), str(REPO)):
        text = text.replace(root + os.sep, "")
    return text.rstrip("\n").split("\n") if text.strip() else []


def run_command(command: str, cwd: Path) -> tuple[list[str], int]:
    """Run one example's command in ``cwd``: ``paxsilica ...`` with this checkout's package, else by the shell."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    env.pop("FORCE_COLOR", None)
    args = shlex.split(command)
    if args and args[0] == "paxsilica":
        argv = [sys.executable, "-c", "import sys; from optimizer.cli import main; sys.exit(main())", *args[1:]]
        done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=900)
    else:
        done = subprocess.run(command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)
    return _normalised(done.stdout, cwd), done.returncode


def _setup_broken(cwd: Path) -> None:
    """``broken/``: the example input with an unknown mine in composition and a negative demand in fabs."""
    import shutil

    broken = cwd / "broken"
    shutil.copytree(REPO / "inputs" / "example", broken)
    for name, column, row, value in (("composition", "mine", 4, "mt_weldd"), ("fabs", "demand_t", 6, "-5")):
        path = broken / f"{name}.csv"
        lines = path.read_text().split("\n")
        head = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[head.index(column)] = value
        lines[row - 1] = ",".join(cells)
        path.write_text("\n".join(lines))


def _setup_hand_case(cwd: Path) -> None:
    """``hand_case/``: the near-optimal alternatives' hand case of the tests (tests/analysis/alternatives_case.py)."""
    from tests.analysis.alternatives_case import write_hand_case

    write_hand_case(cwd / "hand_case")


SETUPS: dict[str, Callable[[Path], None]] = {"broken": _setup_broken, "hand_case": _setup_hand_case}


@dataclass
class PageRun:
    """A page whose examples were run: what differs, and the page as update mode writes it."""

    path: Path
    text: str
    blocks: list[Block]
    cwd: Path
    problems: list[str] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    def updated(self) -> str:
        """The page with every example that differs rewritten from the tool's output, and every figure."""
        lines = self.text.split("\n")
        for block in reversed(self.blocks):
            if not block.commands:
                continue
            shows = block.options.get("show", "").split(";")
            body: list[str] = []
            for k, c in enumerate(block.commands):
                body.append(f"$ {c.text}")
                # An example that ended with another exit code than the page's is an error to fix, not an output
                # to store: update mode keeps the page's text for it (the test still fails and says why).
                if c.actual is None or matches(c.expected, c.actual) or c.exit_code != int(block.options.get("exit", "0")):
                    body.extend(c.expected)
                else:
                    show = shows[k] if k < len(shows) and shows[k] else None
                    body.extend(shown_output(c.actual, show, block.options.get("mask"), block.options.get("hide")))
            lines[block.start + 1:block.end] = body
        text = "\n".join(lines)
        return _FIGURE.sub(lambda m: f"<!--fig:{m[1]}-->{self.figures.get(m[1], m[2])}<!--/fig-->", text)


def run_page(path: Path, cwd: Path) -> PageRun:
    """Run every console example of ``path`` in order in ``cwd`` (where ``inputs`` and ``models`` are this
    checkout's), then compute its figures; :attr:`PageRun.problems` lists what differs from the page."""
    from tests.docs.figures import FIGURES

    for name in ("inputs", "models"):
        if not (cwd / name).exists():
            (cwd / name).symlink_to(REPO / name)
    text = path.read_text()
    page = PageRun(path, text, parse_page(text), cwd)
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    for block in page.blocks:
        if "setup" in block.options:
            SETUPS[block.options["setup"]](cwd)
        if "file" in block.options:
            (cwd / block.options["file"]).write_text("\n".join(block.body) + "\n")
        for c in block.commands:
            c.actual, c.exit_code = run_command(c.text, cwd)
            want = int(block.options.get("exit", "0"))
            line = block.start + 2 + block.body.index(f"$ {c.text}")
            if c.exit_code != want:
                page.problems.append(f"{where}:{line}: `{c.text}` exited {c.exit_code}, the page says {want}:\n"
                                     + "\n".join(c.actual))
            elif not matches(c.expected, c.actual):
                page.problems.append(f"{where}:{line}: `{c.text}` printed\n" + "\n".join(c.actual)
                                     + "\n--- the page shows\n" + "\n".join(c.expected))
    for found in _FIGURE.finditer(text):
        name, shown = found[1], found[2]
        if name not in FIGURES:
            page.problems.append(f"{where}: figure {name!r} is not defined in tests/docs/figures.py")
            continue
        page.figures[name] = value = FIGURES[name](cwd)
        if value != shown:
            page.problems.append(f"{where}: figure {name}: the page says {shown!r}, the tool gives {value!r}")
    return page


def update_page(page: PageRun) -> bool:
    """Write the page as the tool prints it; True when it changed."""
    new = page.updated()
    if new == page.text:
        return False
    page.path.write_text(new)
    return True
