"""What a results folder (``--out DIR``) may be, who owns its files, and who may write it now.

The tool owns only the files it wrote: their names and the SHA-256 of their bytes are kept in
``DIR/.paxsilica-manifest.json``, signed with the user's key (:mod:`optimizer.io.signing`), and nothing else in
``DIR`` is ever replaced or removed: not a file a manifest it did not sign lists, not a file whose bytes changed since,
not a symbolic link, not a folder named like its staging folders.  A folder is refused before anything is written
when writing there could harm the user (it is, or holds, the input; it is ``.``, ``/`` or the home folder; it is a
file).  A lock file
(``DIR/.paxsilica.lock``, held with ``flock`` while a run writes ``DIR``) keeps two runs from writing one folder at
the same time; the kernel releases it when a run dies, so a killed run never leaves the folder locked.  No path in
``DIR`` is followed when it is a symbolic link (the lock, the manifest, the files), and ``DIR`` itself may not be one.
This module is the one place that decides what may be written or deleted.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

MANIFEST = ".paxsilica-manifest.json"
LOCK = ".paxsilica.lock"
STAGING_PREFIX = ".paxsilica-tmp-"
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(?:manifest-)?([0-9a-f]{{16}})-([0-9a-f]{{16}})$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

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
    if Path(out_dir).is_symlink():
        raise OutputError(f"--out {out_dir}: is a symbolic link; give the folder itself (paxsilica follows no link)")
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
    """The folder's manifest as written, or None when there is none (or it is unreadable, which counts as none).

    Its signature is not checked here: :func:`owned_files` decides what the tool may replace or remove."""
    try:
        fd = os.open(Path(folder) / MANIFEST, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            doc = json.loads(fh.read(8 * 2**20).decode("utf-8"))
    except (OSError, ValueError):
        return None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
        return None
    return doc


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _signed_hashes(folder: Path) -> dict[str, str]:
    """Name -> SHA-256 of the files the folder's manifest lists, when the user's key signed it; else nothing."""
    from optimizer.io.signing import signed_by_user

    manifest = read_manifest(folder)
    if manifest is None or not signed_by_user(manifest):
        return {}
    hashes = manifest.get("sha256")
    if not isinstance(hashes, dict):
        return {}
    return {name: h for name, h in hashes.items() if name in manifest["files"] and isinstance(h, str)}


def owned_files(folder: Path) -> set[str]:
    """Names of the files in ``folder`` that the tool may replace or remove: listed in a manifest the user's key
    signed, and either gone or still a regular file (not a link) with the bytes the tool wrote."""
    from optimizer.io.signing import file_sha256

    folder = Path(folder)
    owned = set()
    for name, digest in _signed_hashes(folder).items():
        path = folder / name
        if not (path.exists() or path.is_symlink()) or file_sha256(path) == digest:
            owned.add(name)
    return owned


def tool_wrote(path: Path) -> bool:
    """True when ``path`` is a file the tool wrote and may replace (see :func:`owned_files`)."""
    path = Path(path)
    return path.name in owned_files(path.parent)


def file_hashes(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """Name -> SHA-256 of each named regular file in ``folder`` (links and missing files left out)."""
    from optimizer.io.signing import file_sha256

    found = {name: file_sha256(Path(folder) / name) for name in names}
    return {name: digest for name, digest in found.items() if digest is not None}


def staging_name(kind: str = "") -> str:
    """A fresh name for a staging folder (or ``kind="manifest-"`` file), tagged with the user's key so that
    :func:`clean_debris` removes only what a run of this user made."""
    from optimizer.io.signing import tag

    token = secrets.token_hex(8)
    return f"{STAGING_PREFIX}{kind}{token}-{tag(token)}"


def _ours(name: str) -> bool:
    from optimizer.io.signing import tag

    found = _STAGING.match(name)
    return found is not None and hmac.compare_digest(found.group(2), tag(found.group(1)))


def write_manifest(folder: Path, hashes: Mapping[str, str], complete: bool) -> None:
    """Replace the manifest in one rename, signed with the user's key; ``hashes`` maps each file the tool wrote to
    the SHA-256 of its bytes; ``complete`` is False while files are being moved into place."""
    from optimizer import __version__
    from optimizer.io.signing import signature

    doc: dict[str, Any] = {"written_by": "paxsilica", "version": __version__, "complete": complete,
                           "files": sorted(hashes), "sha256": dict(sorted(hashes.items()))}
    doc["signature"] = signature(doc)
    tmp = Path(folder) / staging_name("manifest-")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)  # the usual mode (umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, Path(folder) / MANIFEST)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_debris(folder: Path) -> list[Path]:
    """Remove the staging folders and files that killed runs of this user left in ``folder`` (their names carry a
    tag under the user's key: a folder a user named like one is left alone).  Call only while holding the lock."""
    import shutil

    folder = Path(folder)
    removed = []
    inside = [p for p in folder.iterdir() if _ours(p.name)] if folder.is_dir() else []
    for path in inside:
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
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), 0o666)
        except OSError as err:
            if os.path.islink(lock_path):
                raise OutputError(f"{lock_path} is a symbolic link, not paxsilica's lock; remove it (nothing was "
                                  "changed)") from None
            raise err
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_nlink > 1:  # a hard link to a user's file would be truncated
            os.close(fd)
            what = "is not a regular file" if not stat.S_ISREG(found.st_mode) else "has other names (a hard link)"
            raise OutputError(f"{lock_path} {what}, not paxsilica's lock; remove it (nothing was changed)")
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
