"""The columnar engine (the default): an event log as DuckDB tables, its figures computed there.

Same definitions, same output, byte for byte, as the reference reader
(reader.py + handoffs.py), which the tests hold it to; but out of core and
columnar, so memory stays flat in the number of events and a CSV or Parquet
log is scanned in parallel.

The API other stages use (handoffs, discover, conform):

    with open_columnar(path, ReadOptions(...), EngineOptions(...)) as log:
        log.n_cases, log.n_events, log.department_key, log.notes, ...
        log.handoffs(worst=10)           # -> HandoffReport, computed in SQL
        for visit in log.visits():       # -> Visit(case_id, activity, timestamp, department)
            ...
        for case in log.cases:           # -> Case(id, [Event, ...]) as the reference builds them
            ...

`visits()` yields every event as an ordered visit: cases in the reference
order (XES: trace order; CSV/Parquet: order of first row), and within a case
by timestamp, stably (ties keep file order; an event without a timestamp right
after the one before it in the file). `timestamp` is POSIX seconds or None,
`department` and `activity` are None when missing. A replay of a journey
against the log (conform) groups consecutive visits by `case_id`; it reads
them in batches, so it never holds the log in memory. `log.cases` is the same
stream as `Case` objects, for code written against the reference `EventLog`
(discover). `ColumnarLog` is an `EventLog`: its counts and notes are the same
fields.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from journeyaudit.eventlog.cases import Case, Event, EventLog, ReadOptions
from journeyaudit.eventlog.columnar_handoffs import build_case_paths, handoffs_in_one_pass, report_from_case_paths
from journeyaudit.eventlog.columnar_load import (
    Scan,
    count_department_values,
    load_scan,
    load_xes,
    scan_csv,
    scan_parquet,
)
from journeyaudit.eventlog.columnar_session import DEFAULT_MEMORY_LIMIT_MB, Session
from journeyaudit.eventlog.handoffs import HandoffReport
from journeyaudit.eventlog.reader import open_binary, read_head, sniff_format

FETCH_ROWS = 50_000


@dataclass
class EngineOptions:
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB
    temp_dir: str | None = None  # where the session's folder (database, spill files) goes; default: the system's


class Visit(NamedTuple):
    case_id: str
    activity: str | None
    timestamp: float | None
    department: str | None


class CaseStream:
    """The cases of a columnar log, read from DuckDB in order each time it is iterated."""

    def __init__(self, log: ColumnarLog):
        self.log = log

    def __len__(self) -> int:
        return self.log.case_total

    def __contains__(self, item) -> bool:
        return any(case == item for case in self)

    def __iter__(self) -> Iterator[Case]:
        _build_visits(self.log)
        cursor = self.log.session.execute(
            "SELECT c.case_no, c.case_id, v.pos, v.activity, v.ts, v.department, v.lifecycle, v.name "
            "FROM cases c LEFT JOIN visits v USING (case_no) ORDER BY c.case_no, v.pos"
        )
        current_no, current = None, None
        while rows := cursor.fetchmany(FETCH_ROWS):
            for case_no, case_id, pos, activity, ts, department, lifecycle, name in rows:
                if case_no != current_no:
                    if current is not None:
                        yield current
                    current_no, current = case_no, Case(case_id, [])
                if pos is not None and current is not None:
                    current.events.append(Event(activity, ts, department, lifecycle, name))
        if current is not None:
            yield current


class ColumnarLog(EventLog):
    """An EventLog whose cases stay in DuckDB; close() (or the with block) removes its temporary folder."""

    session: Session
    department_sql: str  # the settled department of an event `e` of the events table
    case_total: int
    event_total: int

    @property
    def n_cases(self) -> int:
        return self.case_total

    @property
    def n_events(self) -> int:
        return self.event_total

    def __enter__(self) -> ColumnarLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def visits(self) -> Iterator[Visit]:
        _build_visits(self)
        cursor = self.session.execute(
            "SELECT c.case_id, v.activity, v.ts, v.department FROM visits v JOIN cases c USING (case_no) "
            "ORDER BY v.case_no, v.pos"
        )
        while rows := cursor.fetchmany(FETCH_ROWS):
            for row in rows:
                yield Visit(*row)

    def handoffs(self, worst: int = 10) -> HandoffReport:
        return measure_handoffs_columnar(self, worst)


def open_columnar(path: str | os.PathLike, options: ReadOptions | None = None, engine: EngineOptions | None = None) -> ColumnarLog:
    """Read a log (XES, CSV or Parquet, plain or gzip) into a session; raises EventLogError on bad input."""
    return _with_session(path, options, engine, _load, close=False)


def columnar_handoffs(path: str | os.PathLike, options: ReadOptions | None = None, engine: EngineOptions | None = None,
                      worst: int = 10) -> HandoffReport:
    """The hand-off report: CSV and Parquet in one pass over the scan (nothing loaded); XES loaded, then one pass."""

    def measure(session: Session, path: str, fmt: str, stream, raw) -> HandoffReport:
        if fmt == "xes":
            return measure_handoffs_columnar(_load(session, path, fmt, stream, raw), worst)
        return handoffs_in_one_pass(session, _scan(session, path, fmt, stream, raw), worst)

    return _with_session(path, options, engine, measure, close=True)


def _with_session(path, options, engine, use, close: bool):
    options = options or ReadOptions()
    engine = engine or EngineOptions()
    path = os.fspath(path)
    stream, raw = open_binary(path, options.max_decompressed_bytes)
    session = None
    try:
        fmt = sniff_format(path, read_head(path, stream))
        session = Session(engine.memory_limit_mb, engine.temp_dir)
        session.options = options
        return use(session, path, fmt, stream, raw)
    except BaseException:
        if session is not None and not close:
            session.close()
        raise
    finally:
        if session is not None and close:
            session.close()
        stream.close()
        raw.close()


def _scan(session: Session, path: str, fmt: str, stream, raw) -> Scan:
    if fmt == "parquet":
        return scan_parquet(session, path, session.options)
    return scan_csv(session, path, stream, session.options, compressed=stream is not raw)


def _load(session: Session, path: str, fmt: str, stream, raw) -> ColumnarLog:
    if fmt == "xes":
        loaded = load_xes(session, path, stream, session.options)
    else:
        loaded = load_scan(session, _scan(session, path, fmt, stream, raw))
    return _settle(session, path, fmt, loaded, session.options)


def _settle(session: Session, path: str, fmt: str, loaded, options: ReadOptions) -> ColumnarLog:
    builder = loaded.builder
    event_total, named = session.execute("SELECT count(*), count(name) FROM events").fetchone()
    if not event_total:
        raise builder.no_events_error()
    count_department_values(session, builder, tabular=fmt != "xes")
    department_key, level, fallback_used = builder.settle_department(loaded.event_keys, loaded.case_keys)
    if level == "case":
        department = "(SELECT case_department FROM cases WHERE cases.case_no = e.case_no)"
    elif fallback_used and department_key != builder.department_key:
        department = "e.fallback"  # no org:group value anywhere: the resource is the best department we have
    else:
        department = "e.department"
    missing_timestamps, missing_department = session.execute(
        f"SELECT count(*) - count(ts), count(*) - count({department}) FROM events e"
    ).fetchone()
    log = ColumnarLog(
        path=path,
        format=fmt,
        cases=[],
        activity_key=options.activity_key,
        timestamp_key=options.timestamp_key,
        case_key=options.case_key,
        department_key=department_key,
        department_level=level,
        department_fallback=fallback_used,
        lifecycle=options.lifecycle,
        events_missing_department=missing_department,
        events_missing_activity=event_total - named,
        events_missing_timestamp=missing_timestamps,
        rows_without_case=loaded.rows_without_case,
        notes=builder.notes(department_key, level, fallback_used),
    )
    log.session, log.case_total, log.event_total = session, session.scalar("SELECT count(*) FROM cases"), event_total
    log.department_sql = department
    log.cases = CaseStream(log)  # type: ignore[assignment]  # a stream, not a list: the cases stay in DuckDB
    if loaded.rows_without_case:
        log.notes.append(f"{loaded.rows_without_case} rows without a case id were skipped")
    return log


def _build_visits(log: ColumnarLog) -> None:
    """visits: every event with its position in the case's order (for discover and replays, not hand-offs)."""
    options = log.session.options
    order_key = "ts"
    if log.events_missing_timestamp:
        # an event without a timestamp sorts right after the event before it in the file
        order_key = (
            "coalesce(last_value(ts IGNORE NULLS) OVER (PARTITION BY case_no ORDER BY seq "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), '-infinity'::DOUBLE)"
        )
    activity = "name"
    if options.lifecycle:
        activity = "CASE WHEN lifecycle IS NOT NULL AND name IS NOT NULL THEN name || ' (' || lifecycle || ')' ELSE name END"
    log.session.execute(
        f"CREATE TABLE IF NOT EXISTS visits AS SELECT case_no, row_number() OVER (PARTITION BY case_no ORDER BY order_key, seq) "
        f"AS pos, activity, name, lifecycle, ts, department FROM (SELECT e.case_no, e.seq, {activity} AS activity, e.name, "
        f"e.lifecycle, e.ts, {log.department_sql} AS department, {order_key} AS order_key FROM events e)"
    )


def _base(log: EventLog, cases: int, events: int) -> dict:
    """The report's fields that come from the log, not from the hand-offs."""
    return {
        "log": log.path, "format": log.format, "department_key": log.department_key,
        "department_level": log.department_level, "department_fallback": log.department_fallback,
        "cases": cases, "events": events, "events_missing_department": log.events_missing_department,
        "events_missing_timestamp": log.events_missing_timestamp, "notes": list(log.notes),
    }


def measure_handoffs_columnar(log: ColumnarLog, worst: int = 10) -> HandoffReport:
    """handoffs.measure_handoffs, as one pass over the loaded events (same definitions, same report)."""
    session = log.session
    build_case_paths(session, f"SELECT e.case_no AS key, e.seq, e.ts, {log.department_sql} AS d FROM events e")
    cases = "SELECT case_no AS key, case_id, case_no AS first FROM cases"
    return report_from_case_paths(session, cases, _base(log, log.n_cases, log.n_events), worst)
