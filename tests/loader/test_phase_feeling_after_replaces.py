"""The keys `after`, `phase`, `feeling` (steps) and `replaces` (journey): read, checked, agreed by the JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from journeyaudit.commands.schema import schema_text
from journeyaudit.loading import load_text

VALIDATOR = jsonschema.Draft7Validator(json.loads(schema_text()))

JOURNEY = """\
journeyaudit: 1
title: Report a broadband fault
replaces: broadband-fault
departments:
  support: {title: Technical support}
steps:
  report:
    title: Report the fault on the app
    department: support
    channel: app
    actor: customer
    phase: Report the fault
    feeling: -1
    next: call-back
  call-back:
    title: An engineer calls back the next morning
    department: support
    channel: phone
    after: 16h
    duration: 10m
    phase: Wait for the engineer
    feeling: 1
    end: success
"""


def test_the_new_keys_load_into_the_model():
    result = load_text(JOURNEY, "new.yaml")
    assert result.ok, [p.format() for p in result.problems]
    journey = result.journey
    assert journey.replaces == "broadband-fault"
    report, call = journey.steps["report"], journey.steps["call-back"]
    assert (report.phase, report.feeling, report.after_s) == ("Report the fault", -1, 0.0)
    assert (call.phase, call.feeling, call.after_s) == ("Wait for the engineer", 1, 16 * 3600.0)
    assert call.wait_s == 0.0 and call.elapsed_s == 16 * 3600.0 + 600.0
    assert list(VALIDATOR.iter_errors(yaml.safe_load(JOURNEY))) == []


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (("feeling: -1", "feeling: 3"), "13:14", "feeling of step 'report' (-2 angry .. 2 delighted) must be a whole number from -2 to 2"),
        (("feeling: -1", "feeling: 1.5"), "13:14", "must be a whole number from -2 to 2"),
        (("feeling: -1", "feeling: happy"), "13:14", "must be a whole number from -2 to 2"),
        (("feeling: -1", "feeling: true"), "13:14", "must be a whole number from -2 to 2"),
        (("after: 16h", "after: 16"), "19:12", "after of step 'call-back'"),
        (("phase: Report the fault", "phase: [a, b]"), "12:12", "the phase of step 'report' must be text"),
        (("replaces: broadband-fault", "replaces: Broadband Fault"), "3:11", "replaces 'Broadband Fault'"),
    ],
)
def test_a_bad_value_is_a_located_error_and_the_schema_rejects_it_too(change, where, message):
    text = JOURNEY.replace(*change, 1)
    assert text != JOURNEY
    result = load_text(text, "new.yaml")
    assert not result.ok
    (problem,) = result.problems
    assert f"{problem.line}:{problem.column}" == where
    assert message in problem.message
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text)))


def test_a_whole_number_written_with_a_point_is_a_feeling_as_in_json_schema():
    text = JOURNEY.replace("feeling: -1", "feeling: -1.0", 1)
    assert load_text(text, "new.yaml").journey.steps["report"].feeling == -1
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text))) == []


def test_a_misspelt_key_suggests_the_new_one():
    result = load_text(JOURNEY.replace("feeling: -1", "feelings: -1", 1), "new.yaml")
    assert any("did you mean 'feeling'" in p.message for p in result.problems)
