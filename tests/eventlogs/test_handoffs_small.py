"""Hand-offs on tiny hand-written logs: every expected figure is counted by hand below."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from journeyaudit.commands.handoffs import command as handoffs_command

# Five cases. Departments after ordering by time, missing ones dropped:
#   a: X Y Y X            -> X>Y, Y>X                 ping-pong (X Y X)
#   b: X - X - Y          -> X>Y      (EMPTY, absent attribute: skipped, do not break X X)
#   c: (file order Z X NaN Y) sorted by time: X NaN Y Z -> X>Y, Y>Z
#   d: "" only            -> no department at all
#   e: X Y X, all at the same time: file order kept -> X>Y, Y>X   ping-pong
# Matrix: X>Y 4 (a b c e), Y>X 2 (a e), Y>Z 1 (c); total 7.
# Cases with a hand-off: a b c e = 4 of 5; ping-pong: a e = 2 of 5.
# Events without a department: b 2, c 1, d 1 = 4.
EXPECTED_MATRIX = {("X", "Y"): 4, ("Y", "X"): 2, ("Y", "Z"): 1}

CASES = {
    "a": [("2024-01-01T09:00:00+00:00", "X"), ("2024-01-01T10:00:00+00:00", "Y"),
          ("2024-01-01T11:00:00+00:00", "Y"), ("2024-01-01T12:00:00+00:00", "X")],
    "b": [("2024-01-01T09:00:00+00:00", "X"), ("2024-01-01T10:00:00+00:00", "EMPTY"),
          ("2024-01-01T11:00:00+00:00", "X"), ("2024-01-01T12:00:00+00:00", None),
          ("2024-01-01T13:00:00+00:00", "Y")],
    "c": [("2024-01-03T09:00:00+00:00", "Z"), ("2024-01-01T09:00:00+00:00", "X"),
          ("2024-01-02T09:00:00+00:00", "NaN"), ("2024-01-02T09:00:00+00:00", "Y")],
    "d": [("2024-01-01T09:00:00+00:00", "")],
    "e": [("2024-01-01T09:00:00+00:00", "X"), ("2024-01-01T09:00:00+00:00", "Y"),
          ("2024-01-01T09:00:00+00:00", "X")],
}


def xes_text(cases=CASES, department_key="org:group", trace_extra=None) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">']
    for case_id, events in cases.items():
        lines.append("  <trace>")
        lines.append(f'    <string key="concept:name" value="{case_id}"/>')
        for key, value in (trace_extra or {}).get(case_id, {}).items():
            lines.append(f'    <string key="{key}" value="{value}"/>')
        for i, (stamp, department) in enumerate(events):
            lines.append("    <event>")
            lines.append(f'      <string key="concept:name" value="step {i}"/>')
            lines.append(f'      <date key="time:timestamp" value="{stamp}"/>')
            if department is not None:
                lines.append(f'      <string key="{department_key}" value="{department}"/>')
            lines.append("    </event>")
        lines.append("  </trace>")
    lines.append("</log>")
    return "\n".join(lines) + "\n"


def csv_text(cases=CASES) -> str:
    rows = ["case:concept:name,concept:name,time:timestamp,org:group"]
    for case_id, events in cases.items():
        for i, (stamp, department) in enumerate(events):
            rows.append(f"{case_id},step {i},{stamp},{'' if department is None else department}")
    return "\n".join(rows) + "\n"


def run(*args):
    result = CliRunner().invoke(handoffs_command, [str(a) for a in args])
    return result


def run_json(*args) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def matrix_of(report: dict) -> dict:
    return {(row["from"], row["to"]): row["count"] for row in report["matrix"]}


@pytest.fixture(params=["xes", "xes.gz", "csv", "etree"])
def small_log(request, tmp_path):
    kind = request.param
    if kind == "csv":
        path = tmp_path / "small.csv"
        path.write_text(csv_text())
        return [path]
    if kind == "xes.gz":
        path = tmp_path / "small.xes.gz"
        path.write_bytes(gzip.compress(xes_text().encode()))
        return [path]
    path = tmp_path / "small.xes"
    path.write_text(xes_text())
    return [path] + (["--engine", "etree"] if kind == "etree" else [])


def test_matrix_shares_and_missing_values(small_log):
    report = run_json(*small_log)
    assert report["cases"] == 5
    assert report["events"] == 17
    assert matrix_of(report) == EXPECTED_MATRIX
    assert report["handoffs"] == 7
    assert report["cases_with_handoff"] == 4
    assert report["share_cases_with_handoff"] == pytest.approx(0.8)
    assert report["cases_with_ping_pong"] == 2
    assert report["share_cases_with_ping_pong"] == pytest.approx(0.4)
    assert report["missing"]["events_without_department"] == 4
    assert report["missing"]["cases_without_department"] == 1
    assert "neither create nor break" in report["missing"]["treatment"]


def test_worst_cases_rank_by_handoffs_then_log_order(small_log):
    report = run_json(*small_log, "--top", "2")
    # a and e have 2 hand-offs each, c has 2 as well: a, c come first in the file
    assert [(c["case"], c["handoffs"]) for c in report["worst_cases"]] == [("a", 2), ("c", 2)]
    assert report["worst_cases"][0]["path"] == ["X", "Y", "X"]
    assert report["worst_cases"][1]["path"] == ["X", "Y", "Z"]


def test_text_report_states_the_figures(small_log):
    result = run(*small_log)
    assert result.exit_code == 0
    text = result.stdout
    assert "5 cases, 17 events" in text
    assert "hand-offs: 7" in text
    assert "4 (80.0%)" in text
    assert "2 (40.0%)" in text
    assert "4 events without a department" in text
    assert "X → Y" in text


def test_html_report_is_self_contained_and_escaped(tmp_path):
    cases = {"<b>1</b>": [("2024-01-01T09:00:00+00:00", "Sales & <Ops>"), ("2024-01-02T09:00:00+00:00", "Legal")]}
    path = tmp_path / "escape.xes"
    path.write_text(xes_text(cases).replace("& <Ops>", "&amp; &lt;Ops&gt;").replace('"<b>1</b>"', '"&lt;b&gt;1&lt;/b&gt;"'))
    out = tmp_path / "report.html"
    result = run(path, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Sales &amp; &lt;Ops&gt;" in html
    assert "&lt;b&gt;1&lt;/b&gt;" in html
    assert "<b>1</b>" not in html
    for external in ("http://", "https://", "<link", "<script", "@import", "url("):
        assert external not in html
    assert "<style>" in html


def test_fallback_to_resource_when_no_group(tmp_path):
    path = tmp_path / "resource.xes"
    path.write_text(xes_text(department_key="org:resource"))
    report = run_json(path)
    assert report["department_key"] == "org:resource"
    assert report["department_fallback"] is True
    assert matrix_of(report) == EXPECTED_MATRIX


def test_case_attribute_never_hands_off(tmp_path):
    # two cases with different teams; events carry org:group that changes
    extra = {"a": {"team": "North"}, "b": {"team": "South"}}
    cases = {"a": CASES["a"], "b": CASES["b"]}
    path = tmp_path / "teams.xes"
    path.write_text(xes_text(cases, trace_extra=extra))
    report = run_json(path, "--department-key", "case:team")
    assert report["handoffs"] == 0
    assert report["department_level"] == "case"
    assert {d["department"]: d["events"] for d in report["departments"]} == {"North": 4, "South": 5}
    # the bare name is an event attribute, which no event has: say how to use the case attribute
    result = run(path, "--department-key", "team")
    assert result.exit_code == 2
    assert "case:team" in result.stderr


def test_case_attribute_copied_on_events_takes_the_first_value(tmp_path):
    # like helpdesk's workgroup: copied onto every event, and changing once
    cases = {"a": [("2024-01-01T09:00:00+00:00", "W1"), ("2024-01-01T10:00:00+00:00", "W2")],
             "b": [("2024-01-01T09:00:00+00:00", "W3"), ("2024-01-01T10:00:00+00:00", "W3")]}
    path = tmp_path / "copied.xes"
    path.write_text(xes_text(cases, department_key="workgroup"))
    assert run_json(path, "--department-key", "workgroup")["handoffs"] == 1  # an event attribute, as asked
    report = run_json(path, "--department-key", "case:workgroup")
    assert report["handoffs"] == 0
    assert {d["department"]: d["events"] for d in report["departments"]} == {"W1": 2, "W3": 2}
    assert any("1 cases carry different workgroup" in note for note in report["notes"])


def test_csv_case_column_is_constant_within_a_case(tmp_path):
    path = tmp_path / "case.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp,case:team,org:group\n"
        "1,a,2024-01-01T09:00:00,T1,X\n"
        "1,b,2024-01-01T10:00:00,T2,Y\n"
        "2,a,2024-01-01T09:00:00,,X\n"
        "2,b,2024-01-01T10:00:00,T3,X\n"
    )
    report = run_json(path, "--department-key", "case:team")
    assert report["handoffs"] == 0
    assert {d["department"]: d["events"] for d in report["departments"]} == {"T1": 2, "T3": 2}
    assert run_json(path)["handoffs"] == 1


def test_events_without_timestamp_stay_after_their_predecessor(tmp_path):
    cases = {"a": [("2024-01-01T10:00:00+00:00", "X"), ("not a time", "Y"), ("2024-01-01T09:00:00+00:00", "Z")]}
    path = tmp_path / "stamps.xes"
    path.write_text(xes_text(cases))
    report = run_json(path)
    # Z (09:00) moves before X (10:00); Y has no time, so it stays right after X
    assert report["worst_cases"][0]["path"] == ["Z", "X", "Y"]
    assert report["missing"]["events_without_timestamp"] == 1


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_time_added_per_hand_off_and_variants_by_hand(tmp_path, engine):
    # X>Y: a 1h (X 09:00 -> Y 10:00), b 2h (last X 11:00 -> Y 13:00: EMPTY and absent skipped), c 1d, e 0
    #      -> [0, 1h, 2h, 1d]: the lower middle value, 1h
    # Y>X: a 1h, e 0 -> 0;  Y>Z: c 1d
    path = tmp_path / "small.xes"
    path.write_text(xes_text())
    report = run_json(path, "--engine", engine)
    gaps = {(g["from"], g["to"]): g["median_seconds"] for g in report["handoff_gaps"]}
    assert gaps == {("X", "Y"): 3600.0, ("Y", "X"): 0.0, ("Y", "Z"): 86400.0}
    # variants: X Y X (a: 3h, e: 0 -> 0), X Y (b: 4h), X Y Z (c: 2d), none (d: one event, 0)
    variants = [(v["path"], v["cases"], v["share"], v["median_throughput_seconds"]) for v in report["variants"]["top"]]
    assert variants == [(["X", "Y", "X"], 2, 0.4, 0.0), (["X", "Y"], 1, 0.2, 14400.0),
                        (["X", "Y", "Z"], 1, 0.2, 172800.0), ([], 1, 0.2, 0.0)]
    assert report["variants"]["distinct"] == 4


def test_the_page_draws_the_network_and_cuts_the_matrix_to_the_busiest_departments(tmp_path):
    # 60 departments in a chain (60 pairs, and D01 -> D00 back): the matrix keeps the 40 in most hand-offs, the network the 40 busiest pairs
    cases = {f"c{n}": [(f"2024-01-01T{h:02d}:00:00+00:00", f"D{(n + h) % 60:02d}") for h in range(3)] for n in range(60)}
    cases["hot"] = [(f"2024-01-02T{h:02d}:00:00+00:00", "D00" if h % 2 else "D01") for h in range(10)]
    path = tmp_path / "many.xes"
    path.write_text(xes_text(cases))
    out = tmp_path / "page.html"
    assert run(path, "--format", "html", "-o", out).exit_code == 0
    page = out.read_text()
    assert "<svg" in page and "Hand-off network" in page and "the 40 busiest of 61 department pairs" in page
    assert "The 40 departments in most hand-offs of 60" in page
    assert page.count('<th class="row" scope="row">') == 40
    assert "Most frequent department sequences" in page and "median throughput" in page
