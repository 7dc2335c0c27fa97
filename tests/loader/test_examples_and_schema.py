"""The shared examples validate with the loader and the shipped JSON Schema alike."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from journeyaudit.commands.init import STARTER
from journeyaudit.commands.schema import schema_text
from journeyaudit.loading import load_file, load_text
from tests.conftest import EXAMPLES, JOURNEYS

SCHEMA = json.loads(schema_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def example_files():
    files = sorted(EXAMPLES.glob("*.yaml")) + sorted(JOURNEYS.glob("*.yaml"))
    assert len(files) >= 2, "the shared examples are missing"
    return files


def test_the_schema_is_valid_draft_7():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_validate_with_loader_and_schema(path):
    result = load_file(path)
    assert result.ok, [p.format() for p in result.problems]
    errors = list(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert errors == []


def test_loan_payoff_is_read_as_written():
    journey = load_file(EXAMPLES / "loan-payoff.yaml").journey
    assert journey.id == "loan-payoff" and journey.start == "call"
    assert journey.known == ("name", "account")
    assert journey.promise.duration_s == 900 and journey.promise.contacts == 1
    assert journey.departments["compliance"].customer_facing is False
    assert journey.data["ssn"].sensitive is True
    check = journey.steps["compliance-check"]
    assert (check.kind, check.value, check.wait_s, check.duration_s) == ("verification", "business", 540, 480)
    assert [(e.target, e.probability, e.when) for e in check.next] == [
        ("send-proof", 0.4, "payment above the anti-money-laundering threshold"),
        ("back-to-loans", 0.6, None),
    ]
    assert journey.steps["send-proof"].wait_s == 3 * 86400
    assert journey.steps["call"].location.line == 27 and journey.steps["call"].location.column == 3


def test_channels_default_to_the_previous_step_and_web_for_the_start():
    journey = load_text(
        "journeyaudit: 1\ntitle: T\ndepartments: {d: {}}\nsteps:\n"
        "  a: {title: A, department: d, next: b}\n"
        "  b: {title: B, department: d, channel: phone, next: c}\n"
        "  c: {title: C, department: d, end: success}\n"
    ).journey
    assert [s.channel for s in journey.steps.values()] == ["web", "phone", "phone"]
    assert journey.departments["d"].title == "d"


def test_branches_without_p_share_the_rest_equally():
    journey = load_text(
        "journeyaudit: 1\ntitle: T\ndepartments: {d: {}}\nsteps:\n"
        "  a: {title: A, department: d, next: [{to: b, p: 0.4}, {to: c}, {to: d}]}\n"
        "  b: {title: B, department: d, next: [c, d]}\n"
        "  c: {title: C, department: d, end: success}\n"
        "  d: {title: D, department: d, end: failure}\n"
    ).journey
    assert [e.probability for e in journey.steps["a"].next] == pytest.approx([0.4, 0.3, 0.3])
    assert [e.probability for e in journey.steps["b"].next] == [0.5, 0.5]


def test_the_init_starter_validates_with_loader_and_schema():
    text = STARTER.format(file="x.yaml", title="My journey")
    assert load_text(text, "x.yaml").ok
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text))) == []


@pytest.mark.parametrize(
    "change",
    [
        ("wait: 18m", "wait: 18"),
        ("department: loans\n", "departmnet: loans\n"),
        ("journeyaudit: 1", "journeyaudit: 2"),
        ("p: 0.4", "p: 1.4"),
    ],
)
def test_schema_and_loader_reject_the_same_mistakes(change):
    text = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8").replace(*change, 1)
    assert not load_text(text, "x.yaml").ok
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text)))
