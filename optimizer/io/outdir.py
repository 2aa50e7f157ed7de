"""What a results folder (``--out DIR``) may be, who owns its files, and who may write it now.

The tool owns only the files it wrote: their names are kept in ``DIR/.paxsilica-manifest.json``, and nothing else in
``DIR`` is ever replaced or removed.  A folder is refused before anything is written when writing there could harm
the user (it is, or holds, the input; it is ``.``, ``/`` or the home folder; it is a file).  A lock file
(``DIR/.paxsilica.lock``, held with ``flock`` while a run writes ``DIR``) keeps two runs from writing one folder at
the same time; the kernel releases it when a run dies, so a killed run never leaves the folder locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MANIFEST = ".paxsilica-manifest.json"
LOCK = ".paxsilica.lock"
STAGING_PREFIX = ".paxsilica-tmp-"
# Result files an earlier version wrote before folders had a manifest (it replaced the whole folder).
LEGACY_NAMES = frozenset({
    "summary.json", "flows.csv", "builds.csv", "supply.csv", "dependence.csv", "costs.csv", "duals.csv", "risk.csv",
    "frontier.csv", "stress.csv", "stress_detail.csv", "report.html", "results.xlsx",
})
_LEGACY_PNG = re.compile(r"^report-[a-z_]+\.png$")

_held: dict[Path, tuple[int, int, bool]] = {}  # folder -> (fd, depth, created by us), of process _held_pid
_held_pid = os.getpid()


def _held_here() -> dict[Path, tuple[int, int, bool]]:
    """This process's locks: a forked child inherits the dict but not the locks (flock is per open file)."""
    global _held_pid
    if _held_pid != os.getpid():
        _held.clear()
        _held_pid = os.getpid()
    return _held


class OutputError(Exception):
    """The results cannot be written where asked; the message is one line naming the folder and why."""


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out_dir(out_dir: Path, protect: Iterable[Path | None] = ()) -> Path:
    """Refuse a results folder that must not be written; return it unchanged otherwise.

    Parameters
    ----------
    out_dir : the folder asked for.
    protect : inputs of the run (a workbook, a CSV folder, a scenario file): ``out_dir`` may not be one of them nor
        a folder that holds one.

    Raises
    ------
    OutputError
        ``out_dir`` is ``.``, ``/``, the home folder, a file, below a file, or is or holds a protected path.
    """
    target = _resolved(out_dir)
    if target == Path(target.anchor):
        raise OutputError(f"--out {out_dir}: refusing to write results into the root folder")
    if target == _resolved(Path.cwd()):
        raise OutputError(f"--out {out_dir}: refusing to write results into the current folder; name a subfolder")
    with contextlib.suppress(RuntimeError):  # no home folder known
        if target == _resolved(Path.home()):
            raise OutputError(f"--out {out_dir}: refusing to write results into the home folder; name a subfolder")
    for parent in (target, *target.parents):
        if parent.exists() and not parent.is_dir():
            where = "is a file" if parent == target else f"is below a file ({parent})"
            raise OutputError(f"--out {out_dir}: {where}; give a folder")
        if parent.exists():
            break
    for item in protect:
        if item is None:
            continue
        guarded = _resolved(item)
        if _is_within(guarded, target):
            what = "is the input" if guarded == target else f"holds the input {item}"
            raise OutputError(f"--out {out_dir}: {what}; results go to a folder of their own")
    return out_dir


# --- ownership --------------------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when there is none (or it is unreadable, which counts as none)."""
    try:
        doc = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
        return None
    return doc


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _legacy_results(folder: Path) -> bool:
    """A results folder of a version that wrote no manifest: its summary.json says paxsilica wrote it."""
    try:
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("package"), dict) and doc["package"].get("name") == "paxsilica"


