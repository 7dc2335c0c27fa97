"""Events assembled into cases: `Event`, `Case`, `EventLog`, the builder.

Every format module (`xes.py`, `csv_log.py`) hands raw per-case attribute
values to `CaseBuilder`, which cleans them, orders each case's events and
decides where the department comes from.

Definitions (also in docs/event-logs.md):
- a value is missing when the attribute is absent, empty or blank, the literal
  `EMPTY`, or `NaN` (any case);
- events of a case are ordered by timestamp, stably (equal timestamps keep file
  order); an event without a usable timestamp sorts right after the event
  before it in the file;
- the department comes from an event attribute (default `org:group`, or
  `org:resource` when no event has an `org:group` value); `case:KEY` names a
  case attribute, which is constant within a case by construction.
"""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime

from journeyaudit.common.text import printable

DEFAULT_CASE_KEY = "case:concept:name"
DEFAULT_ACTIVITY_KEY = "concept:name"
DEFAULT_TIMESTAMP_KEY = "time:timestamp"
DEFAULT_DEPARTMENT_KEY = "org:group"
FALLBACK_DEPARTMENT_KEY = "org:resource"
LIFECYCLE_KEY = "lifecycle:transition"
CASE_PREFIX = "case:"
DEFAULT_MAX_DECOMPRESSED_MB = 16 * 1024
DEFAULT_MAX_VALUE_MB = 16


class EventLogError(Exception):
    """Bad input: the message is one line naming the file (and line/column)."""


def where(path: str, line: int | None = None, column: int | None = None) -> str:
    if line is None:
        return path
    if column is None:
        return f"{path}:{line}"
    return f"{path}:{line}:{column}"


def clean(value: str | None) -> str | None:
    """The value, stripped, or None when it counts as missing."""
    if value is None:
        return None
    value = value.strip()
    if not value or value == "EMPTY" or value.lower() == "nan":
        return None
    return value


