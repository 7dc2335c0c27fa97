"""Hand-offs on the real logs in ../shared/realdata/logs, checked against independent counts.

The reference counts below never use journeyaudit's reader: they parse the raw
files with their own code (xml.dom.minidom, regular expressions, csv) and apply
the definitions of docs/event-logs.md directly.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from xml.dom import minidom

import pytest
from click.testing import CliRunner

from journeyaudit.commands.handoffs import command as handoffs_command

LOGS = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "logs"


def log_path(name: str) -> Path:
    path = LOGS / name
    if not path.is_file():
        pytest.fail(f"the shared real log is missing: {path}")
    return path


def measured(name: str, *args) -> dict:
    result = CliRunner().invoke(handoffs_command, [str(log_path(name)), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def matrix_of(report: dict) -> Counter:
    return Counter({(row["from"], row["to"]): row["count"] for row in report["matrix"]})


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def reference(cases: list[list[tuple[datetime, str | None]]]):
    """Matrix, cases with a hand-off, cases with ping-pong: straight from the definitions."""
    matrix: Counter = Counter()
    with_handoff = ping_pong = 0
    for events in cases:
        ordered = [d for _, d in sorted(events, key=lambda e: e[0])]  # stable: ties keep file order
        known = [d for d in ordered if d not in (None, "", "EMPTY") and d.lower() != "nan"]
        pairs = [(a, b) for a, b in itertools.pairwise(known) if a != b]
        matrix.update(pairs)
        with_handoff += bool(pairs)
        collapsed = [d for i, d in enumerate(known) if i == 0 or d != known[i - 1]]
        ping_pong += any(collapsed[i] == collapsed[i + 2] for i in range(len(collapsed) - 2))
    return matrix, with_handoff, ping_pong


def minidom_cases(name: str, key: str) -> list[list[tuple[datetime, str | None]]]:
    with gzip.open(log_path(name)) as stream:
        document = minidom.parseString(stream.read())
    cases = []
    for trace in document.getElementsByTagName("trace"):
        events = []
        for event in trace.getElementsByTagName("event"):
            values = {a.getAttribute("key"): a.getAttribute("value") for a in event.childNodes if a.nodeType == a.ELEMENT_NODE}
            events.append((moment(values["time:timestamp"]), values.get(key)))
        cases.append(events)
    return cases


EVENT = re.compile(r"<event>(.*?)</event>", re.S)
TRACE = re.compile(r"<trace>(.*?)</trace>", re.S)


def regex_cases(name: str, key: str) -> list[list[tuple[datetime, str | None]]]:
    with gzip.open(log_path(name), "rt", encoding="utf-8") as stream:
        text = stream.read()
    value_of = re.compile(rf'key="{re.escape(key)}"\s+value="([^"]*)"')
    stamp_of = re.compile(r'key="time:timestamp"\s+value="([^"]*)"')
    cases = []
    for trace in TRACE.finditer(text):
        events = []
        for event in EVENT.finditer(trace.group(1)):
            found = value_of.search(event.group(1))
            events.append((moment(stamp_of.search(event.group(1)).group(1)), found.group(1) if found else None))
        cases.append(events)
    return cases


@pytest.fixture(scope="module")
def receipt_reference():
    cases = minidom_cases("08_receipt.xes.gz", "org:group")
    return cases, reference(cases)


def test_receipt_handoffs_equal_the_definition(receipt_reference):
    cases, (matrix, with_handoff, ping_pong) = receipt_reference
    report = measured("08_receipt.xes.gz")
    assert report["department_key"] == "org:group"
    assert report["cases"] == len(cases) == 1434
    assert report["events"] == sum(map(len, cases)) == 8577
    assert matrix_of(report) == matrix
    assert report["handoffs"] == sum(matrix.values())
    assert report["cases_with_handoff"] == with_handoff
    assert report["cases_with_ping_pong"] == ping_pong
    # the README says 1,936 events carry the literal EMPTY
    assert report["missing"]["events_without_department"] == 1936


def test_receipt_both_xml_engines_agree():
    assert measured("08_receipt.xes.gz") == measured("08_receipt.xes.gz", "--engine", "etree")


def test_receipt_csv_agrees_with_the_xes():
    path = log_path("receipt.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    # the CSV is the same log: same case, activity, time and group columns
    assert {"case:concept:name", "concept:name", "time:timestamp", "org:group"} <= set(header)
    from_csv = measured("receipt.csv")
    from_xes = measured("08_receipt.xes.gz")
    for key in ("cases", "events", "handoffs", "cases_with_handoff", "cases_with_ping_pong", "matrix", "departments", "missing"):
        assert from_csv[key] == from_xes[key], key
    assert from_csv["format"] == "csv"


def test_bpic2012_with_missing_resources():
    report = measured("bpic2012.xes.gz")
    assert report["department_key"] == "org:resource"  # the log has no org:group
    assert report["department_fallback"] is True
    cases = regex_cases("bpic2012.xes.gz", "org:resource")
    assert report["cases"] == len(cases) == 13087
    assert report["events"] == sum(map(len, cases)) == 262200
    missing = sum(1 for events in cases for _, d in events if d is None)
    assert missing > 0
    assert report["missing"]["events_without_department"] == missing
    matrix, with_handoff, ping_pong = reference(cases)
    assert matrix_of(report) == matrix
    assert report["cases_with_handoff"] == with_handoff
    assert report["cases_with_ping_pong"] == ping_pong


def test_helpdesk_case_attributes_do_not_hand_off():
    report = measured("helpdesk.xes.gz")
    # workgroup, responsible_section ... are case attributes copied on every event:
    # the default never reads them, the resource is the department
    assert report["department_key"] == "org:resource"
    by_resource = reference(regex_cases("helpdesk.xes.gz", "org:resource"))
    by_workgroup = reference(regex_cases("helpdesk.xes.gz", "workgroup"))
    assert matrix_of(report) == by_resource[0]
    assert sum(by_workgroup[0].values()) != sum(by_resource[0].values())  # the test can tell them apart
    # asked for explicitly as a case attribute, workgroup cannot change within a case
    as_case = measured("helpdesk.xes.gz", "--department-key", "case:workgroup")
    assert as_case["handoffs"] == 0
    assert as_case["cases_with_ping_pong"] == 0
    assert as_case["department_level"] == "case"


def test_bpic2013_incidents_matches_the_readme():
    report = measured("07_bpic2013_incidents.xes.gz")
    assert (report["cases"], report["events"]) == (7554, 65533)
    assert len(report["departments"]) == 649
    # "about half the cases change group; about one in six ping-pong"
    assert 0.45 < report["share_cases_with_handoff"] < 0.55
    assert 1 / 7 < report["share_cases_with_ping_pong"] < 1 / 5