def owned_files(folder: Path) -> set[str]:
    """Names of the files in ``folder`` that the tool wrote (and so may replace or remove)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is not None:
        return set(manifest["files"])
    if _legacy_results(folder):
        return {p.name for p in folder.iterdir() if p.is_file() and (p.name in LEGACY_NAMES or _LEGACY_PNG.match(
            p.name))}
    return set()


def tool_wrote(path: Path) -> bool:
    """True when ``path`` is a file the tool wrote (listed in its folder's manifest)."""
    path = Path(path)
    return path.name in owned_files(path.parent)


def write_manifest(folder: Path, files: Iterable[str], complete: bool) -> None:
    """Replace the manifest in one rename; ``complete`` is False while files are being moved into place."""
    from optimizer import __version__

    doc = {"written_by": "paxsilica", "version": __version__, "complete": complete,
           "files": sorted(set(files))}
    fd, tmp = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}manifest-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, folder / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_debris(folder: Path) -> list[Path]:
    """Remove what killed runs left behind: staging folders in ``folder``, and the ``.NAME.tmp-*`` /
    ``.NAME.old-*`` folders that earlier versions staged beside it.  Call only while holding the folder's lock."""
    import shutil

    folder = Path(folder)
    removed = []
    inside = [p for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX)] if folder.is_dir() else []
    # Earlier versions staged beside the folder with tempfile.mkdtemp: ".NAME.tmp-XXXXXXXX", ".NAME.old-XXXXXXXX".
    old_style = re.compile(rf"^\.{re.escape(folder.name)}\.(tmp|old)-[A-Za-z0-9_]{{8}}$")
    beside = [p for p in folder.parent.iterdir() if old_style.match(p.name)] if folder.parent.is_dir() else []
    for path in inside + beside:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# --- the lock -----------------------------------------------------------------------------------------------------


def _os_error(out_dir: Path, err: OSError) -> OutputError:
    reason = err.strerror or str(err)
    return OutputError(f"cannot write to {out_dir}: {reason}" + (f" ({err.filename})" if err.filename and str(
        err.filename) != str(out_dir) else ""))


@contextlib.contextmanager
def out_lock(out_dir: Path) -> Iterator[Path]:
    """Hold ``out_dir``'s lock (creating the folder) for the duration; re-entrant within one process.

    A folder this call created is removed again when nothing was written into it, so a run that ends without
    results leaves nothing behind.

    Raises
    ------
    OutputError
        Another run holds the lock, or the folder cannot be created.
    """
    key = _resolved(out_dir)
    if key in _held_here():
        fd, depth, created = _held[key]
        _held[key] = (fd, depth + 1, created)
        try:
            yield Path(out_dir)
        finally:
            fd, depth, created = _held[key]
            _held[key] = (fd, depth - 1, created)
        return
    created = not key.exists()
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        fd = _acquire(key / LOCK, out_dir)
    except OSError as err:
        raise _os_error(out_dir, err) from None
    _held[key] = (fd, 1, created)
    try:
        yield Path(out_dir)
    finally:
        _held.pop(key, None)
        with contextlib.suppress(OSError):
            os.unlink(key / LOCK)  # before closing: a waiting run then finds the file gone and takes a new one
        os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                key.rmdir()  # only succeeds when nothing was written


def _acquire(lock_path: Path, out_dir: Path) -> int:
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _lock_fd(fd)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise OutputError(f"{out_dir} is being written by another paxsilica run{holder} (lock {lock_path}); "
                              "wait for it to finish or choose another --out") from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)  # the holder removed the file as we opened it: take the new one


def _lock_fd(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
    except (OSError, AttributeError, UnicodeDecodeError):
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def release_all() -> None:
    """Release every lock this process holds (and remove the folders created only for them): before ``os._exit``,
    which skips the ``finally`` blocks of :func:`out_lock`."""
    for key, (fd, _depth, created) in list(_held_here().items()):
        _held.pop(key, None)
        with contextlib.suppress(OSError):
            os.unlink(key / LOCK)
        with contextlib.suppress(OSError):
            os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                key.rmdir()


def holds_lock(out_dir: Path) -> bool:
    """True when this process holds ``out_dir``'s lock."""
    return _resolved(out_dir) in _held_here()
