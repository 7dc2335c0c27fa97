"""Event logs into two DuckDB tables, cleaned as the reference reader cleans them.

- `cases(case_no, case_id, case_department)`: one row per case; `case_no`
  orders the cases as the reference reader lists them (XES: trace order; CSV
  and Parquet: by first row); `case_department` is set only for a `case:KEY`
  department;
- `events(case_no, seq, name, lifecycle, ts, department, fallback)`: one row
  per event, `seq` its position in the file, values through `clean()`, `ts` in
  POSIX seconds through `stamp()` (columnar_session.py).

CSV and Parquet are scanned by DuckDB itself (in parallel, out of core); XES is
streamed by the same expat callbacks as the reference reader (xes.py), which
fill column batches instead of Event objects.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable

from journeyaudit.eventlog.cases import (
    CASE_PREFIX,
    CaseBuilder,
    EventLogError,
    ReadOptions,
    where,
)
from journeyaudit.eventlog.columnar_session import Progress, QueryProgress, Session, out_of_memory
from journeyaudit.eventlog.csv_log import choose_columns, read_header
from journeyaudit.eventlog.csv_pieces import has_quote
from journeyaudit.eventlog.reader import gzip_errors, open_binary
from journeyaudit.eventlog.xes import parse_xes
from journeyaudit.eventlog.xes_scan import NotRecognised, XesScan

CASES_TABLE = "CREATE TABLE cases (case_no BIGINT, case_id VARCHAR, case_department VARCHAR)"
EVENTS_TABLE = (
    "CREATE TABLE events (case_no BIGINT, seq BIGINT, name VARCHAR, lifecycle VARCHAR, ts DOUBLE, "
    "department VARCHAR, fallback VARCHAR)"
)
BATCH_EVENTS = 200_000


class Loaded:
    """What the load saw, for the department settlement and the notes."""

    def __init__(self, builder: CaseBuilder, event_keys: set[str], case_keys: set[str], rows_without_case: int = 0):
        self.builder = builder
        self.event_keys = event_keys
        self.case_keys = case_keys
        self.rows_without_case = rows_without_case


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------
# XES: expat callbacks fill column batches


class ColumnSink(CaseBuilder):
    """A CaseBuilder that appends raw values to column batches and inserts them into DuckDB."""

    def __init__(self, path: str, options: ReadOptions, session: Session):
        super().__init__(path, "xes", options)
        self.session = session
        self.case_count = 0
        self.event_count = 0
        self._cases: tuple[list, list, list] = ([], [], [])
        self._events: tuple[list, ...] = ([], [], [], [], [], [], [])

    def add_case(self, case_id: str, raw_events: list[tuple], case_department: str | None) -> None:
        case_no = self.case_count
        self.case_count += 1
        numbers, ids, departments = self._cases
        numbers.append(case_no)
        ids.append(case_id)
        departments.append(case_department)
        if raw_events:
            count = len(raw_events)
            case_column, seq, *values = self._events
            case_column.extend([case_no] * count)
            seq.extend(range(self.event_count, self.event_count + count))
            for column, items in zip(values, zip(*raw_events)):
                column.extend(items)
            self.event_count += count
        if len(self._events[0]) >= BATCH_EVENTS:
            self.flush()

    def flush(self) -> None:
        import numpy as np  # here: only the expat fallback needs it, and its import took a tenth of an XES read

        numbers, ids, departments = self._cases
        if numbers:
            batch = {"case_no": np.array(numbers, dtype=np.int64), "case_id": _strings(ids), "dep": _strings(departments)}
            self.session.connection.register("case_batch", batch)
            self.session.execute("INSERT INTO cases SELECT case_no, case_id, dep FROM case_batch")
            self.session.connection.unregister("case_batch")
        case_column, seq, name, lifecycle, stamp, department, fallback = self._events
        if case_column:
            batch = {
                "case_no": np.array(case_column, dtype=np.int64),
                "seq": np.array(seq, dtype=np.int64),
                "name": _strings(name),
                "lifecycle": _strings(lifecycle),
                "stamp": _strings(stamp),
                "department": _strings(department),
                "fallback": _strings(fallback),
            }
            self.session.connection.register("event_batch", batch)
            self.session.execute(
                "INSERT INTO events SELECT case_no, seq, clean(name), clean(lifecycle), stamp(stamp), "
                "clean(department), clean(fallback) FROM event_batch"
            )
            self.session.connection.unregister("event_batch")
        self._cases = ([], [], [])
        self._events = ([], [], [], [], [], [], [])


def _strings(values: list):
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def load_xes(session: Session, path: str, stream, options: ReadOptions) -> Loaded:
    """The scanner (xes_scan.py) when it recognises the log's layout, else the expat callbacks, from the start."""
    progress = Progress(f"reading {os.path.basename(path)}")
    try:
        with gzip_errors(path):
            try:
                session.execute(CASES_TABLE)
                session.execute(EVENTS_TABLE)
                builder = CaseBuilder(path, "xes", options)
                event_keys, case_keys = XesScan(session, path, options, builder, progress.update).run(stream)
                return Loaded(builder, event_keys, case_keys)
            except NotRecognised:
                session.execute("DROP TABLE cases")
                session.execute("DROP TABLE events")
            again, raw = open_binary(path, options.max_decompressed_bytes)
            try:
                return _load_xes_by_callbacks(session, path, again, options, progress)
            finally:
                again.close()
                raw.close()
    finally:
        progress.done()


