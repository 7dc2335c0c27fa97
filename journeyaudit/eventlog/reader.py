"""Read an event log: open it, undo gzip, sniff the format, hand over to its module.

Formats: XES (`xes.py`) and CSV (`csv_log.py`); both fill a `CaseBuilder`
(`cases.py`), which orders the events of each case and settles the department.
"""

from __future__ import annotations

import gc
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from journeyaudit.common.bounded_read import open_input
from journeyaudit.eventlog.cases import (  # noqa: F401 - the reader's public names
    CASE_PREFIX,
    DEFAULT_ACTIVITY_KEY,
    DEFAULT_CASE_KEY,
    DEFAULT_DEPARTMENT_KEY,
    DEFAULT_MAX_DECOMPRESSED_MB,
    DEFAULT_MAX_VALUE_MB,
    DEFAULT_TIMESTAMP_KEY,
    FALLBACK_DEPARTMENT_KEY,
    LIFECYCLE_KEY,
    Case,
    Event,
    EventLog,
    EventLogError,
    ReadOptions,
    clean,
    parse_timestamp,
    where,
)
from journeyaudit.eventlog.csv_log import read_csv
from journeyaudit.eventlog.xes import read_xes

_GZIP_MAGIC = b"\x1f\x8b"


class _CappedStream(io.RawIOBase):
    """The decompressed content, refused past `limit` bytes (a gzip bomb stops the read, not the machine)."""

    def __init__(self, path: str, inner, limit: int):
        self.path, self.inner, self.limit, self.read_so_far = path, inner, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.inner.readinto(buffer)
        self.read_so_far += count
        if self.read_so_far > self.limit:
            raise EventLogError(
                f"{self.path}: decompresses to more than {self.limit >> 20} MiB (a gzip bomb?): "
                "pass --max-decompressed-size MiB to read it"
            )
        return count


@contextmanager
def gzip_errors(path: str) -> Iterator[None]:
    """A corrupt or truncated gzip stream read inside, as the one-line error naming `path`."""
    try:
        yield
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise EventLogError(f"{path}: corrupt gzip data ({exc})") from None
    except EOFError:
        raise EventLogError(f"{path}: truncated gzip data (the file ends early)") from None


def open_binary(path: str, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_MB << 20):
    """(stream of the content, decompressed when gzip; the raw file, to close)."""
    try:
        raw = open_input(path)  # returned to the caller, who closes it
    except FileNotFoundError:
        raise EventLogError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EventLogError(f"{path}: is a directory, not an event log") from None
    except OSError as exc:
        raise EventLogError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(raw.fileno()).st_mode):  # /dev/zero, a tape: endless or unseekable
        raw.close()
        raise EventLogError(f"{path}: not a regular file (a device): give the event log as a file")
    magic = raw.read(2)
    raw.seek(0)
    if magic == _GZIP_MAGIC:
        inflated = gzip.GzipFile(fileobj=raw, mode="rb")  # GzipFile leaves fileobj open
        return io.BufferedReader(_CappedStream(path, inflated, max_decompressed_bytes), 1 << 20), raw
    if path.lower().endswith(".gz"):
        raw.close()
        raise EventLogError(f"{path}: not a gzip file (the name ends in .gz but there is no gzip header)")
    return raw, raw


def sniff_format(path: str, head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "xes"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows exports)
        decoded = head[: len(head) // 2 * 2].decode("utf-16", "replace").lstrip(" \t\r\n")
        if decoded.startswith("<"):
            return "xes"  # expat reads UTF-16 XML itself
        raise EventLogError(f"{where(path, 1, 1)}: the file is UTF-16 text: save it as UTF-8 (CSV logs are read as UTF-8)")
    lowered = path.lower()
    if lowered.endswith((".xes", ".xes.gz", ".xml", ".xml.gz")):
        raise EventLogError(f"{where(path, 1, 1)}: not XML (an XES log starts with '<')")
    return "csv"


def read_head(path: str, stream) -> bytes:
    """The first bytes of the content, the stream left where it was; refuses an empty file."""
    try:
        if hasattr(stream, "peek"):  # an empty peek is the end of the content: nothing to seek back
            head = stream.peek(64)
        else:
            head = stream.read(64)
            stream.seek(0)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise EventLogError(f"{path}: corrupt gzip data ({exc or 'truncated'})") from None
    if not head.strip():
        raise EventLogError(f"{path}: empty file")
    return head


def read_log(path: str | os.PathLike, options: ReadOptions | None = None) -> EventLog:
    """Read an XES or CSV event log; raises EventLogError on bad input."""
    options = options or ReadOptions()
    path = os.fspath(path)
    stream, raw = open_binary(path, options.max_decompressed_bytes)
    # Reading creates millions of small acyclic objects: the cyclic collector
    # would scan them again and again for nothing (15% of the time on BPIC 2012).
    collecting = gc.isenabled()
    gc.disable()
    try:
        fmt = sniff_format(path, read_head(path, stream))
        with gzip_errors(path):
            if fmt == "parquet":
                raise EventLogError(f"{path}: a Parquet log is read by the columnar engine (--engine duckdb or spark)")
            if fmt == "xes":
                return read_xes(path, stream, options)
            return read_csv(path, stream, options)
    finally:
        stream.close()
        raw.close()
        if collecting:
            gc.enable()
