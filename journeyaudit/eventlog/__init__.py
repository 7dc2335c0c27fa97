"""Event logs (XES, CSV): read them, measure hand-offs, discover journeys."""

from journeyaudit.eventlog.cases import (  # noqa: F401
    Case,
    Event,
    EventLog,
    EventLogError,
    ReadOptions,
)
from journeyaudit.eventlog.reader import read_log  # noqa: F401