def _load_xes_by_callbacks(session: Session, path: str, stream, options: ReadOptions, progress: Progress) -> Loaded:
    session.execute(CASES_TABLE)
    session.execute(EVENTS_TABLE)
    sink = ColumnSink(path, options, session)
    event_keys, case_keys = parse_xes(path, stream, options, sink, lambda: progress.update(sink.event_count))
    sink.flush()
    return Loaded(sink, event_keys, case_keys)


# --------------------------------------------------------------------------
# CSV and Parquet: DuckDB scans the file


def _scanned_name(session: Session, path: str, name: str) -> str:
    """What DuckDB is told to read: a link of our own to the file. DuckDB expands `*`, `?` and
    `[...]` in a path (`export*.csv` read every export) and takes only UTF-8 names."""
    link = os.path.join(session.folder, name)
    try:
        os.symlink(os.path.abspath(path), link)
    except OSError:  # no links here (some Windows set-ups): the name as given
        return path
    return link


def _plain_copy(session: Session, path: str, stream) -> str:
    """A gzip CSV decompressed into the session's folder (the cap applies), for DuckDB's parallel scan."""
    target = os.path.join(session.folder, "log.csv")
    try:
        with gzip_errors(path), open(target, "wb") as out:  # a gzip error is not the copy's OSError
            shutil.copyfileobj(stream, out, 1 << 20)
    except OSError as exc:
        raise EventLogError(f"cannot write the temporary copy of {path} in {session.folder}: {exc.strerror}") from None
    return target


class Scan:
    """A CSV or Parquet log as a DuckDB scan: the cleaned column of each role, before anything is loaded.

    `scan` reads the whole file; `scan_of(source, header)` reads another file (a piece of it, csv_pieces.py)
    with the same options; `source` is what `scan` reads (a plain file: the link, or the gzip's copy).
    """

    def __init__(self, path: str, fmt: str, builder: CaseBuilder, scan_of: Callable[[str, bool], str], source: str,
                 picked: dict[str, str], typed_time: bool, header: list[str], failure: str):
        self.path, self.fmt, self.builder, self.scan_of, self.source = path, fmt, builder, scan_of, source
        self.scan = scan_of(source, True)
        self.picked, self.typed_time, self.header, self.failure = picked, typed_time, header, failure
        self.row_number = "row_number() OVER ()"  # a row's position in the file, from 1
        self.quoted = False  # a CSV with a quote character somewhere

    def column(self, role: str) -> str:
        """The role's value as the reference reads it: text through clean(), a timestamp through stamp()."""
        if role == "ts":
            return self.picked["stamp"] if self.typed_time else f"stamp({self.picked['stamp']})"
        return f"clean({self.picked[role]})"

    def keys(self) -> tuple[set[str], set[str]]:
        """(event keys, case keys) the department settlement and its messages need."""
        event_keys = set(self.header) if not self.builder.case_level else set()
        event_keys.add(self.builder.department_key)
        return event_keys, {c for c in self.header if c.startswith(CASE_PREFIX)}


