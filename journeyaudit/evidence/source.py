"""The cases `conform` replays, behind one small interface.

`read_cases(path, options)` gives a `LogCases`: an iterable of `LogCase`, each
an ordered list of (activity, timestamp, department) triples, plus what the
replay reports about the log. Only this module knows which event-log reader
fills it: the columnar engine by default (`duckdb`: XES, CSV and Parquet, its
cases streamed from DuckDB in order), the reference reader with `expat` or
`etree`; both give the same cases in the same order (tested on the real logs).

Order (the reader's, docs/event-logs.md): by timestamp, stable, so equal
timestamps keep log order; an event without a timestamp stays right after the
event before it in the log.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from journeyaudit.eventlog.cases import (
    DEFAULT_ACTIVITY_KEY,
    DEFAULT_CASE_KEY,
    DEFAULT_TIMESTAMP_KEY,
    EventLogError,
    ReadOptions,
)
from journeyaudit.eventlog.engines import DEFAULT_ENGINE

# (activity or None, POSIX seconds or None, department or None)
Visit = tuple[str | None, float | None, str | None]

__all__ = ["EventLogError", "LogCase", "LogCases", "LogKeys", "read_cases"]


@dataclass(frozen=True, slots=True)
class LogKeys:
    """How the log reads: the attributes (columns) of case, activity and timestamp."""

    case: str = DEFAULT_CASE_KEY
    activity: str = DEFAULT_ACTIVITY_KEY
    timestamp: str = DEFAULT_TIMESTAMP_KEY
    lifecycle: bool = False  # activity = "name (lifecycle:transition)"
    department: str | None = None  # None: the log's departments are not read (the journey's are used)


@dataclass(slots=True)
class LogCase:
    id: str
    events: list[Visit]


@dataclass
class LogCases:
    path: str
    format: str
    keys: LogKeys
    cases: list[LogCase]
    events: int
    events_missing_activity: int = 0
    events_missing_timestamp: int = 0
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[LogCase]:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)


def read_cases(path: str | os.PathLike, keys: LogKeys, engine: str = DEFAULT_ENGINE) -> LogCases:
    """Every case of the log, its events in order; raises EventLogError (file:line:column) on bad input."""
    from journeyaudit.eventlog.engines import open_log

    # Conform counts hand-offs by the journey's departments, so a log without a
    # department attribute is fine: naming the activity as the department key
    # keeps the reader from refusing one (the value is then dropped).
    department_key = keys.department or keys.activity
    options = ReadOptions(
        case_key=keys.case,
        activity_key=keys.activity,
        timestamp_key=keys.timestamp,
        department_key=department_key,
        lifecycle=keys.lifecycle,
        engine=engine,
    )
    log = open_log(path, options)
    keep_department = keys.department is not None
    cases = []
    events = 0
    try:
        for case in log.cases:  # the columnar engine's: a stream of the cases, in order
            triples = [(event.activity, event.timestamp, event.department if keep_department else None)
                       for event in case.events]
            case.events = []  # the reader's events go as their triples come: memory holds one copy
            events += len(triples)
            cases.append(LogCase(case.id, triples))
    finally:
        close = getattr(log, "close", None)  # a columnar log's temporary folder
        if close is not None:
            close()
    log.cases = []
    return LogCases(
        path=log.path,
        format=log.format,
        keys=keys,
        cases=cases,
        events=events,
        events_missing_activity=log.events_missing_activity,
        events_missing_timestamp=log.events_missing_timestamp,
        notes=list(log.notes),
    )
