"""Reading an input up to a limit, with memory that grows with the data, not with the limit.

`read_at_most(handle, limit)` returns at most `limit + 1` bytes: one more than the limit
tells the caller the input is over it. The bytes are read a block at a time, so a limit
of a terabyte (`--max-file-size 1048576`) costs nothing for a small file (a single
`read(limit + 1)` allocates the whole limit first), and an endless input (`/dev/zero`, a
pipe) stops at the limit.
"""

from __future__ import annotations

from typing import BinaryIO

BLOCK = 1 << 20


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
