"""XES at C speed for the columnar engine: a scanner that recognises the layout XES writers use, else says so.

Python's expat callbacks (one call per XML element, ~800,000 per BPIC 2013
log) were the floor of reading XES. This scanner makes no call per element:

- the head of the document (XML declaration, comments, the `<log>` start tag,
  extensions, globals, classifiers: everything before the first `<trace>`) is
  parsed by expat itself, with the reference's entity policy; a DOCTYPE, an
  encoding other than UTF-8, a root other than `log` or a `<trace>` that is
  not a child of the root is not recognised;
- the traces are cut into segments of whole traces and each segment must
  match, in full, a regular expression of the layout written by OpenXES, ProM
  and pm4py: `<trace>`, its attributes, its `<event>`s, each holding only
  self-closing `<string|date|int|float|boolean|id key="…" value="…"/>`
  elements, whitespace between tags. Every character is an XML character;
  values hold no markup; `&…;` references are the five predefined entities
  or character references to XML characters; tabs and line breaks in values
  are normalised to spaces, as expat normalises attribute values. What
  matches is well-formed XML whose expat reading is known exactly;
- DuckDB then takes the segments apart (`string_split` on `<trace>`,
  `<event>` and `"`: list functions in C++, in parallel) straight into the
  `cases` and `events` tables the expat reader would have filled;
- the tail (`</log>`, comments) is parsed by expat again.

Anything else (comments or CDATA inside traces, nested or list attributes,
other attributes, single quotes, a value longer than the cap allows, a
truncated or corrupt file, a gzip bomb...) raises `NotRecognised`, and the
caller reads the log again with the expat reader: the scanner never decides an
error or an edge case itself, so the two readers cannot disagree. Caps: the
same 1 MiB reads as the expat reader (same gzip and size errors at the same
place); a value of more than a sixteenth of `--max-value-size` characters, a
head or tail of more than half of it, is not recognised (the expat reader then
decides whether it is too long).
"""

from __future__ import annotations

import functools
import pyexpat
import re
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from queue import SimpleQueue

from journeyaudit.eventlog.cases import CASE_PREFIX, FALLBACK_DEPARTMENT_KEY, LIFECYCLE_KEY, CaseBuilder, ReadOptions
from journeyaudit.eventlog.columnar_session import Session

READ_BYTES = 1 << 20  # as the expat reader reads: the same bytes seen before any read error
SEGMENT_BYTES = 4 << 20  # whole traces handed to DuckDB at a time
MAX_PENDING_BYTES = 256 << 20  # one trace larger than this: left to the expat reader, which streams
WORKERS = 2  # DuckDB cursors taking segments apart side by side (each statement of one runs on one thread)
IN_FLIGHT = WORKERS + 1  # segments handed to DuckDB and not yet inserted (memory: a few segments)
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_TRACE = b"<trace>"
_TRACE_END = b"</trace>"
# a trace or event element in the head (with a prefix, attributes or self-closing): the expat reader's business
_TRACE_OR_EVENT_TAG = re.compile(rb"<(?:[^\s/>!?]*:)?(?:trace|event)[\s/>]")
# characters XML 1.0 allows, less markup and what a value must not hold as written
_XML_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_ATTRIBUTE_TAGS = "(?:string|date|int|float|boolean|id)"
_SPACE = "[ \t\r\n]{0,4096}+"
_SPACES = "[ \t\r\n]{1,4096}+"


class NotRecognised(Exception):
    """The scanner does not know this document's layout: read it with the expat reader."""


def _segment_pattern(value: str) -> re.Pattern:
    attribute = (
        f"<{_ATTRIBUTE_TAGS}{_SPACES}key{_SPACE}={_SPACE}\"{value}\"{_SPACES}value{_SPACE}={_SPACE}\"{value}\"{_SPACE}/>"
    )
    event = f"<event>(?:{_SPACE}{attribute})*+{_SPACE}</event>"
    trace = f"<trace>(?:{_SPACE}{attribute})*+(?:{_SPACE}{event})*+{_SPACE}</trace>"
    return re.compile(f"(?:{_SPACE}{trace})++")


