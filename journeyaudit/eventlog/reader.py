"""Read an event log (XES, plain or gzip, or CSV) into per-case event lists.

The XML is streamed, never loaded whole: the default engine drives an expat
parser with callbacks and keeps only the few attributes it needs; the `etree`
engine uses `defusedxml.ElementTree.iterparse` and clears every event and trace
once read. Both apply defusedxml's policy (a DTD may be present, entity
declarations and external references are refused) and raise defusedxml's
exceptions, so an entity-expansion attack stops the read. The expat engine
exists because defusedxml's iterparse runs the pure-Python ElementTree and is
about twice as slow on large logs (see docs/event-logs.md).

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

import csv
import difflib
import gc
import gzip
import io
import math
import os
import pyexpat
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml.common import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

DEFAULT_CASE_KEY = "case:concept:name"
DEFAULT_ACTIVITY_KEY = "concept:name"
DEFAULT_TIMESTAMP_KEY = "time:timestamp"
DEFAULT_DEPARTMENT_KEY = "org:group"
FALLBACK_DEPARTMENT_KEY = "org:resource"
LIFECYCLE_KEY = "lifecycle:transition"
CASE_PREFIX = "case:"

# XES attribute elements; anything nested inside one (list items, meta
# attributes) belongs to that attribute, not to the event or trace.
_ATTRIBUTE_TAGS = frozenset(("string", "date", "int", "float", "boolean", "id", "list", "container"))
_GZIP_MAGIC = b"\x1f\x8b"


class EventLogError(Exception):
    """Bad input: the message is one line naming the file (and line/column)."""


def _where(path: str, line: int | None = None, column: int | None = None) -> str:
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
        return os.path.basename(self.path)


# --------------------------------------------------------------------------
# opening


def _open_binary(path: str):
    """(stream of the content, decompressed when gzip; the raw file, to close)."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except FileNotFoundError:
        raise EventLogError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EventLogError(f"{path}: is a directory, not an event log") from None
    except OSError as exc:
        raise EventLogError(f"{path}: cannot open: {exc.strerror or exc}") from None
    magic = raw.read(2)
    raw.seek(0)
    if magic == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw  # GzipFile leaves fileobj open
    if path.lower().endswith(".gz"):
        raw.close()
        raise EventLogError(f"{path}: not a gzip file (the name ends in .gz but there is no gzip header)")
    return raw, raw