def scan_csv(session: Session, path: str, stream, options: ReadOptions, compressed: bool) -> Scan:
    builder = CaseBuilder(path, "csv", options)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        delimiter, header, _ = read_header(path, text, options.max_value_bytes)
    except UnicodeDecodeError as exc:  # in the header: its line within the block being decoded
        line = exc.object[: exc.start].count(b"\n") + 1
        raise EventLogError(
            f"{where(path, line)}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}): is it really a CSV event log?"
        ) from None
    finally:
        text.detach()
    chosen = choose_columns(path, delimiter, header, options, builder)
    source = _scanned_name(session, path, "input.csv")
    if compressed:
        again, raw = open_binary(path, options.max_decompressed_bytes)  # from the start: the header was read
        try:
            source = _plain_copy(session, path, again)
        finally:
            again.close()
            raw.close()
    # every column as text, by position: the header was read above, as the reference reader reads it
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    # DuckDB's parallel scanner refuses a quoted line break with null_padding: a file with quotes is read on one
    # thread (the pass numbers its rows on one thread anyway)
    quoted = has_quote(source)
    parallel = "false" if quoted else "true"

    def scan_of(file: str, with_header: bool) -> str:
        return (
            f"read_csv({_literal(file)}, delim = {_literal(delimiter)}, quote = '\"', escape = '\"', "
            f"header = {'true' if with_header else 'false'}, "
            f"auto_detect = false, columns = {{{columns}}}, null_padding = true, strict_mode = false, "
            # the scan buffer must hold a whole line, but no more: DuckDB's default is 16 lines' worth
            f"max_line_size = {int(options.max_value_bytes)}, buffer_size = {int(options.max_value_bytes) + (1 << 20)}, "
            f"encoding = 'utf-8', parallel = {parallel})"
        )

    def cell(index: int | None) -> str:
        return "NULL" if index is None else f"c{index}"

    picked = {
        "case_raw": cell(chosen.case),
        "name": cell(chosen.activity),
        "lifecycle": cell(chosen.lifecycle),
        "stamp": cell(chosen.timestamp),
        "department": cell(chosen.department),
        "fallback": cell(chosen.fallback),
    }
    found = Scan(path, "csv", builder, scan_of, source, picked, False, header, "bad CSV")
    found.quoted = quoted
    return found


def scan_parquet(session: Session, path: str, options: ReadOptions) -> Scan:
    builder = CaseBuilder(path, "parquet", options)
    source = _scanned_name(session, path, "input.parquet")
    scan = f"read_parquet({_literal(source)})"
    try:
        schema = session.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except session.duckdb_error as exc:
        raise EventLogError(f"{path}: not a readable Parquet file: {str(exc).splitlines()[0]}") from None
    types = {name: kind for name, kind, *_ in schema}
    header = list(types)
    chosen = choose_columns(path, ",", header, options, builder)

    def cell(index: int | None) -> str:
        return "NULL" if index is None else f"CAST({_quote(header[index])} AS VARCHAR)"

    timestamp = header[chosen.timestamp]
    typed_time = types[timestamp].startswith("TIMESTAMP")
    picked = {
        "case_raw": cell(chosen.case),
        "name": cell(chosen.activity),
        "lifecycle": cell(chosen.lifecycle),
        # a TIMESTAMP column without a zone is UTC, as a zone-less text timestamp
        "stamp": f"epoch_us(CAST({_quote(timestamp)} AS TIMESTAMP)) / 1000000.0" if typed_time else cell(chosen.timestamp),
        "department": cell(chosen.department),
        "fallback": cell(chosen.fallback),
    }
    numbered = "file_row_number" not in {name.lower() for name in types}  # else the log's own column (any case)

    def scan_of(file: str, with_header: bool) -> str:
        # Parquet numbers its rows itself, in parallel (a CSV scan's row_number() runs on one thread)
        return f"read_parquet({_literal(file)}{', file_row_number = true' if numbered else ''})"

    found = Scan(path, "parquet", builder, scan_of, source, picked, typed_time, header, "cannot read the Parquet file")
    if numbered:
        found.row_number = "file_row_number + 1"
    return found


