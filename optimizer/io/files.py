"""Open a file the user named as an input, refusing anything that is not a regular file.

A FIFO named ``mines.csv`` or ``case.xlsx`` would hang a reader for ever (it waits for a writer), and a device
(``/dev/zero``, ``/dev/urandom``) never ends; both are refused before a byte is read, with the file named.  Every
reader of inputs (workbooks, CSV files, scenario and batch files) opens them here.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegularFile(OSError):
    """The path is a FIFO, a device or a socket: ``strerror`` says so in words a user reads."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary mode, when it is a regular file (a link to one is fine).

    Raises
    ------
    NotRegularFile
        A FIFO, a device or a socket (opened without blocking, so a FIFO with no writer does not hang).
    OSError
        The file cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(
                mode) else "a folder" if stat.S_ISDIR(mode) else "a socket or other special file"
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind}); paxsilica reads only regular files",
                                 str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file (see :func:`open_regular`)."""
    with open_regular(path) as fh:
        return fh.read()
