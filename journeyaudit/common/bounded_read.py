"""Reading an input up to a limit, with memory that grows with the data, not with the limit.

`open_input(path)` opens a file to read as `open(path, "rb")` does, but never waits: a
named pipe (`mkfifo`) raises `NotRegularFile` (an OSError) instead of blocking the run until
something writes to it. `read_at_most(handle, limit)` returns at most `limit + 1` bytes: one more than the limit
tells the caller the input is over it. The bytes are read a block at a time, so a limit
of a terabyte (`--max-file-size 1048576`) costs nothing for a small file (a single
`read(limit + 1)` allocates the whole limit first), and an endless input (`/dev/zero`, a
pipe) stops at the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

# The largest size in MiB any option takes (1 TiB): beyond it the number no longer fits the
# reads and the engines (an internal OverflowError), and no real input needs more.
MAX_MIB = 1 << 20

BLOCK = 1 << 20


class NotRegularFile(OSError):
    def __init__(self, path: str | os.PathLike):
        super().__init__(errno.ESPIPE, "a named pipe, not a file (reading it would wait for a writer)", os.fspath(path))


def open_input(path: str | os.PathLike) -> BinaryIO:
    # O_NONBLOCK: opening a pipe that has no writer returns at once (a plain open waits for one)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise NotRegularFile(path)
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    blocks = []
    total = 0
    while total <= limit:
        block = handle.read(min(BLOCK, limit + 1 - total))
        if not block:
            break
        blocks.append(block)
        total += len(block)
    return b"".join(blocks)
