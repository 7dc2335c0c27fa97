"""XES event logs (plain or gzip), streamed into a `CaseBuilder`.

The XML is streamed, never loaded whole: the default engine drives an expat
parser with callbacks and keeps only the few attributes it needs; the `etree`
engine uses `defusedxml.ElementTree.iterparse` and clears every event and trace
once read. Both apply defusedxml's policy (a DTD may be present, entity
declarations and external references are refused) and raise defusedxml's
exceptions, so an entity-expansion attack stops the read. The expat engine
exists because defusedxml's iterparse runs the pure-Python ElementTree and is
about twice as slow on large logs (see docs/event-logs.md).
"""

from __future__ import annotations

import pyexpat
from collections.abc import Callable

from defusedxml.common import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from journeyaudit.eventlog.cases import (
    CASE_PREFIX,
    FALLBACK_DEPARTMENT_KEY,
    LIFECYCLE_KEY,
    CaseBuilder,
    EventLog,
    EventLogError,
    ReadOptions,
    clean,
    where,
)

# XES attribute elements; anything nested inside one (list items, meta
# attributes) belongs to that attribute, not to the event or trace.
_ATTRIBUTE_TAGS = frozenset(("string", "date", "int", "float", "boolean", "id", "list", "container"))


def read_xes(path: str, stream, options: ReadOptions) -> EventLog:
    builder = CaseBuilder(path, "xes", options)
    event_keys, case_keys = parse_xes(path, stream, options, builder)
    return builder.finish(event_keys=event_keys, case_keys=case_keys)


def parse_xes(
    path: str, stream, options: ReadOptions, builder: CaseBuilder, on_chunk: Callable[[], None] | None = None
) -> tuple[set[str], set[str]]:
    """Stream the XES into builder.add_case, one trace at a time; return the event and case attribute names seen.

    on_chunk is called after each megabyte parsed (progress).
    """
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
                if "key" in pairs:  # an attribute without a key names nothing
                    event[pairs["key"]] = pairs.get("value")
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if name in _ATTRIBUTE_TAGS:
            depth = 1
            if trace_attrs is not None:
                pairs = dict(zip(attrs[::2], attrs[1::2]))
                if "key" in pairs:
                    trace_attrs[pairs["key"]] = pairs.get("value")
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
            if event is not None and raw_events is not None:  # an event is only opened inside a trace
                get = event.get
                raw_events.append(
                    (get(activity_key), get(LIFECYCLE_KEY), get(timestamp_key), get(department_key), get(fallback_key))
                )
                if traces < 100:
                    event_keys.update(event)  # enough events to name the attributes in messages
                elif department_key in event:
                    event_keys.add(department_key)
                event = None
        elif name == "trace" and raw_events is not None and trace_attrs is not None:
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
        _parse_etree(path, stream, start, end, options.max_value_bytes)
    else:
        _parse_expat(path, stream, start, end, options.max_value_bytes, on_chunk)
    if state["root"] is None:
        raise EventLogError(f"{path}: not an XES log: no <log> element")
    return event_keys, {CASE_PREFIX + k for k in case_keys}


def _too_long(path: str, limit: int, line: int | None = None) -> EventLogError:
    return EventLogError(
        f"{where(path, line)}: an XML element or attribute longer than {limit >> 20} MiB: "
        "pass --max-value-size MiB to read it"
    )


def _parse_expat(path: str, stream, start, end, max_value_bytes: int, on_chunk: Callable[[], None] | None) -> None:
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
        fed = 0
        while True:
            chunk = stream.read(1 << 20)
            parser.Parse(chunk, not chunk)
            if not chunk:
                break
            fed += len(chunk)
            # expat holds an unfinished token in memory: its start is the last position it reported
            if fed - max(parser.CurrentByteIndex, 0) > max_value_bytes:
                raise _too_long(path, max_value_bytes, parser.CurrentLineNumber)
            if on_chunk is not None:
                on_chunk()
    except pyexpat.ExpatError as exc:
        raise EventLogError(
            f"{where(path, exc.lineno, exc.offset + 1)}: not well-formed XML: {pyexpat.ErrorString(exc.code)}"
        ) from None
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        raise EventLogError(
            f"{where(path, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)}: "
            f"{_forbidden_text(exc)}"
        ) from None
    except (LookupError, UnicodeDecodeError) as exc:  # the XML declaration names an encoding Python lacks or misreads
        raise EventLogError(f"{where(path, parser.CurrentLineNumber)}: {_encoding_text(exc)}") from None


def _forbidden_text(exc: Exception) -> str:
    if isinstance(exc, ExternalReferenceForbidden):
        return "refused an external entity reference (XML external entity attack?)"
    return f"refused an XML entity declaration ({getattr(exc, 'name', '?')}): entity-expansion attack?"


def _encoding_text(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"the text does not match the encoding it declares ({exc.encoding}): save it as UTF-8"
    return f"the XML declaration names an encoding that does not exist ({str(exc).rpartition(': ')[2][:40]}): save it as UTF-8"


class _TokenGuard:
    """A stream that refuses to be read past `limit` bytes since the last element the parser gave back."""

    def __init__(self, path: str, stream, limit: int):
        self.path, self.stream, self.limit, self.since_element = path, stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        # iterparse asks for 16 KiB at a time, and expat scans an unfinished token again on
        # every feed: a 16 MiB attribute cost 1,000 scans of up to 16 MiB (20 s); 1 MiB feeds, 16
        data = self.stream.read(max(size, 1 << 20) if size >= 0 else size)
        self.since_element += len(data)
        if self.since_element > self.limit:
            raise _too_long(self.path, self.limit)
        return data


def _parse_etree(path: str, stream, start, end, max_value_bytes: int) -> None:
    from xml.etree.ElementTree import ParseError, TreeBuilder

    import defusedxml.ElementTree as DET

    parser = DET.DefusedXMLParser(target=TreeBuilder())  # ours, so a refusal can say where it stopped
    try:
        root = None
        guarded = _TokenGuard(path, stream, max_value_bytes)
        for kind, element in DET.iterparse(guarded, events=("start", "end"), parser=parser):
            guarded.since_element = 0
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
                    if root is not None:
                        root.clear()
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        message = str(exc).split(":")[0]
        raise EventLogError(f"{where(path, line, None if column is None else column + 1)}: not well-formed XML: {message}") from None
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        expat = parser.parser
        raise EventLogError(
            f"{where(path, expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)}: {_forbidden_text(exc)}"
        ) from None
    except (LookupError, UnicodeDecodeError) as exc:
        raise EventLogError(f"{where(path, 1)}: {_encoding_text(exc)}") from None
