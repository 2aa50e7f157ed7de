"""The user's key that signs what the tool records in a results folder, so that a file it did not write cannot
make it replace or delete anything.

Whoever can write a results folder can write a manifest there: one copied from a colleague's folder, unpacked
from an archive, or made up to list ``notes.txt``.  A manifest is therefore believed only when it carries an
HMAC-SHA256, under a key that never leaves the user's configuration folder, of everything it says: the names of the
files and the SHA-256 of each one's bytes.  The tool then replaces or removes a file only when its bytes are still
those it wrote (a file the user edited or put in its place is not the tool's any more).  Staging folders are named
with a tag under the same key, so that a folder a user named like one is never taken for a killed run's debris.

What someone who can write the folder but cannot read the key can do: delete or change files (the folder's
permissions allow that anyway); not make paxsilica delete or replace a file for them.  A content hash alone (no
key) would not do: anyone can hash the file they want removed.

The key is 32 random bytes in ``$PAXSILICA_KEY_FILE``, else ``$XDG_CONFIG_HOME/paxsilica/manifest.key``, else
``~/.config/paxsilica/manifest.key``, made on first use with mode 0600 (a symbolic link there is refused).  When it
cannot be made there (a home that is not writable), it is kept in ``$TMPDIR/paxsilica-<uid>/``, a folder only this
user may enter (one made by someone else is not used); failing that too, this process signs with a key of its own:
its results are written, and a later run treats them as files it did not write.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

KEY_BYTES = 32


def key_path() -> Path:
    """Where the user's key is kept."""
    given = os.environ.get("PAXSILICA_KEY_FILE")
    if given:
        return Path(given).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(config) / "paxsilica" / "manifest.key"


def _fallback_path() -> Path | None:
    """``$TMPDIR/paxsilica-<uid>/manifest.key`` when the configuration folder cannot hold the key (a home that is
    not writable): used only when that folder is this user's own, a real folder, and closed to others."""
    if not hasattr(os, "getuid"):
        return None
    folder = Path(tempfile.gettempdir()) / f"paxsilica-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        return None  # someone else made it (or opened it to others): not a place for this user's key
    return folder / "manifest.key"


@functools.cache
def _key_at(path: Path) -> bytes | None:
    """The key kept at ``path``, made there if missing; None when it can be neither read nor made."""
    try:
        return _read_existing(path)
    except OSError:
        pass
    fresh = secrets.token_hex(KEY_BYTES).encode()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(fresh)
        os.link(tmp, path)  # the key appears whole, or not at all; fails when another run made one first
    except FileExistsError:  # another run made it first (or it is a link, which is refused): use it if readable
        try:
            return _read_existing(path)
        except OSError:
            return None
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return fresh


def _read_existing(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        key = fh.read(4 * KEY_BYTES)
    if len(key) < KEY_BYTES:
        raise OSError("key file too short")
    return key


_PROCESS_KEY = secrets.token_bytes(KEY_BYTES)


def user_key() -> bytes:
    """The user's signing key: kept at :func:`key_path` (made on first use), else in the user's own folder of the
    temporary folder, else this process's own (see the module's note)."""
    key = _key_at(key_path())
    if key is None and not os.environ.get("PAXSILICA_KEY_FILE"):
        fallback = _fallback_path()
        key = _key_at(fallback) if fallback is not None else None
    return key if key is not None else _PROCESS_KEY


def signature(doc: dict[str, Any]) -> str:
    """HMAC-SHA256 of ``doc`` (its canonical JSON, without any ``signature`` key) under the user's key."""
    body = json.dumps({k: v for k, v in doc.items() if k != "signature"}, sort_keys=True, separators=(",", ":"))
    return hmac.new(user_key(), body.encode(), hashlib.sha256).hexdigest()


def signed_by_user(doc: dict[str, Any]) -> bool:
    """True when ``doc`` carries the user's signature of its content."""
    given = doc.get("signature")
    return isinstance(given, str) and hmac.compare_digest(given, signature(doc))


def tag(text: str) -> str:
    """A short tag of ``text`` under the user's key (names of staging folders)."""
    return hmac.new(user_key(), b"staging\0" + text.encode(), hashlib.sha256).hexdigest()[:16]


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, never following a symbolic link; None when it is not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