def _sniff_format(path: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "xes"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows exports)
        decoded = head[: len(head) // 2 * 2].decode("utf-16", "replace").lstrip(" \t\r\n")
        if decoded.startswith("<"):
            return "xes"  # expat reads UTF-16 XML itself
        raise EventLogError(f"{_where(path, 1, 1)}: the file is UTF-16 text: save it as UTF-8 (CSV logs are read as UTF-8)")
    lowered = path.lower()
    if lowered.endswith((".xes", ".xes.gz", ".xml", ".xml.gz")):
        raise EventLogError(f"{_where(path, 1, 1)}: not XML (an XES log starts with '<')")
    return "csv"


def read_log(path: str | os.PathLike, options: ReadOptions | None = None) -> EventLog:
    """Read an XES or CSV event log; raises EventLogError on bad input."""
    options = options or ReadOptions()
    path = os.fspath(path)
    stream, raw = _open_binary(path)
    # Reading creates millions of small acyclic objects: the cyclic collector
    # would scan them again and again for nothing (15% of the time on BPIC 2012).
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            head = stream.peek(64) if hasattr(stream, "peek") else b""
            if not head:
                head = stream.read(64)
                stream.seek(0)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise EventLogError(f"{path}: corrupt gzip data ({exc or 'truncated'})") from None
        if not head.strip():
            raise EventLogError(f"{path}: empty file")
        fmt = _sniff_format(path, head)
        try:
            if fmt == "xes":
                return _read_xes(path, stream, options)
            return _read_csv(path, stream, options)
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise EventLogError(f"{path}: corrupt gzip data ({exc})") from None
        except EOFError:
            raise EventLogError(f"{path}: truncated gzip data (the file ends early)") from None
    finally:
        stream.close()
        raw.close()
        if collecting:
            gc.enable()


# --------------------------------------------------------------------------
# shared assembly


class _Builder:
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
            # said first: "no event has the attribute org:group" would send the user looking for a column
            what = "a header and no rows" if self.fmt == "csv" else "no trace with an event"
            raise EventLogError(f"{self.path}: the log has no events ({what}): nothing to measure")
        department_key = self.department_key
        fallback_used = False
        if self.case_level:
            level = "case"
            if not self.case_attribute_seen:
                raise EventLogError(
                    f"{self.path}: no case has the attribute {department_key!r}"
                    + _did_you_mean(department_key, sorted(case_keys))
                )
        else:
            level = "event"
            if self.default_department and self.primary_values == 0 and self.fallback_values > 0:
                # no org:group value anywhere: the resource is the best department we have
                department_key = FALLBACK_DEPARTMENT_KEY
                fallback_used = True
                flat = iter(self._fallbacks)
                for case in self.cases:
                    for event in case.events:
                        event.department = next(flat)
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
                    f"{self.path}: no event has the attribute {tried}{hint or _did_you_mean(department_key, known, 'department')}"
                    f" (event attributes: {', '.join(known[:20]) or 'none'})"
                )
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
        if self.unnamed_cases:
            log.notes.append(
                f"{self.unnamed_cases} traces have no {self.options.case_key.removeprefix(CASE_PREFIX)}: "
                "named by their position, (trace N)"
            )
        if fallback_used:
            log.notes.append(f"no event has an {DEFAULT_DEPARTMENT_KEY} value: departments are {FALLBACK_DEPARTMENT_KEY}")
        if level == "case":
            log.notes.append(
                f"the department is the case attribute {department_key}: constant within a case, so it yields no hand-offs"
            )
            if self.case_attribute_varies:
                log.notes.append(
                    f"{self.case_attribute_varies} cases carry different {department_key.removeprefix(CASE_PREFIX)} "
                    "values on their events: the first one was used for the whole case"
                )
        return log


# words that give a column's role away when its name is not the standard one
_ROLE_WORDS = {
    "case": ("case", "ticket", "order", "id"),
    "activity": ("activ", "task", "action", "event", "step", "name"),
    "timestamp": ("time", "date", "stamp"),
    "department": ("group", "depart", "team", "unit", "queue", "resource", "role"),
}


def _did_you_mean(name: str, candidates: list[str], role: str | None = None, taken: tuple = ()) -> str:
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


# --------------------------------------------------------------------------
# XES