def parse_timestamp(value: str | None) -> float | None:
    """POSIX seconds, or None. A timestamp without a zone is taken as UTC."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class _CleanCache(dict):
    """value -> clean(value), filled on first use; one shared string per value."""

    def __missing__(self, value):
        result = self[value] = clean(value)
        return result


_fromisoformat = datetime.fromisoformat
_UTC = UTC


def _parse_timestamp_fast(value: str | None) -> float | None:
    """parse_timestamp, inlined for the per-event loop."""
    if value is None:
        return None
    try:
        moment = _fromisoformat(value)
    except ValueError:
        return parse_timestamp(value)  # surrounding blanks, or not a timestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
    return moment.timestamp()


@dataclass(slots=True)
class Event:
    activity: str | None
    timestamp: float | None  # POSIX seconds
    department: str | None
    lifecycle: str | None = None
    name: str | None = None  # the activity without the lifecycle part


@dataclass(slots=True)
class Case:
    id: str
    events: list[Event]


@dataclass
class ReadOptions:
    case_key: str = DEFAULT_CASE_KEY
    activity_key: str = DEFAULT_ACTIVITY_KEY
    timestamp_key: str = DEFAULT_TIMESTAMP_KEY
    department_key: str | None = None  # None: org:group, else org:resource
    lifecycle: bool = False  # activity = "name (transition)"
    engine: str = "expat"  # or "etree" (defusedxml iterparse)
    require_activity: bool = True  # False: a CSV without the activity column is fine
    # caps against hostile input: a gzip bomb, one attribute or CSV line of gigabytes
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_MB << 20
    max_value_bytes: int = DEFAULT_MAX_VALUE_MB << 20


@dataclass
class EventLog:
    path: str
    format: str  # "xes" or "csv"
    cases: list[Case]
    activity_key: str
    timestamp_key: str
    case_key: str
    department_key: str
    department_level: str  # "event" or "case"
    department_fallback: bool = False  # org:resource used because no org:group
    lifecycle: bool = False
    events_missing_department: int = 0
    events_missing_activity: int = 0
    events_missing_timestamp: int = 0
    rows_without_case: int = 0  # CSV rows skipped: no case id
    notes: list[str] = field(default_factory=list)

    @property
    def n_cases(self) -> int:
        return len(self.cases)

    @property
    def n_events(self) -> int:
        return sum(len(case.events) for case in self.cases)

    @property
    def name(self) -> str:
        # escaped: written into journeys (a name that is not UTF-8 has no YAML spelling) and messages
        return printable(os.path.basename(self.path))




# --------------------------------------------------------------------------
# shared assembly


class CaseBuilder:
    """Turns raw per-case attribute values into ordered Event lists."""

    def __init__(self, path: str, fmt: str, options: ReadOptions):
        self.path = path
        self.fmt = fmt
        self.options = options
        key = options.department_key
        self.default_department = key is None
        if key is None:
            self.department_key = DEFAULT_DEPARTMENT_KEY
            self.case_level = False
        elif key.startswith(CASE_PREFIX):
            self.department_key = key
            self.case_level = True
        else:
            self.department_key = key
            self.case_level = False
        self.cases: list[Case] = []
        self.missing_timestamp = 0
        self.missing_activity = 0
        # presence of the department attribute(s), to choose and to explain
        self.primary_present = 0
        self.primary_values = 0
        self.fallback_present = 0
        self.fallback_values = 0
        self.case_attribute_seen = 0  # traces carrying the case-level key
        self.case_attribute_varies = 0  # cases whose events disagree on it
        self.unnamed_cases = 0  # XES traces without the case id attribute
        self._fallbacks: list[str | None] = []
        self._cleaned = _CleanCache()

    def case_value(self, value: str | None, present: bool, raw_events: list[tuple]) -> str | None:
        """The case-level department: the case attribute, else the first value its events carry."""
        if present:
            self.case_attribute_seen += 1
            return clean(value)
        copied = [clean(raw[3]) for raw in raw_events if raw[3] is not None]
        if copied or any(raw[3] is not None for raw in raw_events):
            self.case_attribute_seen += 1
        copied = [v for v in copied if v is not None]
        if len(set(copied)) > 1:
            self.case_attribute_varies += 1
        return copied[0] if copied else None

    def add_case(self, case_id: str, raw_events: list[tuple], case_department: str | None) -> None:
        """raw_events: (activity, lifecycle, timestamp text, department, fallback department)."""
        lifecycle_flag = self.options.lifecycle
        case_level = self.case_level
        keep_fallback = self.default_department
        cleaned = self._cleaned  # values repeat a lot: clean each distinct one once
        stamp_of = _parse_timestamp_fast
        events = []
        fallbacks = []
        order_keys = []
        last = -math.inf
        ordered = True
        missing_activity = missing_timestamp = primary = secondary = 0
        # locals, not attributes: this loop runs once per event of the log
        for name, lifecycle, stamp, department, fallback in raw_events:
            name = cleaned[name]
            lifecycle = cleaned[lifecycle]
            if name is None:
                missing_activity += 1
                activity = None
            elif lifecycle_flag and lifecycle is not None:
                activity = f"{name} ({lifecycle})"
            else:
                activity = name
            moment = stamp_of(stamp)
            if moment is None:
                missing_timestamp += 1
                key = last  # sorts right after the previous event in the file
            else:
                if moment < last:
                    ordered = False
                key = last = moment
            department = case_department if case_level else cleaned[department]
            if department is not None:
                primary += 1
            if keep_fallback:
                # kept aside until we know whether the log has any org:group value
                fallback = cleaned[fallback]
                if fallback is not None:
                    secondary += 1
                fallbacks.append(fallback)
            events.append(Event(activity, moment, department, lifecycle, name))
            order_keys.append(key)
        self.missing_activity += missing_activity
        self.missing_timestamp += missing_timestamp
        self.primary_values += primary
        self.fallback_values += secondary
        if not ordered:
            # sorted() is stable: equal timestamps keep file order
            index = sorted(range(len(events)), key=order_keys.__getitem__)
            events = [events[i] for i in index]
            if fallbacks:
                fallbacks = [fallbacks[i] for i in index]
        self._fallbacks.extend(fallbacks)
        self.cases.append(Case(case_id, events))

    def finish(self, *, event_keys: set[str], case_keys: set[str], suggest_prefix: str = "") -> EventLog:
        if not any(case.events for case in self.cases):
            raise self.no_events_error()
        department_key, level, fallback_used = self.settle_department(event_keys, case_keys)
        if fallback_used and department_key != self.department_key:
            # no org:group value anywhere: the resource is the best department we have
            flat = iter(self._fallbacks)
            for case in self.cases:
                for event in case.events:
                    event.department = next(flat)
        self._fallbacks = []
        log = EventLog(
            path=self.path,
            format=self.fmt,
            cases=self.cases,
            activity_key=self.options.activity_key,
            timestamp_key=self.options.timestamp_key,
            case_key=self.options.case_key,
            department_key=department_key,
            department_level=level,
            department_fallback=fallback_used,
            lifecycle=self.options.lifecycle,
            events_missing_activity=self.missing_activity,
            events_missing_timestamp=self.missing_timestamp,
        )
        log.events_missing_department = sum(
            1 for case in log.cases for event in case.events if event.department is None
        )
        log.notes.extend(self.notes(department_key, level, fallback_used))
        return log

    def no_events_error(self) -> EventLogError:
        # said first: "no event has the attribute org:group" would send the user looking for a column
        what = "a header and no rows" if self.fmt == "csv" else "no trace with an event"
        return EventLogError(f"{self.path}: the log has no events ({what}): nothing to measure")

    def settle_department(self, event_keys: set[str], case_keys: set[str]) -> tuple[str, str, bool]:
        """(department key, "event" or "case", resource used for want of org:group), from the counts seen."""
        department_key = self.department_key
        fallback_used = False
        if self.case_level:
            level = "case"
            if not self.case_attribute_seen:
                raise EventLogError(
                    f"{self.path}: no case has the attribute {department_key!r}"
                    + did_you_mean_column(department_key, sorted(case_keys))
                )
        else:
            level = "event"
            if self.default_department and self.primary_values == 0 and self.fallback_values > 0:
                department_key = FALLBACK_DEPARTMENT_KEY
                fallback_used = True
            elif self.default_department and department_key == FALLBACK_DEPARTMENT_KEY:
                fallback_used = True  # CSV without an org:group column
            elif department_key not in event_keys and not (
                self.default_department and FALLBACK_DEPARTMENT_KEY in event_keys
            ):
                known = sorted(k for k in event_keys if k)
                hint = ""
                bare = department_key.removeprefix(CASE_PREFIX)
                if CASE_PREFIX + bare in case_keys:
                    hint = (
                        f"; {bare!r} is a case attribute: pass --department-key "
                        f"{CASE_PREFIX}{bare} to use it (it cannot change within a case, so it yields no hand-offs)"
                    )
                tried = repr(department_key)
                if self.default_department:
                    tried = f"{DEFAULT_DEPARTMENT_KEY!r} or {FALLBACK_DEPARTMENT_KEY!r} (pass --department-key)"
                raise EventLogError(
                    f"{self.path}: no event has the attribute {tried}{hint or did_you_mean_column(department_key, known, 'department')}"
                    f" (event attributes: {', '.join(known[:20]) or 'none'})"
                )
        return department_key, level, fallback_used

    def notes(self, department_key: str, level: str, fallback_used: bool) -> list[str]:
        notes = []
        if self.unnamed_cases:
            notes.append(
                f"{self.unnamed_cases} traces have no {self.options.case_key.removeprefix(CASE_PREFIX)}: "
                "named by their position, (trace N)"
            )
        if fallback_used:
            notes.append(f"no event has an {DEFAULT_DEPARTMENT_KEY} value: departments are {FALLBACK_DEPARTMENT_KEY}")
        if level == "case":
            notes.append(
                f"the department is the case attribute {department_key}: constant within a case, so it yields no hand-offs"
            )
            if self.case_attribute_varies:
                notes.append(
                    f"{self.case_attribute_varies} cases carry different {department_key.removeprefix(CASE_PREFIX)} "
                    "values on their events: the first one was used for the whole case"
                )
        return notes


# words that give a column's role away when its name is not the standard one
_ROLE_WORDS = {
    "case": ("case", "ticket", "order", "id"),
    "activity": ("activ", "task", "action", "event", "step", "name"),
    "timestamp": ("time", "date", "stamp"),
    "department": ("group", "depart", "team", "unit", "queue", "resource", "role"),
}


def did_you_mean_column(name: str, candidates: list[str], role: str | None = None, taken: tuple = ()) -> str:
    """A close name among the candidates not already used for another role."""
    free = [c for c in candidates if c not in taken]
    matches = difflib.get_close_matches(name, free, n=1, cutoff=0.6)
    if not matches and role:
        for word in _ROLE_WORDS[role]:
            matches = [c for c in free if word in c.lower()][:1]
            if matches:
                break
    if not matches:
        bare = name.split(":")[-1].lower()
        matches = [c for c in free if c.split(":")[-1].lower() == bare][:1]
    return f"; did you mean {matches[0]!r}?" if matches else ""
