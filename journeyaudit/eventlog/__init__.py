"""Event logs (XES, CSV): read them, measure hand-offs, discover journeys."""

from journeyaudit.eventlog.reader import (  # noqa: F401
    Case,
    Event,
    EventLog,
    EventLogError,
    ReadOptions,
    read_log,
)
