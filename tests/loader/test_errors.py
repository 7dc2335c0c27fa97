"""Every broken input a user will meet: message, code and location (file:line:column)."""

from __future__ import annotations

import textwrap

import pytest

from journeyaudit.loading import load_bytes, load_text

VALID = textwrap.dedent(
    """\
    journeyaudit: 1
    title: Report a broken meter
    departments:
      support: {title: Customer support}
      field: {title: Field service, customer_facing: false}
    data:
      name: {title: Full name}
      meter: {title: Meter number}
    steps:
      report:
        title: Report the fault online
        department: support
        channel: web
        actor: customer
        asks: [name, meter]
        next: visit
      visit:
        title: A technician replaces the meter
        department: field
        wait: 2d
        duration: 1h
        next:
          - to: done
            p: 0.9
          - to: report
            p: 0.1
            when: the technician found no fault
      done:
        title: Confirmation letter
        department: support
        channel: mail
        actor: system
        kind: notification
        end: success
    """
)


def only_problem(text: str):
    result = load_text(text, "meter.yaml")
    assert result.journey is None
    assert len(result.problems) == 1, [p.format() for p in result.problems]
    return result.problems[0]


def test_the_valid_base_journey_loads():
    result = load_text(VALID, "meter.yaml")
    assert result.ok, [p.format() for p in result.problems]


CASES = [
    # (what, replace this, with this, code, line, column, words in the message)
    ("tab indentation", "    title: A technician", "\ttitle: A technician", "yaml-syntax", 18, 1, ["YAML syntax error", "tabs"]),
    ("duplicate key", "    wait: 2d\n", "    wait: 2d\n    wait: 3d\n", "duplicate-key", 21, 5, ["duplicate key 'wait'", "first at line 20", "last one"]),
    ("misspelt step key", "    department: field", "    departmnet: field", "unknown-key", 19, 5, ["unknown key 'departmnet'", "did you mean 'department'?"]),
    ("misspelt top-level key", "departments:\n", "departmnts:\n", "unknown-key", 3, 1, ["unknown key 'departmnts'", "did you mean 'departments'?"]),
    ("unknown department", "    department: field", "    department: feild", "unknown-reference", 19, 17, ["unknown department 'feild'", "did you mean 'field'?"]),
    ("unknown data item", "asks: [name, meter]", "asks: [name, metre]", "unknown-reference", 15, 18, ["unknown data item 'metre'", "did you mean 'meter'?"]),
    ("next to a missing step", "    next: visit", "    next: vist", "unknown-reference", 16, 11, ["unknown step 'vist'", "did you mean 'visit'?"]),
    ("bare number as a duration", "wait: 2d", "wait: 20", "bad-duration", 20, 11, ["bare number", "unit is never guessed", "20m"]),
    ("malformed duration", "duration: 1h", "duration: 1 hour", "bad-duration", 21, 15, ["malformed duration '1 hour'", "90s, 20m"]),
    ("months in ISO 8601", "wait: 2d", "wait: P1M", "bad-duration", 20, 11, ["months", "no fixed length"]),
    ("probabilities not adding up", "p: 0.1\n", "p: 0.2\n", "bad-probability", 22, 5, ["add up to 1.1", "more than 1"]),
    ("probabilities below 1", "p: 0.9\n", "p: 0.5\n", "bad-probability", 22, 5, ["add up to 0.6", "not 1"]),
    ("probability outside [0, 1]", "p: 0.9\n", "p: 1.9\n", "bad-probability", 24, 12, ["1.9", "outside [0, 1]"]),
    ("probability as text", "p: 0.9\n", "p: high\n", "wrong-type", 24, 12, ["must be a number", "high"]),
    ("wrong format version", "journeyaudit: 1", "journeyaudit: 2", "bad-version", 1, 15, ["unsupported format version", "journeyaudit: 1"]),
    ("version as text", "journeyaudit: 1", "journeyaudit: 'one'", "bad-version", 1, 15, ["unsupported format version"]),
    ("missing version", "journeyaudit: 1\n", "", "bad-version", 1, 1, ["add `journeyaudit: 1`"]),
    ("missing title", "title: Report a broken meter\n", "", "missing-key", 1, 1, ["missing required key 'title'"]),
    ("bad enum value", "    actor: customer", "    actor: client", "bad-value", 14, 12, ["actor of step 'report'", "staff, system, customer"]),
    ("bad stage", "title: Report a broken meter\n", "title: Report a broken meter\nstage: repair\n", "bad-value", 3, 8, ["stage 'repair'", "acquire"]),
    ("end and next together", "    end: success", "    end: success\n    next: report", "end-with-next", 35, 5, ["both `end: success` and `next`"]),
    ("boolean as text", "customer_facing: false", "customer_facing: nope", "wrong-type", 5, 50, ["true or false"]),
    ("step that is not a mapping", "  done:\n    title: Confirmation letter\n    department: support\n    channel: mail\n    actor: system\n    kind: notification\n    end: success\n", "  done: Confirmation letter\n", "wrong-type", 28, 9, ["step 'done' must be a mapping"]),
    ("empty next list", "    next: visit", "    next: []", "missing-value", 16, 11, ["empty list"]),
    ("blank title", "    title: A technician replaces the meter", "    title: '   '", "missing-value", 18, 12, ["the title of step 'visit' is empty"]),
    ("start naming a missing step", "departments:\n", "start: begin\ndepartments:\n", "unknown-reference", 3, 8, ["start names unknown step 'begin'"]),
]