@functools.lru_cache(maxsize=4)
def _patterns(limit: int) -> tuple[re.Pattern, re.Pattern]:
    """(plain: values as written, referenced: values with entity or character references, tabs or line breaks)."""
    plain = _segment_pattern(f'[^"<&\t\n\r{_XML_FORBIDDEN}]{{0,{limit}}}+')
    reference = "&(?:lt|gt|amp|quot|apos|#[0-9]{1,8}|#x[0-9a-fA-F]{1,8});"
    referenced = _segment_pattern(f'(?:[^"<&{_XML_FORBIDDEN}]|{reference}){{0,{limit}}}+')
    return plain, referenced


_CHARACTER_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _is_xml_character(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def xml_attribute_value(text: str | None) -> str | None:
    """An attribute value as written, as expat gives it: line ends and whitespace normalised, references replaced."""
    if text is None:
        return None
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name[0] != "#":
            return _NAMED[name]
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))

    return _ENTITY.sub(replace, text)


class XesScan:
    """One scan of one XES log into the session's `cases` and `events` tables (created by the caller).

    The main thread reads, cuts and checks the segments; DuckDB cursors in worker threads take them apart
    (DuckDB runs without the GIL), so they overlap. Each segment's rows carry their own case and file
    numbers, so the order in which the workers insert them does not matter.
    """

    def __init__(self, session: Session, path: str, options: ReadOptions, builder: CaseBuilder,
                 on_batch: Callable[[int], None] | None = None):
        self.session, self.path, self.options, self.builder, self.on_batch = session, path, options, builder, on_batch
        cap = options.max_value_bytes
        self.plain, self.referenced = _patterns(max(cap // 16, 1))
        self.part_cap = cap // 2
        self.traces = 0
        self.events = 0
        self.root = b"log"
        self.event_keys: set[str] = set()
        self.case_keys: set[str] = set()
        self.department_key = builder.department_key
        self.case_department_key = None
        if builder.case_level:
            # a case attribute may also be copied onto every event (helpdesk, CSV exports)
            self.department_key = self.case_department_key = builder.department_key.removeprefix(CASE_PREFIX)
        self.keys = {
            "case": options.case_key.removeprefix(CASE_PREFIX),
            "activity": options.activity_key,
            "lifecycle": LIFECYCLE_KEY,
            "timestamp": options.timestamp_key,
            "department": self.department_key,
            "fallback": FALLBACK_DEPARTMENT_KEY if builder.default_department else None,
            "case_department": self.case_department_key,
        }
        self.jobs: deque[Future] = deque()
        self.xml_value = False  # registered when a segment needs it (registering a Python function imports numpy)

    # ------------------------------------------------------------------
    # the document, read as the expat reader reads it

    def run(self, stream) -> tuple[set[str], set[str]]:
        session = self.session
        cursors = [session.connection.cursor() for _ in range(WORKERS)]  # each worker's own connection
        self.idle: SimpleQueue = SimpleQueue()
        for cursor in cursors:
            self.idle.put(cursor)
        try:
            with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="journeyaudit-xes") as self.pool:
                try:
                    self._read(stream)
                finally:
                    for job in self.jobs:
                        job.cancel()  # a failure: what has not started never will; the running ones end first
            return self.event_keys, {CASE_PREFIX + key for key in self.case_keys}
        finally:
            for cursor in cursors:
                cursor.close()

    def _insert(self, parts: list[str], trace_base: int, referenced: bool) -> tuple:
        cursor = self.idle.get()  # never waits: no more jobs run at once than there are cursors
        try:
            return insert_traces(self.session, cursor, parts, trace_base, referenced, self.keys)
        finally:
            self.idle.put(cursor)

    def _read(self, stream) -> None:
        pending = bytearray()
        head_done = False
        while True:
            try:
                chunk = stream.read(READ_BYTES)
            except Exception:
                # the expat reader would have parsed everything before this read: if that is sure to
                # parse, the error is the reader's own (same message); otherwise let the reader decide
                if not head_done:
                    raise NotRecognised from None
                self._parse_in_root(bytes(pending), final=False, elements=True)
                self._wait(0)
                raise
            if chunk:
                pending += chunk
            if not head_done:
                if chunk and pending.find(_TRACE) < 0 and len(pending) <= self.part_cap:
                    continue
                del pending[: self._read_head(bytes(pending))]
                head_done = True
            if chunk and len(pending) < SEGMENT_BYTES:
                continue
            cut = pending.rfind(_TRACE_END)
            if cut >= 0:
                cut += len(_TRACE_END)
                with memoryview(pending) as view:
                    self._segment(view[:cut])  # decoded straight from the buffer: no copy of the bytes
                del pending[:cut]
            elif len(pending) > MAX_PENDING_BYTES:
                raise NotRecognised
            if not chunk:
                if not self.traces:
                    raise NotRecognised
                self._parse_in_root(bytes(pending), final=True)
                self._wait(0)
                return

    def _read_head(self, data: bytes) -> int:
        """The length of the head: the bytes before the first `<trace>`, which must end inside the root, `log`."""
        cut = data.find(_TRACE)
        if data.startswith(_BOMS) or cut < 0 or cut > self.part_cap or _TRACE_OR_EVENT_TAG.search(data, 0, cut):
            raise NotRecognised
        parser = pyexpat.ParserCreate()
        root = None

        def declaration(version, encoding, standalone):
            if encoding is not None and encoding.lower() != "utf-8":
                raise NotRecognised  # the segments are decoded as UTF-8

        def start(name, attributes):
            nonlocal root
            root = name
            parser.StartElementHandler = None  # the root is all we need: no call for the other elements

        def refuse(*args):
            raise NotRecognised  # any DTD: entity and attribute declarations are the reader's business

        parser.XmlDeclHandler = declaration
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = refuse
        try:
            parser.Parse(data[:cut], False)
            if root is None or root.rpartition(":")[2] != "log":
                raise NotRecognised  # the reader names the root it found
            # closing the root right there parses only when the head ends inside the root and no deeper
            # (not in a comment, a CDATA section, another element): the `<trace>` is a child of the root
            parser.Parse(b"</" + root.encode() + b">", True)
        except NotRecognised:
            raise
        except Exception:  # not well-formed, an encoding Python lacks...: the reader says it, located
            raise NotRecognised from None
        self.root = root.encode()
        return cut

    def _parse_in_root(self, data: bytes, final: bool, elements: bool = False) -> None:
        """Parse `data` as content of the root element, or raise NotRecognised.

        After the last trace (`elements` False) no element may follow: the reader's business. After a read
        error, `data` is what was read since the last whole trace, elements and all: the expat reader would have
        parsed it before the error came.
        """
        if len(data) > self.part_cap:
            raise NotRecognised
        root = self.root.decode()

        def start(name, attributes):
            if name != root:
                raise NotRecognised

        parser = pyexpat.ParserCreate()
        if not elements:
            parser.StartElementHandler = start
        try:
            parser.Parse(b"<" + self.root + b">" + data, final)
        except NotRecognised:
            raise
        except Exception:
            raise NotRecognised from None

    # ------------------------------------------------------------------
    # segments of whole traces

    def _segment(self, data: memoryview) -> None:
        try:
            text = str(data, "utf-8")
        except UnicodeDecodeError:
            raise NotRecognised from None
        referenced = False
        if self.plain.fullmatch(text) is None:
            if self.referenced.fullmatch(text) is None:
                raise NotRecognised
            for match in _CHARACTER_REFERENCE.finditer(text):
                digits = match.group(1)
                if not _is_xml_character(int(digits[1:], 16) if digits[0] == "x" else int(digits)):
                    raise NotRecognised  # expat refuses it: the reader says where
            referenced = True
            if not self.xml_value:
                self.session.connection.create_function("xml_value", xml_attribute_value, ["VARCHAR"], "VARCHAR")
                self.xml_value = True
        parts = text.split("<trace>")[1:]  # one per trace: the layout has no `<trace>` anywhere else
        self._wait(IN_FLIGHT - 1)
        self.jobs.append(self.pool.submit(self._insert, parts, self.traces, referenced))
        self.traces += len(parts)

    def _wait(self, left: int) -> None:
        """Collect the oldest segments' results until at most `left` are in flight."""
        while len(self.jobs) > left:
            try:
                events, case_keys, event_keys, department_seen, unnamed, case_counts = self.jobs.popleft().result()
            except Exception:  # DuckDB could not take it apart: the expat reader reads it all again
                raise NotRecognised from None
            self.events += events
            self.case_keys.update(case_keys)
            self.event_keys.update(event_keys)
            if department_seen:
                self.event_keys.add(self.department_key)
            self.builder.unnamed_cases += unnamed
            if case_counts is not None:
                self.builder.case_attribute_seen += case_counts[0]
                self.builder.case_attribute_varies += case_counts[1]
            if self.on_batch is not None:
                self.on_batch(self.events)


# --------------------------------------------------------------------------
# DuckDB takes a segment apart

_FIRST_TRACES = 100  # the events of the first traces name the attributes in messages, as in the expat reader


def _literal(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _positions(keys: dict[str, str | None]) -> str:
    """`p_ROLE`: where the key of ROLE is in `rq`, the attribute texts of an element in reverse order."""
    return ", ".join(f"list_position(rq, {_literal(key)}) AS p_{role}" for role, key in keys.items() if key is not None)


def _pick(role: str, key: str | None) -> str:
    """The value of the last attribute named `key` (a later one wins, as in a dict), NULL when there is none.

    `rq` is the element split on `"`, reversed: the last attribute's key is at 4, its value at 2, the one before at
    8 and 6, and so on. The first `key` in `rq` is the last attribute's when it sits at a key's place; when it sits at
    a value's (a value equal to the key's name), the keys are looked up alone.
    """
    if key is None:
        return "NULL"
    return (
        f"CASE WHEN p_{role} % 4 = 0 THEN rq[p_{role} - 2] WHEN p_{role} IS NOT NULL THEN "
        f"list_slice(rq, 2, -1, 4)[list_position(list_slice(rq, 4, -1, 4), {_literal(key)})] END"
    )


def insert_traces(session: Session, cursor, parts: list[str], trace_base: int, referenced: bool, keys: dict) -> tuple:
    """Append the traces (their texts after `<trace>`) to `cases` and their events to `events`, numbered on.

    Returns (events, trace attribute names, event attribute names of the first traces, whether an event has the
    department attribute, traces without a case id, (cases with the case department, cases whose events disagree)
    or None). `cursor`: a DuckDB connection of the session's own (this runs in one of the scan's worker threads).
    """

    def run(sql: str, parameters: list | None = None) -> list:
        return session.execute_on(cursor, sql, parameters).fetchall()

    def reversed_texts(element: str) -> str:
        texts = f"string_split({element}, '\"')"
        if referenced:
            # Python only for the texts it changes: a key or value (markup holds a `<`) with a reference, a tab or
            # a line break
            texts = (f"list_transform({texts}, lambda v: CASE WHEN NOT contains(v, '<') AND regexp_matches(v, "
                     "'[&\t\n\r]') THEN xml_value(v) ELSE v END)")
        return f"list_reverse({texts})"

    # the traces' texts go in as a parameter, not a table: DuckDB reads them once, from Python's strings
    batch = (
        f"SELECT {int(trace_base)} + i - 1 AS trace_no, part FROM (SELECT unnest(texts) AS part, "
        "generate_subscripts(texts, 1) AS i FROM (SELECT ?::VARCHAR[] AS texts))"
    )
    heads = [part[: part.find("<event>")] if "<event>" in part else part for part in parts]
    event_roles = {role: keys[role] for role in ("activity", "lifecycle", "timestamp", "department", "fallback")}
    picked = ", ".join(f"{_pick(role, key)} AS {role}" for role, key in event_roles.items())
    # an event's file position: its trace's, then its rank in the trace (ordered as the file, like a count)
    run(
        f"""CREATE OR REPLACE TEMP TABLE scan_events AS
        SELECT trace_no, trace_no * {1 << 32} + j AS seq, {picked},
               CASE WHEN trace_no < {_FIRST_TRACES} THEN list_slice(rq, 4, -1, 4) END AS keys
        FROM (SELECT trace_no, j, rq, {_positions(event_roles)}
              FROM (SELECT trace_no, j, {reversed_texts('chunk')} AS rq
                    FROM (SELECT trace_no, unnest(chunks) AS chunk, generate_subscripts(chunks, 1) AS j
                          FROM (SELECT trace_no, string_split(part, '<event>')[2:] AS chunks FROM ({batch})))))""",
        [parts],
    )
    trace_roles = {"case": keys["case"], "case_department": keys["case_department"]}
    run(
        f"""CREATE OR REPLACE TEMP TABLE scan_traces AS
        SELECT trace_no, list_slice(rq, 4, -1, 4) AS keys, {_pick('case', keys['case'])} AS case_value,
               {_pick('case_department', keys['case_department'])} AS department_value
        FROM (SELECT trace_no, rq, {_positions(trace_roles)}
              FROM (SELECT trace_no, {reversed_texts('part')} AS rq FROM ({batch})))""",
        [heads],
    )
    events = run(
        "INSERT INTO events SELECT trace_no, seq, clean(activity), clean(lifecycle), stamp(timestamp), clean(department), "
        "clean(fallback) FROM scan_events"
    )[0][0]
    case_department = "NULL"
    department_join = ""
    case_counts = None
    if keys["case_department"] is not None:
        key = _literal(keys["case_department"])
        run(
            f"""CREATE OR REPLACE TEMP TABLE scan_case_departments AS
            SELECT t.trace_no, list_contains(t.keys, {key}) AS present, clean(t.department_value) AS own,
                   coalesce(e.with_value, 0) AS with_value, e.first_value, coalesce(e.distinct_values, 0) AS distinct_values
            FROM scan_traces t LEFT JOIN (
              SELECT trace_no, count(department) AS with_value,
                     first(clean(department) ORDER BY seq) FILTER (WHERE clean(department) IS NOT NULL) AS first_value,
                     count(DISTINCT clean(department)) AS distinct_values
              FROM scan_events GROUP BY trace_no) e USING (trace_no)"""
        )
        # as CaseBuilder.case_value: the trace's own attribute, else the first value its events carry
        case_counts = run(
            "SELECT count(*) FILTER (WHERE present OR with_value > 0), "
            "count(*) FILTER (WHERE NOT present AND distinct_values > 1) FROM scan_case_departments"
        )[0]
        case_department = "CASE WHEN d.present THEN d.own ELSE d.first_value END"
        department_join = "JOIN scan_case_departments d USING (trace_no)"
    run(
        "CREATE OR REPLACE TEMP TABLE scan_cases AS SELECT t.trace_no, clean(t.case_value) AS case_id, "
        f"{case_department} AS case_department FROM scan_traces t {department_join}"
    )
    unnamed = run("SELECT count(*) - count(case_id) FROM scan_cases")[0][0]
    run(
        "INSERT INTO cases SELECT trace_no, coalesce(case_id, '(trace ' || (trace_no + 1) || ')'), case_department "
        "FROM scan_cases ORDER BY trace_no"
    )
    case_keys = {key for (key,) in run("SELECT DISTINCT unnest(keys) FROM scan_traces")}
    event_keys = set()
    if trace_base < _FIRST_TRACES:
        event_keys = {key for (key,) in run("SELECT DISTINCT unnest(keys) FROM scan_events")}
    # every attribute written has a value: a NULL is an absent attribute
    department_seen = bool(run("SELECT count(department) > 0 FROM scan_events")[0][0])
    return events, case_keys, event_keys, department_seen, int(unnamed), case_counts