def scan_error(session: Session, scan: Scan, exc: Exception) -> EventLogError:
    """DuckDB's refusal of a scan as the reference reader words it, where it can tell."""
    text = str(exc)
    if out_of_memory(exc):
        return EventLogError(
            f"{scan.path}: out of memory within --memory-limit {session.memory_limit_mb} MiB: raise it (a CSV scan "
            f"buffer alone holds a line of up to --max-value-size, {session.options.max_value_bytes >> 20} MiB)"
        )
    line = re.search(r"CSV Error on Line: ([0-9]+)", text)
    if line and "Invalid unicode" in text:
        number = int(line.group(1))
        byte = _first_bad_byte(scan.source, number)
        detail = f" (byte 0x{byte:02x})" if byte is not None else ""
        return EventLogError(f"{where(scan.path, number)}: not UTF-8 text{detail}: is it really a CSV event log?")
    return EventLogError(f"{scan.path}: {scan.failure}: {text.splitlines()[0]}")


def _first_bad_byte(path: str, number: int) -> int | None:
    """The first byte of line `number` that is not UTF-8 (an error's detail: the file is read up to that line)."""
    try:
        with open(path, "rb") as handle:
            for count, line in enumerate(handle, start=1):
                if count == number:
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError as error:
                        return line[error.start]
                    return None
    except OSError:
        return None
    return None


def load_scan(session: Session, scan: Scan) -> Loaded:
    try:
        _load_rows(session, scan)
    except session.duckdb_error as exc:
        raise scan_error(session, scan, exc) from None
    loaded = Loaded(scan.builder, *scan.keys())
    loaded.rows_without_case = session.scalar("SELECT count(*) FROM rows WHERE case_id IS NULL")
    return loaded


def _load_rows(session: Session, scan: Scan) -> None:
    """rows (the file, cleaned, in file order) -> cases and events; one row per event, as the reference groups them."""
    with QueryProgress(session, f"reading {os.path.basename(scan.path)}"):
        session.execute(
            f"CREATE TABLE rows AS SELECT {scan.column('case_raw')} AS case_id, {scan.column('name')} AS name, "
            f"{scan.column('lifecycle')} AS lifecycle, {scan.column('ts')} AS ts, "
            f"{scan.column('department')} AS department, {scan.column('fallback')} AS fallback FROM {scan.scan}"
        )
    # a case is numbered by its first row: the reference lists cases in that order
    session.execute(
        "CREATE TABLE cases AS SELECT min(rowid) AS case_no, case_id, "
        + ("first(department ORDER BY rowid) FILTER (WHERE department IS NOT NULL)" if scan.builder.case_level else "NULL")
        + " AS case_department, count(DISTINCT department) AS department_values FROM rows "
        "WHERE case_id IS NOT NULL GROUP BY case_id"
    )
    session.execute(
        "CREATE TABLE events AS SELECT cases.case_no, rows.rowid AS seq, name, lifecycle, ts, department, fallback "
        "FROM rows JOIN cases USING (case_id)"
    )


def count_department_values(session: Session, builder: CaseBuilder, tabular: bool) -> None:
    """The counts CaseBuilder.add_case keeps, taken from the tables, so settle_department decides the same."""
    builder.primary_values, builder.fallback_values = session.execute(
        "SELECT count(department), count(fallback) FROM events"
    ).fetchone()
    if builder.case_level and tabular:
        # a CSV or Parquet case column: the first value of the case holds for all its events
        builder.case_attribute_seen, builder.case_attribute_varies = session.execute(
            "SELECT count(*), count(*) FILTER (WHERE department_values > 1) FROM cases"
        ).fetchone()