def _read_xes(path: str, stream, options: ReadOptions) -> EventLog:
    builder = _Builder(path, "xes", options)
    case_key = options.case_key.removeprefix(CASE_PREFIX)
    activity_key = options.activity_key
    timestamp_key = options.timestamp_key
    department_key = builder.department_key
    case_department_key = department_key.removeprefix(CASE_PREFIX) if builder.case_level else None
    if case_department_key is not None:
        # a case attribute may also be copied onto every event (helpdesk, CSV exports)
        department_key = case_department_key
    fallback_key = FALLBACK_DEPARTMENT_KEY if builder.default_department else None
    event_keys: set[str] = set()
    case_keys: set[str] = set()

    # parser state, kept in closure cells: the callbacks run once per element
    state = {"root": None}
    trace_attrs: dict | None = None
    raw_events: list | None = None
    event: dict | None = None
    depth = 0  # nesting inside an attribute element
    traces = 0

    def start(name, attrs):
        # attrs is [name, value, name, value, ...] (ordered_attributes)
        nonlocal trace_attrs, raw_events, event, depth
        if depth:  # inside an attribute: a nested value, not ours
            depth += 1
            return
        if event is not None:
            # the common case first: an event holds only attribute elements
            depth = 1
            if len(attrs) == 4 and attrs[0] == "key" and attrs[2] == "value":
                event[attrs[1]] = attrs[3]
            else:
                pairs = dict(zip(attrs[::2], attrs[1::2]))
                event[pairs.get("key")] = pairs.get("value")
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if name in _ATTRIBUTE_TAGS:
            depth = 1
            if trace_attrs is not None:
                pairs = dict(zip(attrs[::2], attrs[1::2]))
                trace_attrs[pairs.get("key")] = pairs.get("value")
        elif name == "event":
            if raw_events is not None:
                event = {}
        elif name == "trace":
            trace_attrs = {}
            raw_events = []
        elif state["root"] is None:
            if name != "log":
                raise EventLogError(f"{path}: not an XES log: the root element is <{name}>, expected <log>")
            state["root"] = name

    def end(name):
        nonlocal trace_attrs, raw_events, event, depth, traces
        if depth:
            depth -= 1
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "event":
            if event is not None:
                get = event.get
                raw_events.append(
                    (get(activity_key), get(LIFECYCLE_KEY), get(timestamp_key), get(department_key), get(fallback_key))
                )
                if traces < 100:
                    event_keys.update(event)  # enough events to name the attributes in messages
                elif department_key in event:
                    event_keys.add(department_key)
                event = None
        elif name == "trace" and raw_events is not None:
            traces += 1
            case_keys.update(trace_attrs)
            case_id = clean(trace_attrs.get(case_key))
            if case_id is None:
                builder.unnamed_cases += 1
                case_id = f"(trace {traces})"
            case_department = None
            if case_department_key is not None:
                case_department = builder.case_value(
                    trace_attrs.get(case_department_key), case_department_key in trace_attrs, raw_events
                )
            builder.add_case(case_id, raw_events, case_department)
            trace_attrs = raw_events = None

    if options.engine == "etree":
        _parse_etree(path, stream, start, end)
    else:
        _parse_expat(path, stream, start, end)
    if state["root"] is None:
        raise EventLogError(f"{path}: not an XES log: no <log> element")
    return builder.finish(event_keys=event_keys, case_keys={CASE_PREFIX + k for k in case_keys})