@pytest.mark.parametrize("what,old,new,code,line,column,words", CASES, ids=[c[0] for c in CASES])
def test_broken_journey_reports_where_and_how_to_fix(what, old, new, code, line, column, words):
    assert old in VALID, what
    problem = only_problem(VALID.replace(old, new, 1))
    assert (problem.code, problem.line, problem.column) == (code, line, column), problem.format()
    for word in words:
        assert word in problem.message, problem.format()
    assert problem.format().startswith(f"meter.yaml:{line}:{column}: ")


def test_a_step_id_that_is_not_a_slug_gets_a_suggestion():
    result = load_text(VALID.replace("  report:\n", "  Report Fault:\n", 1), "meter.yaml")
    problem = result.problems[0]
    assert (problem.code, problem.line, problem.column) == ("bad-id", 10, 3)
    assert "'Report Fault'" in problem.message and "not a valid id" in problem.message
    assert "'report-fault'" in problem.message


def test_a_waiver_without_reason_is_an_error():
    text = VALID.replace("    wait: 2d\n", "    wait: 2d\n    waive:\n      - rule: long-wait\n", 1)
    problem = only_problem(text)
    assert problem.code == "waiver-without-reason"
    assert (problem.line, problem.column) == (22, 9)
    assert "no reason" in problem.message and "long-wait" in problem.message


def test_a_waiver_naming_an_unknown_rule_suggests_the_right_one():
    text = VALID.replace("    wait: 2d\n", "    wait: 2d\n    waive: [{rule: long-wiat, reason: regulator}]\n", 1)
    result = load_text(text, "meter.yaml", known_rules={"long-wait", "dead-end"})
    assert [p.code for p in result.problems] == ["unknown-rule"]
    assert "did you mean 'long-wait'?" in result.problems[0].message


def test_waivers_with_reasons_are_kept_on_the_journey_and_the_step():
    text = VALID.replace("departments:\n", "waive:\n  - {rule: no-feedback, reason: surveyed by post}\ndepartments:\n", 1)
    text = text.replace("    wait: 2d\n", "    wait: 2d\n    waive: [{rule: long-wait, reason: parts must be ordered}]\n", 1)
    journey = load_text(text, "meter.yaml").journey
    assert [(w.rule, w.reason, w.step) for w in journey.waivers] == [("no-feedback", "surveyed by post", None)]
    assert [(w.rule, w.step) for w in journey.steps["visit"].waivers] == [("long-wait", "visit")]


def test_all_problems_of_a_file_are_reported_at_once():
    text = VALID.replace("    department: field", "    department: feild").replace("wait: 2d", "wait: 20")
    result = load_text(text, "meter.yaml")
    assert [p.code for p in result.problems] == ["unknown-reference", "bad-duration"]


@pytest.mark.parametrize(
    "text,code,words",
    [
        ("", "empty-file", ["empty", "journeyaudit: 1"]),
        ("# only a comment\n", "empty-file", ["empty"]),
        ("- a\n- b\n", "not-a-mapping", ["mapping", "found a list"]),
        ("just text\n", "not-a-mapping", ["mapping", "text 'just text'"]),
        ("journeyaudit: 1\n---\njourneyaudit: 1\n", "yaml-syntax", ["one YAML document"]),
        ("title: [unclosed\n", "yaml-syntax", ["YAML syntax error"]),
    ],
)
def test_files_that_are_not_journeys(text, code, words):
    problem = only_problem(text)
    assert problem.code == code, problem.format()
    for word in words:
        assert word in problem.message


def test_binary_junk_is_refused_as_binary():
    result = load_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.yaml")
    assert [p.code for p in result.problems] == ["binary-file"]


def test_text_that_is_not_utf8_names_the_byte_and_where_it_is():
    data = b"journeyaudit: 1\ntitle: Caf" + b"\xe9 au lait\n"
    result = load_bytes(data, "latin1.yaml")
    problem = result.problems[0]
    assert problem.code == "encoding"
    assert (problem.line, problem.column) == (2, 11)
    assert "0xe9" in problem.message and "UTF-8" in problem.message


def test_a_utf8_byte_order_mark_is_accepted():
    assert load_bytes(b"\xef\xbb\xbf" + VALID.encode(), "bom.yaml").ok
