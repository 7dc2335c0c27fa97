"""One DuckDB session for one log: a database in its own temporary folder, bounded memory, the shared SQL macros.

Out of core: the tables live in DuckDB's buffer pool, bounded by
`--memory-limit`; past it, DuckDB spills tables, sorts and hash tables to a
fresh temporary folder (under `--temp-dir`, else the system's), which also
holds the decompressed copy of a gzip CSV; the folder is removed when the
session closes, whatever happened.

The macros give SQL the reader's definitions (cases.py), exactly:
- `clean(v)`: the value stripped of Python's whitespace, NULL when empty, `EMPTY`
  or `NaN` in any case;
- `stamp(s)`: POSIX seconds as `datetime.fromisoformat` reads them (no zone:
  UTC). The usual forms (`YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]`) are read
  in SQL; any other text goes to `parse_timestamp` itself, a Python function
  called only for those rows, so the two readers can never disagree. That
  function is registered only when a log needs it (registering a Python
  function imports numpy: a tenth of a small log's read): until then such a
  row stops its statement with `NEEDS_PYTHON`, and `execute` registers the
  function and runs the statement again (a failed statement changed nothing).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable

from journeyaudit.eventlog.cases import EventLogError, ReadOptions, parse_timestamp

DEFAULT_MEMORY_LIMIT_MB = 400  # DuckDB's buffer pool; the process adds ~100 MB of its own
# every character str.isspace() is true for (a test checks it): computing it at import took 50 ms
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WHITESPACE_SQL = "'" + PYTHON_WHITESPACE + "'"  # a literal: DuckDB folds it once (chr() calls ran per row)
# The commonest form, zone-less whole seconds with a T (`2024-01-31T10:00:00`): a GLOB of ASCII digits and
# strptime, half the cost of a regular expression (and of the LIKE shape with a test for each whitespace character
# it replaced)
_DIGITS_STAMP = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
_USUAL_STAMP = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
)

NEEDS_PYTHON = "journeyaudit: a timestamp only Python reads"


def out_of_memory(error: Exception) -> bool:
    """Whether DuckDB stopped because it reached its memory limit (its own exception, or a scan's error quoting it)."""
    duckdb = sys.modules.get("duckdb")
    return (duckdb is not None and isinstance(error, duckdb.OutOfMemoryException)) or "Out of Memory" in str(error)


def needs_python(error: Exception) -> bool:
    """Whether a statement stopped at a timestamp only Python reads: run it again after enable_python_stamp()."""
    return NEEDS_PYTHON in str(error)


def stamp_macro(other: str) -> str:
    """stamp(s) in SQL, `other` for the forms SQL leaves to Python."""
    return (
        "CREATE OR REPLACE MACRO stamp(s) AS CASE WHEN s IS NULL THEN NULL "
        # ASCII digits at every digit's place (so no whitespace, which strptime would skip), then strptime, which
        # refuses what Python refuses here (hour 24, second 60, February 30): those go to Python
        f"WHEN s GLOB '{_DIGITS_STAMP}' AND NOT starts_with(s, '0000') THEN coalesce(epoch_us("
        f"try_strptime(s, '%Y-%m-%dT%H:%M:%S')) / 1000000.0, {other}) "
        f"WHEN regexp_full_match(s, '{_USUAL_STAMP}') AND s[:4] <> '0000' "
        # DuckDB's own reading of these forms is Python's; a zone-less one is UTC (the session's zone)
        "THEN epoch_us(try_cast(s AS TIMESTAMPTZ)) / 1000000.0 "
        f"ELSE {other} END"
    )


MACROS = [
    f"CREATE MACRO strip(v) AS trim(v, {_WHITESPACE_SQL})",
    "CREATE MACRO clean_stripped(v) AS CASE WHEN strip(v) = '' OR strip(v) = 'EMPTY' OR lower(strip(v)) = 'nan' "
    "THEN NULL ELSE strip(v) END",
    # most values start and end with a visible ASCII character: nothing to strip (trim is 10x slower); a value whose
    # lower case is `nan` has three ASCII letters, so three bytes
    "CREATE MACRO clean(v) AS CASE WHEN ascii(v) BETWEEN 33 AND 126 AND ascii(v[-1]) BETWEEN 33 AND 126 "
    "THEN (CASE WHEN v = 'EMPTY' OR (strlen(v) = 3 AND lower(v) = 'nan') THEN NULL ELSE v END) "
    "ELSE clean_stripped(v) END",
    stamp_macro(f"error('{NEEDS_PYTHON}')"),
]


def connect_settings(memory_limit_mb: int, temp_folder: str) -> list[str]:
    return [
        f"SET memory_limit = '{int(memory_limit_mb)}MB'",
        f"SET temp_directory = '{temp_folder.replace(chr(39), chr(39) * 2)}'",
        "SET TimeZone = 'UTC'",  # a timestamp without a zone is UTC, as in the reference reader
        "SET preserve_insertion_order = true",  # a table's rowid is the file order
        "SET enable_progress_bar = true",  # measured for our own progress line (QueryProgress) ...
        "SET enable_progress_bar_print = false",  # ... which goes to stderr, and only on a terminal
    ]


class Session:
    """A DuckDB connection in a temporary folder; close() removes the folder."""

    def __init__(self, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB, temp_dir: str | None = None):
        import duckdb

        if temp_dir is not None and not os.path.isdir(temp_dir):
            raise EventLogError(f"--temp-dir {temp_dir}: no such folder")
        try:
            self.folder = tempfile.mkdtemp(prefix="journeyaudit-", dir=temp_dir)
        except OSError as exc:
            raise EventLogError(f"cannot create a temporary folder in {temp_dir or tempfile.gettempdir()}: {exc.strerror}") from None
        try:
            # in memory, spilling to the folder past the memory limit (a database file would be written twice)
            self.connection = duckdb.connect(":memory:")
            for statement in connect_settings(memory_limit_mb, os.path.join(self.folder, "spill")):
                self.connection.execute(statement)
            for statement in MACROS:
                self.connection.execute(statement)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.memory_limit_mb = memory_limit_mb
        self.duckdb_error = duckdb.Error
        self.options = ReadOptions()  # how the log in this session is read
        self.python_stamp = False
        self.python_stamp_lock = threading.Lock()

    def execute(self, sql: str, parameters: list | None = None):
        return self.execute_on(self.connection, sql, parameters)

    def execute_on(self, connection, sql: str, parameters: list | None = None):
        """Run a statement on the session's connection or one of its cursors, the Python timestamp reader on demand."""
        try:
            return connection.execute(sql, parameters or [])
        except self.duckdb_error as error:
            if not needs_python(error):
                raise
        # once: the statement may have been bound before another thread registered the function
        self.enable_python_stamp()
        return connection.execute(sql, parameters or [])

    def enable_python_stamp(self) -> None:
        import duckdb.func

        with self.python_stamp_lock:  # the XES workers may meet such a timestamp at once
            if self.python_stamp:
                return
            self.connection.create_function(
                "py_stamp", parse_timestamp, ["VARCHAR"], "DOUBLE", null_handling=duckdb.func.SPECIAL
            )
            self.connection.execute(stamp_macro("py_stamp(s)"))
            self.python_stamp = True

    def scalar(self, sql: str, parameters: list | None = None):
        rows = self.connection.execute(sql, parameters or []).fetchall()  # fetched to the end: the connection is free
        return rows[0][0] if rows else None

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def show_progress() -> bool:
    """Progress only for a person at a terminal: never in CI or into a pipe or file."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress_after() -> float:
    """Seconds before progress shows: 1, or JOURNEYAUDIT_PROGRESS_AFTER."""
    try:
        return max(float(os.environ.get("JOURNEYAUDIT_PROGRESS_AFTER", "1")), 0.0)
    except ValueError:
        return 1.0


class Progress:
    """`reading LOG: 1,250,000 events (410,000/s)` on stderr, redrawn at most twice a second, after a second."""

    def __init__(self, label: str, enabled: bool | None = None):
        self.label = label
        self.enabled = show_progress() if enabled is None else enabled
        self.started = time.monotonic()
        self.shown = self.started + _progress_after()  # short reads print nothing
        self.drawn = False

    def update(self, count: int, unit: str = "events") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.shown:
            return
        self.shown = now + 0.5
        rate = count / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r{self.label}: {count:,} {unit} ({rate:,.0f}/s)\x1b[K")
        sys.stderr.flush()
        self.drawn = True

    def done(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


class QueryProgress:
    """While DuckDB runs a long statement, its percentage on stderr (DuckDB's own bar writes to stdout)."""

    def __init__(self, session: Session, label: str, fraction: Callable[[], float] | None = None):
        self.session = session
        self.fraction = fraction  # the share read, when DuckDB cannot tell (it reads pipes: csv_pieces.py)
        self.progress = Progress(label)
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self):
        if self.progress.enabled:
            self.thread = threading.Thread(target=self._poll, daemon=True)
            self.thread.start()
        return self

    def _poll(self) -> None:
        while not self.stop.wait(0.5):
            try:
                percent = self.session.connection.query_progress() if self.fraction is None else 100 * self.fraction()
            except Exception:  # the statement ended between two polls
                continue
            if percent is not None and percent >= 0:
                self.progress.update(int(percent), "% read")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
        self.progress.done()