def _parse_expat(path: str, stream, start, end) -> None:
    parser = pyexpat.ParserCreate()
    parser.ordered_attributes = True  # a list is cheaper to build than a dict

    # the same policy as defusedxml.ElementTree.DefusedXMLParser
    def entity_decl(name, *args):
        raise EntitiesForbidden(name, None, None, None, None, None)

    def unparsed_entity_decl(name, *args):
        raise EntitiesForbidden(name, None, None, None, None, None)

    def external_ref(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity_decl
    parser.UnparsedEntityDeclHandler = unparsed_entity_decl
    parser.ExternalEntityRefHandler = external_ref
    try:
        while True:
            chunk = stream.read(1 << 20)
            parser.Parse(chunk, not chunk)
            if not chunk:
                break
    except pyexpat.ExpatError as exc:
        raise EventLogError(
            f"{_where(path, exc.lineno, exc.offset + 1)}: not well-formed XML: {pyexpat.ErrorString(exc.code)}"
        ) from None
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        raise EventLogError(
            f"{_where(path, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)}: "
            f"{_forbidden_text(exc)}"
        ) from None


def _forbidden_text(exc: Exception) -> str:
    if isinstance(exc, ExternalReferenceForbidden):
        return "refused an external entity reference (XML external entity attack?)"
    return f"refused an XML entity declaration ({getattr(exc, 'name', '?')}): entity-expansion attack?"


def _parse_etree(path: str, stream, start, end) -> None:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET

    try:
        root = None
        for kind, element in DET.iterparse(stream, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if kind == "start":
                if root is None:
                    root = element
                start(tag, [item for pair in element.attrib.items() for item in pair])
            else:
                end(tag)
                if tag == "trace":
                    # drop finished traces so memory stays flat
                    element.clear()
                    root.clear()
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        message = str(exc).split(":")[0]
        raise EventLogError(f"{_where(path, line, None if column is None else column + 1)}: not well-formed XML: {message}") from None
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        raise EventLogError(f"{path}: {_forbidden_text(exc)}") from None


# --------------------------------------------------------------------------
# CSV


def _read_csv(path: str, stream, options: ReadOptions) -> EventLog:
    builder = _Builder(path, "csv", options)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = max((",", ";", "\t"), key=first.count)
        reader = csv.reader(_chain_first(first, text), delimiter=delimiter)
        try:
            header = [column.strip() for column in next(reader)]
        except StopIteration:
            raise EventLogError(f"{path}: empty file") from None
        columns = {name: i for i, name in enumerate(header)}

        standard = (options.case_key, options.activity_key, options.timestamp_key, DEFAULT_DEPARTMENT_KEY)

        def column(key: str, flag: str, role: str) -> int:
            if key in columns:
                return columns[key]
            taken = tuple(c for c in standard if c in columns and c != key)
            raise EventLogError(
                f"{path}: no column {key!r} (pass {flag} to name it){_did_you_mean(key, header, role, taken)}"
                f" (columns: {', '.join(header)})"
            )

        case_col = column(options.case_key, "--case-key", "case")
        if options.require_activity or options.activity_key in columns:
            activity_col = column(options.activity_key, "--activity-key", "activity")
        else:
            activity_col = None
        timestamp_col = column(options.timestamp_key, "--timestamp-key", "timestamp")
        lifecycle_col = columns.get(LIFECYCLE_KEY)
        fallback_col = None
        if builder.default_department:
            department_col = columns.get(DEFAULT_DEPARTMENT_KEY)
            fallback_col = columns.get(FALLBACK_DEPARTMENT_KEY)
            if department_col is None and fallback_col is None:
                raise EventLogError(
                    f"{path}: no column {DEFAULT_DEPARTMENT_KEY!r} or {FALLBACK_DEPARTMENT_KEY!r} "
                    f"(pass --department-key to name it) (columns: {', '.join(header)})"
                )
            if department_col is None:
                department_col, fallback_col = fallback_col, None
                builder.department_key = FALLBACK_DEPARTMENT_KEY
        else:
            department_col = column(builder.department_key, "--department-key", "department")
        width = len(header)
        by_case: dict[str, list] = {}
        skipped = 0
        for row in reader:
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue  # blank line
                row = row + [""] * (width - len(row))
            case_id = clean(row[case_col])
            if case_id is None:
                skipped += 1
                continue
            events = by_case.get(case_id)
            if events is None:
                events = by_case[case_id] = []
            department = row[department_col]
            events.append(
                (
                    row[activity_col] if activity_col is not None else None,
                    row[lifecycle_col] if lifecycle_col is not None else None,
                    row[timestamp_col],
                    department,
                    row[fallback_col] if fallback_col is not None else None,
                )
            )
    except UnicodeDecodeError as exc:
        raise EventLogError(f"{path}: not UTF-8 text (byte {exc.start}): is it really a CSV event log?") from None
    except csv.Error as exc:
        raise EventLogError(f"{_where(path, reader.line_num)}: bad CSV: {exc}") from None
    finally:
        text.detach()  # read_log closes the stream itself
    for case_id, events in by_case.items():
        # a case column: the first value given in the case holds for all its events
        value = builder.case_value(None, False, events) if builder.case_level else None
        builder.add_case(case_id, events, value)
    event_keys = set(header) if not builder.case_level else set()
    event_keys.add(builder.department_key)
    log = builder.finish(event_keys=event_keys, case_keys={c for c in header if c.startswith(CASE_PREFIX)})
    log.rows_without_case = skipped
    if skipped:
        log.notes.append(f"{skipped} rows without a case id were skipped")
    return log


def _chain_first(first: str, rest):
    yield first
    yield from rest
