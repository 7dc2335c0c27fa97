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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from journeyaudit.eventlog.cases import Case, Event, EventLog, ReadOptions
from journeyaudit.eventlog.columnar_load import count_department_values, load_csv, load_parquet, load_xes
from journeyaudit.eventlog.columnar_session import DEFAULT_MEMORY_LIMIT_MB, Session
from journeyaudit.eventlog.handoffs import CaseHandoffs, HandoffReport
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
    options = options or ReadOptions()
    engine = engine or EngineOptions()
    path = os.fspath(path)
    stream, raw = open_binary(path, options.max_decompressed_bytes)
    session = None
    try:
        fmt = sniff_format(path, read_head(path, stream))
        session = Session(engine.memory_limit_mb, engine.temp_dir)
        if fmt == "xes":
            loaded = load_xes(session, path, stream, options)
        elif fmt == "parquet":
            loaded = load_parquet(session, path, options)
        else:
            loaded = load_csv(session, path, stream, options, compressed=stream is not raw)
        return _settle(session, path, fmt, loaded, options)
    except BaseException:
        if session is not None:
            session.close()
        raise
    finally:
        stream.close()
        raw.close()


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
    missing_timestamps = session.scalar("SELECT count(*) - count(ts) FROM events")
    order_key = "ts"
    if missing_timestamps:
        # an event without a timestamp sorts right after the event before it in the file
        order_key = (
            "coalesce(last_value(ts IGNORE NULLS) OVER (PARTITION BY case_no ORDER BY seq "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), '-infinity'::DOUBLE)"
        )
    activity = "name"
    if options.lifecycle:
        activity = "CASE WHEN lifecycle IS NOT NULL AND name IS NOT NULL THEN name || ' (' || lifecycle || ')' ELSE name END"
    session.execute(
        f"CREATE TABLE visits AS SELECT case_no, row_number() OVER (PARTITION BY case_no ORDER BY order_key, seq) AS pos, "
        f"activity, name, lifecycle, ts, department FROM (SELECT e.case_no, e.seq, {activity} AS activity, e.name, "
        f"e.lifecycle, e.ts, {department} AS department, {order_key} AS order_key FROM events e)"
    )
    case_total = session.scalar("SELECT count(*) FROM cases")
    missing_department = session.scalar("SELECT count(*) - count(department) FROM visits")
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
    log.session, log.case_total, log.event_total = session, case_total, event_total
    log.cases = CaseStream(log)  # type: ignore[assignment]  # a stream, not a list: the cases stay in DuckDB
    if loaded.rows_without_case:
        log.notes.append(f"{loaded.rows_without_case} rows without a case id were skipped")
    return log


def measure_handoffs_columnar(log: ColumnarLog, worst: int = 10) -> HandoffReport:
    """handoffs.measure_handoffs, as SQL over the visits (same definitions, same report)."""
    session = log.session
    # the collapsed department sequence of each case: events without a department left out, repeats merged
    session.execute(
        "CREATE OR REPLACE TEMP TABLE path AS SELECT case_no, pos, department FROM ("
        "SELECT case_no, pos, department, lag(department) OVER (PARTITION BY case_no ORDER BY pos) AS previous "
        "FROM visits WHERE department IS NOT NULL) WHERE previous IS NULL OR previous <> department"
    )
    session.execute(
        "CREATE OR REPLACE TEMP TABLE steps AS SELECT case_no, department, lag(department) OVER w AS previous, "
        "lag(department, 2) OVER w AS before FROM path WINDOW w AS (PARTITION BY case_no ORDER BY pos)"
    )
    matrix = Counter(
        {
            (a, b): count
            for a, b, count in session.execute(
                "SELECT previous, department, count(*) FROM steps WHERE previous IS NOT NULL GROUP BY ALL"
            ).fetchall()
        }
    )
    session.execute(
        "CREATE OR REPLACE TEMP TABLE per_case AS SELECT case_no, count(*) - 1 AS handoffs, "
        "coalesce(bool_or(before = department), false) AS ping_pong FROM steps GROUP BY case_no"
    )
    with_department, with_handoff, ping_pong = session.execute(
        "SELECT count(*), count(*) FILTER (WHERE handoffs > 0), count(*) FILTER (WHERE ping_pong) FROM per_case"
    ).fetchone()
    department_events = Counter(
        dict(session.execute("SELECT department, count(*) FROM visits WHERE department IS NOT NULL GROUP BY ALL").fetchall())
    )
    ranked = session.execute(
        "SELECT p.case_no, c.case_id, p.handoffs, p.ping_pong, "
        "(SELECT count(*) FROM visits v WHERE v.case_no = p.case_no), "
        "(SELECT list(department ORDER BY pos) FROM path WHERE path.case_no = p.case_no) "
        "FROM per_case p JOIN cases c USING (case_no) WHERE p.handoffs > 0 ORDER BY p.handoffs DESC, p.case_no LIMIT ?",
        [worst],
    ).fetchall()
    return HandoffReport(
        log=log.path,
        format=log.format,
        department_key=log.department_key,
        department_level=log.department_level,
        department_fallback=log.department_fallback,
        cases=log.n_cases,
        events=log.n_events,
        handoffs=sum(matrix.values()),
        cases_with_handoff=with_handoff,
        cases_with_ping_pong=ping_pong,
        cases_without_department=log.n_cases - with_department,
        events_missing_department=log.events_missing_department,
        events_missing_timestamp=log.events_missing_timestamp,
        matrix=matrix,
        departments=sorted(department_events, key=lambda d: (-department_events[d], d)),
        department_events=department_events,
        worst=[CaseHandoffs(case_id, handoffs, events, pong, list(path)) for _, case_id, handoffs, pong, events, path in ranked],
        notes=list(log.notes),
    )
