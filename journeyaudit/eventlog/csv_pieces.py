"""A plain CSV file read as pieces side by side, each numbering its own rows.

The hand-off pass needs every row's position in the file (ties keep file
order; a case is placed by its first row). DuckDB numbers the rows of a scan
(`row_number() OVER ()`) on one thread only, and everything the pass does to
a row runs on that thread too: the second core stood idle. So the file is cut
at line ends into one piece per DuckDB thread, each piece is fed to DuckDB
through a named pipe of the session's folder (the kernel copies the bytes:
no copy on disk, no memory per piece), and a UNION ALL of the pieces' scans,
each with its own row numbers, runs them in parallel. A row's position is
its piece's number in the high bits and its row number in the low ones, so
positions keep the file's order.

Cut only where a cut cannot change what DuckDB reads: a file with no quote
character at all (a quoted field may hold a line break, and a stray quote
changes where DuckDB thinks fields end), after a line feed, the header
wholly in the first piece. Anything else, no named pipes (Windows) or a file
too small to gain, is read as one scan, as before; so is a file whose pieces
DuckDB refuses, so its error message names the file and line as before.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable, Iterator

PIECE_SHIFT = 30  # a row's position: piece << 30 | row number in the piece (10^9 rows a piece)
MAX_PIECES = 1 << (35 - PIECE_SHIFT)  # positions stay under 2^35, what the packed pass holds
# a row takes a byte or more (its line end), so a piece of at most 2^30 bytes holds at most 2^30 rows
MAX_PIECE_BYTES = 1 << PIECE_SHIFT
MIN_PIECE_BYTES = 8 << 20  # below this the pipes cost more than the second core gives
_SEND_BYTES = 1 << 22


def cut_points(path: str, pieces: int, quoted: bool | None = None) -> list[int] | None:
    """Byte offsets where the pieces start (the first is 0), or None when the file is read as one scan.

    quoted: whether the file holds a quote character, when the caller knows (has_quote)."""
    if pieces < 2 or not hasattr(os, "mkfifo"):
        return None
    size = os.path.getsize(path)
    # as many pieces as threads, more when a piece would hold more rows than its part of a position numbers
    pieces = min(max(pieces, -(-size // MAX_PIECE_BYTES)), size // MIN_PIECE_BYTES)
    if pieces < 2 or pieces > MAX_PIECES or (has_quote(path) if quoted is None else quoted):
        return None
    with open(path, "rb") as handle:
        header_end = _line_end(handle.fileno(), 0)
        if header_end is None:
            return None
        starts = [0]
        for index in range(1, pieces):
            line_end = _line_end(handle.fileno(), max(size * index // pieces, header_end + 1, starts[-1] + 1))
            if line_end is None or line_end + 1 >= size:
                break
            starts.append(line_end + 1)
    return starts if len(starts) > 1 else None


def _line_end(descriptor: int, offset: int) -> int | None:
    """The offset of the first line feed at or after `offset`, None when there is none."""
    while block := os.pread(descriptor, _SEND_BYTES, offset):
        found = block.find(b"\n")
        if found >= 0:
            return offset + found
        offset += len(block)
    return None


def has_quote(path: str) -> bool:
    """Whether the file holds a quote character anywhere (read a block at a time: a mapped file would count its
    whole size in the process's peak memory)."""
    block = bytearray(_SEND_BYTES)
    with open(path, "rb", buffering=0) as handle:
        while count := handle.readinto(block):
            if block.find(b'"', 0, count) >= 0:
                return True
    return False


class PieceFeed:
    """Named pipes in `folder`, each fed one piece of `path` by a thread while DuckDB reads it."""

    def __init__(self, path: str, starts: list[int], folder: str):
        self.path, self.folder = path, folder
        self.ranges = list(zip(starts, [*starts[1:], os.path.getsize(path)]))
        self.pipes: list[str] = []
        self.threads: list[threading.Thread] = []
        self.sent = [0] * len(self.ranges)
        self.stop = threading.Event()  # set when DuckDB is done: a feeder still going stops

    @property
    def total(self) -> int:
        return self.ranges[-1][1]

    def fraction(self) -> float:
        """The share of the file handed to DuckDB so far (the progress line's, DuckDB cannot tell for a pipe)."""
        return sum(self.sent) / max(self.total, 1)

    def __enter__(self) -> PieceFeed:
        try:
            for number, (start, end) in enumerate(self.ranges):
                pipe = os.path.join(self.folder, f"piece-{number}-{id(self)}.csv")
                os.mkfifo(pipe, 0o600)
                self.pipes.append(pipe)
                thread = threading.Thread(target=self._feed, args=(number, pipe, start, end), daemon=True,
                                          name=f"journeyaudit-piece-{number}")
                thread.start()
                self.threads.append(thread)
        except BaseException:
            self.__exit__()  # the pipes made so far, and their feeders waiting for a reader
            raise
        return self

    def _feed(self, number: int, pipe: str, start: int, end: int) -> None:
        try:
            with open(self.path, "rb") as source:
                out = os.open(pipe, os.O_WRONLY)  # waits for DuckDB (or __exit__) to open the pipe
                try:
                    offset = start
                    while offset < end and not self.stop.is_set():
                        sent = _send(out, source.fileno(), offset, min(end - offset, _SEND_BYTES))
                        if sent <= 0:
                            break
                        offset += sent
                        self.sent[number] = offset - start
                finally:
                    os.close(out)
        except OSError:  # DuckDB stopped reading (an error): the query says why
            pass

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for pipe, thread in zip(self.pipes, self.threads):
            if thread.is_alive():
                # DuckDB never opened this pipe, or left it: hold its other end open and drain it until the feeder
                # has seen the stop (its open() returns whenever it gets there; a write in progress completes)
                with contextlib.suppress(OSError):
                    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
                    try:
                        while thread.is_alive():
                            try:
                                if not os.read(reader, 1 << 20):
                                    thread.join(0.001)
                            except BlockingIOError:
                                thread.join(0.001)
                    finally:
                        os.close(reader)
            thread.join(timeout=10)  # a last guard: the feeders are daemons
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                os.unlink(pipe)


def _send(out: int, source: int, offset: int, count: int) -> int:
    if hasattr(os, "sendfile"):
        try:
            return os.sendfile(out, source, offset, count)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP):  # this system sends files to sockets only
                raise
    return os.write(out, os.pread(source, count, offset))


@contextlib.contextmanager
def pieces_read(path: str, starts: list[int] | None, folder: str,
                one_piece: Callable[[str, bool, str], str]) -> Iterator[tuple[str, PieceFeed | None]]:
    """(SQL of the rows of the whole file, the feed or None); `one_piece(source, header, base)` gives one scan's
    SELECT, `base` the SQL number added to its row numbers."""
    if starts is None:
        yield one_piece(path, True, "0"), None
        return
    with PieceFeed(path, starts, folder) as feed:
        selects = [one_piece(pipe, number == 0, f"{number << PIECE_SHIFT}") for number, pipe in enumerate(feed.pipes)]
        yield " UNION ALL ".join(f"({select})" for select in selects), feed
