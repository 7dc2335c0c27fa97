"""The XES scanner (the columnar engine's fast path) against the expat reader, on nasty XML.

The scanner either reads a document exactly as the expat reader does or hands
it back; so on every document, well-formed or not, the default engine and
`--engine expat` must give the same output, exit code and message. The
documents mix what XES writers write with what XML allows and the scanner
hands back: comments, CDATA, processing instructions, entity and character
references, tabs and line breaks in values, attribute order, single quotes,
namespaces, self-closing and empty elements, nested and list attributes,
duplicate keys, a DOCTYPE, another encoding; and broken ones.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journeyaudit.commands.discover import command as discover_command
from journeyaudit.commands.handoffs import command as handoffs_command
from journeyaudit.eventlog.cases import CaseBuilder, ReadOptions
from journeyaudit.eventlog.columnar_load import CASES_TABLE, EVENTS_TABLE
from journeyaudit.eventlog.columnar_session import Session
from journeyaudit.eventlog.reader import open_binary
from journeyaudit.eventlog.xes_scan import NotRecognised, XesScan, xml_attribute_value

LOGS = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "logs"


def scanned(path: Path, options: ReadOptions | None = None) -> int:
    """The events the scanner read from `path` (raises NotRecognised when it hands the document back)."""
    options = options or ReadOptions()
    session = Session()
    stream, raw = open_binary(str(path))
    try:
        session.execute(CASES_TABLE)
        session.execute(EVENTS_TABLE)
        XesScan(session, str(path), options, CaseBuilder(str(path), "xes", options)).run(stream)
        return session.scalar("SELECT count(*) FROM events")
    finally:
        stream.close()
        raw.close()
        session.close()


@pytest.mark.parametrize("name", ["06_bpic2013_closed.xes.gz", "07_bpic2013_incidents.xes.gz", "08_receipt.xes.gz",
                                  "bpic2012.xes.gz", "helpdesk.xes.gz"])
def test_every_real_log_is_read_by_the_scanner(name):
    path = LOGS / name
    if not path.is_file():
        pytest.fail(f"the shared real log is missing: {path}")
    events = {"06_bpic2013_closed.xes.gz": 6660, "07_bpic2013_incidents.xes.gz": 65533, "08_receipt.xes.gz": 8577,
              "bpic2012.xes.gz": 262200, "helpdesk.xes.gz": 21348}[name]
    assert scanned(path) == events  # the figures themselves: test_columnar.py, against the reference


def test_attribute_values_read_as_expat_reads_them():
    import pyexpat

    for written in ["R&amp;D", "a&lt;b&gt;c", "&quot;q&quot; &apos;s&apos;", "&#233;t&#xE9;", "tab\there", "two\nlines",
                    "cr\r\nlf", "lone\rcr", "&#10;&#9;&#13;kept", "&#x1F600;", "plain"]:
        seen: dict = {}
        parser = pyexpat.ParserCreate()
        parser.StartElementHandler = lambda name, attributes, seen=seen: seen.update(attributes)
        parser.Parse(f'<a v="{written}"/>'.encode(), True)
        assert xml_attribute_value(written) == seen["v"], written


# --------------------------------------------------------------------------
# generated documents

KEYS = ["concept:name", "org:group", "org:resource", "time:timestamp", "lifecycle:transition", "channel"]
VALUES = ["Sales", "Ops", " Ops ", "R&amp;D", "a&lt;b", "&#233;quipe", "&#xE9;", "tab\tsep", "two\nlines", "cr\r\nlf",
          "&#10;kept", "org:group", "concept:name", "EMPTY", "nan", "", "Légal", "&quot;q&quot;", "x&apos;y", "a>b",
          "2024-01-01T10:00:00", "2024-01-01T09:00:00+02:00", "2024-01-01 08:00:00.5", "not a date", "complete",
          "start"]
BROKEN_VALUES = ["&#0;", "&foo;", "a<b", "\x01", "&#xD800;", "&amp", "\ufffe"]
SPACES = ["", " ", "\n", "\n\t\t", "\r\n  "]


def quote(value: str, style: str) -> str:
    return f"'{value}'" if style == "single" and "'" not in value else f'"{value}"'


# what XML allows beyond the layout of XES writers; a document uses a few of them, often none
ODDITIES = ["list", "single quotes", "value first", "extra attribute", "nested", "open-close", "empty", "prefix", "junk",
            "late attributes", "doctype", "latin-1", "late element"]


@st.composite
def attribute(draw, odd: frozenset, depth: int = 0) -> str:
    tags = ["string", "string", "date", "int", "boolean", "id"] + (["list", "container"] if "list" in odd and not depth else [])
    tag = draw(st.sampled_from(tags))
    key = draw(st.sampled_from(KEYS))
    value = draw(st.sampled_from(VALUES))
    style = draw(st.sampled_from(["double", "single"])) if "single quotes" in odd else "double"
    pairs = [f"key{draw(st.sampled_from(['=', ' = ', chr(9) + '=']))}{quote(key, style)}", f"value={quote(value, style)}"]
    if "value first" in odd and draw(st.booleans()):
        pairs.reverse()
    if "extra attribute" in odd and draw(st.booleans()):
        pairs.append('extra="1"')
    gap = draw(st.sampled_from([" ", " ", "  ", "\t", "\n   "]))
    head = f"<{tag}{gap}{gap.join(pairs)}"
    children = ""
    if "nested" in odd and not depth and draw(st.booleans()):
        children = "".join(draw(st.lists(attribute(odd, depth=1), min_size=1, max_size=2)))
    if children or tag in ("list", "container"):
        return f"{head}>{children}</{tag}>"
    if "open-close" in odd and draw(st.booleans()):
        return f"{head}></{tag}>"
    return f"{head}{draw(st.sampled_from(['/>', '/>', ' />']))}"


def junk(draw, odd: frozenset) -> str:
    if "junk" not in odd:
        return ""
    return draw(st.sampled_from(["", "<!-- a comment with <trace> inside -->", "<![CDATA[ <event> ]]>", "<?pi data?>",
                                 "text"]))


@st.composite
def event(draw, odd: frozenset) -> str:
    attributes = draw(st.lists(attribute(odd), min_size=0 if "empty" in odd else 1, max_size=6))
    space = draw(st.sampled_from(SPACES))
    if "empty" in odd and not attributes and draw(st.booleans()):
        return "<event/>"
    tag = draw(st.sampled_from(["event", "xes:event"])) if "prefix" in odd else "event"
    return f"<{tag}>{space}{junk(draw, odd)}{space.join(attributes)}{space}</{tag}>"


@st.composite
def trace(draw, odd: frozenset) -> str:
    space = draw(st.sampled_from(SPACES))
    own = draw(st.lists(attribute(odd), max_size=2))
    events = draw(st.lists(event(odd), min_size=0 if "empty" in odd else 1, max_size=5))
    parts = own + events
    if "late attributes" in odd and draw(st.booleans()):
        parts = events + own  # attributes after the events
    if not parts:
        return "<trace/>" if draw(st.booleans()) else "<trace></trace>"
    return f"<trace>{space}{space.join(parts)}{space}{junk(draw, odd)}</trace>"


@st.composite
def document(draw) -> bytes:
    odd = frozenset(draw(st.lists(st.sampled_from(ODDITIES), max_size=2))) if draw(st.booleans()) else frozenset()
    space = draw(st.sampled_from(SPACES[1:]))
    prolog = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" ?>\n', "", '<?xml version="1.0"?>',
                                   "\ufeff<?xml version='1.0' encoding='utf-8'?>\n", "<!-- OpenXES -->\n"]))
    if "doctype" in odd:
        prolog += "<!DOCTYPE log>\n"
    if "latin-1" in odd:
        prolog = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    root = draw(st.sampled_from(["log"] * 8 + ["xes:log", "definitions"]))
    header = draw(st.sampled_from(["", '<extension name="Concept" prefix="concept" uri="x"/>',
                                   '<global scope="event"><string key="org:group" value="UNKNOWN"/></global>',
                                   '<float key="meta" value="1.0"><float key="a" value="0.1"/></float>',
                                   "<!-- <trace> in a comment -->"]))
    traces = draw(st.lists(trace(odd), min_size=1, max_size=6))
    tail = draw(st.sampled_from(["", "<!-- end -->", '<string key="late" value="x"/>' if "late element" in odd else ""]))
    text = f"{prolog}<{root} xes.version=\"1.0\">{space}{header}{space}{space.join(traces)}{space}{tail}</{root}>\n"
    if draw(st.integers(0, 7)) == 0:  # broken: a value XML refuses, a tag cut, an element left open, junk after
        breakage = draw(st.sampled_from(["value", "cut", "open", "after"]))
        if breakage == "value" and 'value="' in text:
            at = text.rindex('value="') + 7
            text = text[:at] + draw(st.sampled_from(BROKEN_VALUES)) + text[at:]
        elif breakage == "cut":
            text = text[: draw(st.integers(1, len(text) - 1))]
        elif breakage == "open" and "</event>" in text:
            text = text.replace("</event>", "", 1)
        else:
            text += "<log/>"
    encoding = "latin-1" if "ISO-8859-1" in prolog and all(ord(c) < 256 for c in text) else "utf-8"
    return text.encode(encoding)


def outcome(command, path: Path, *args) -> tuple[int, str]:
    result = CliRunner().invoke(command, [str(path), *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(data=document(), gzipped=st.booleans(), department=st.sampled_from([None, "channel", "case:channel"]))
@example(data=b'<log><trace><string key="concept:name" value="c1"/><event><string key="org:group" value="A"/>'
              b'<string key="org:group" value="B"/><date key="time:timestamp" value="2024-01-01T10:00:00"/></event>'
              b'<event><string key="org:group" value="org:group"/><string key="org:group" value="C"/></event></trace></log>',
         gzipped=False, department=None)
def test_the_scanner_and_the_expat_reader_agree_on_any_document(tmp_path_factory, data, gzipped, department):
    path = tmp_path_factory.mktemp("xes") / ("log.xes.gz" if gzipped else "log.xes")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    extra = ["--department-key", department] if department else []
    for command, args in ((handoffs_command, ["--format", "json", "--top", "3"]), (discover_command, ["--min-share", "0.2"])):
        assert outcome(command, path, *args, *extra) == outcome(command, path, *args, *extra, "--engine", "expat")


def canonical(values: list[str]) -> bytes:
    """A log in the layout the scanner reads, with the given event values of org:group."""
    events = "".join(
        f'\n\t\t<event>\n\t\t\t<string key="concept:name" value="step {n}"/>\n\t\t\t<string key="org:group" value="{value}"/>'
        f'\n\t\t\t<date  key = "time:timestamp"\tvalue="2024-01-01T10:{n:02d}:00+01:00" />\n\t\t</event>'
        for n, value in enumerate(values)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" ?>\n<!-- written by hand -->\n<log xes.version="1.0">\n'
            f'\t<global scope="event"><string key="org:group" value="UNKNOWN"/></global>\n'
            f'\t<trace>\n\t\t<string key="concept:name" value="case &amp; co"/>{events}\n\t</trace>\n</log>\n').encode()


def test_references_tabs_and_line_breaks_in_values_are_read_by_the_scanner_as_expat_reads_them(tmp_path):
    values = ["R&amp;D", "R&#38;D", "tab\there", "two\r\nlines", "&#233;quipe", "équipe", "org:group", "Ops", "R&amp;D"]
    path = tmp_path / "log.xes"
    path.write_bytes(canonical(values))
    assert scanned(path) == len(values)  # not handed back
    args = ["--format", "json"]
    assert outcome(handoffs_command, path, *args) == outcome(handoffs_command, path, *args, "--engine", "expat")
    assert '"R&D"' in outcome(handoffs_command, path, *args)[1]


@pytest.mark.parametrize("layout", ["comment", "cdata", "single quotes", "nested", "empty event", "doctype", "latin-1",
                                    "prefix", "value first"])
def test_what_the_scanner_does_not_know_it_hands_back(tmp_path, layout):
    text = canonical(["A", "B", "A"]).decode()
    changed = {
        "comment": text.replace("<event>", "<event><!-- x -->", 1),
        "cdata": text.replace("</event>", "<![CDATA[x]]></event>", 1),
        "single quotes": text.replace('"step 1"', "'step 1'"),
        "nested": text.replace('value="B"/>', 'value="B"><string key="meta" value="m"/></string>'),
        "empty event": text.replace("</trace>", "<event/></trace>"),
        "doctype": text.replace("<log ", "<!DOCTYPE log>\n<log "),
        "latin-1": text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
        "prefix": text.replace("<event>", "<x:event>", 1).replace("</event>", "</x:event>", 1),
        "value first": text.replace('key="concept:name" value="step 0"', 'value="step 0" key="concept:name"'),
    }[layout]
    path = tmp_path / "log.xes"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(NotRecognised):
        scanned(path)
    args = ["--format", "json"]
    assert outcome(handoffs_command, path, *args) == outcome(handoffs_command, path, *args, "--engine", "expat")


def test_a_truncated_gzip_log_is_one_line_and_the_same_message_as_the_reference(tmp_path):
    whole = gzip.compress(canonical(["A", "B"] * 20000))
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(whole[: len(whole) // 2])
    columnar = outcome(handoffs_command, path)
    assert columnar == outcome(handoffs_command, path, "--engine", "expat")
    assert columnar[0] == 2 and "truncated gzip data" in columnar[1] and columnar[1].count("\n") == 1


def test_a_truncated_gzip_log_is_reported_by_the_scanner_only_when_what_came_before_parses(tmp_path):
    # the one trace is cut by the truncation: what was read since the last whole trace parses as XML, so the
    # read error is the scanner's to give; a broken tag before the cut is expat's to report, with its line
    path = tmp_path / "cut.xes.gz"
    good = canonical(["A", "B"] * 20000)
    for text, expected in ((good, EOFError), (good.replace(b'value="B"/>', b'value="B"/ >', 1), NotRecognised)):
        whole = gzip.compress(text)
        path.write_bytes(whole[: len(whole) // 2])
        with pytest.raises(expected):
            scanned(path)
        assert outcome(handoffs_command, path) == outcome(handoffs_command, path, "--engine", "expat")
    assert "not well-formed" in outcome(handoffs_command, path)[1]


def test_a_gzip_bomb_of_valid_traces_stops_at_the_cap_with_the_reference_message(tmp_path):
    path = tmp_path / "bomb.xes.gz"
    path.write_bytes(gzip.compress(canonical(["A", "B"] * 20000)))  # about 7 MiB of XML
    columnar = outcome(handoffs_command, path, "--max-decompressed-size", "2")
    assert columnar == outcome(handoffs_command, path, "--max-decompressed-size", "2", "--engine", "expat")
    assert columnar[0] == 2 and "decompresses to more than 2 MiB" in columnar[1]
