"""The figures users see in the JSON output, checked against shared/spec/output.md."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeyaudit.analysis import analyze
from journeyaudit.analysis.metrics import (
    METRIC_KEYS,
    effort_points,
    score_from_effort,
    tidy,
)
from journeyaudit.loading import load_file
from tests.analysis.builders import journey
from tests.conftest import OUTPUT_MD_LOAN_PAYOFF


@pytest.fixture
def loan_payoff(examples_dir):
    result = load_file(examples_dir / "loan-payoff.yaml")
    assert not result.problems
    return analyze(result.journey)


def test_loan_payoff_figures_match_the_output_contract(loan_payoff):
    for key, expected in OUTPUT_MD_LOAN_PAYOFF.items():
        assert loan_payoff.metrics[key] == pytest.approx(expected, abs=1e-6), key
        assert type(loan_payoff.metrics[key]) is type(expected), key


def test_loan_payoff_effort_and_score_follow_the_documented_formula(loan_payoff):
    # docs/metrics.md: 3 * 4 hand-offs + 2 * 0.8 switches + 10.4 asks + 2 * 8 repeated
    # + 3420 s on hold (57 min of phone queues) / 600 + 103680 s of other waiting
    # (0.4 x 3 days by post) / 86400 + 2460 s / 600 active
    # = 12 + 1.6 + 10.4 + 16 + 5.7 + 1.2 + 4.1
    assert loan_payoff.metrics["expected_hold_s"] == pytest.approx(3420)
    assert loan_payoff.metrics["effort"] == pytest.approx(51.0)
    # 100 * 25 / (25 + 51) = 32.9 -> 33
    assert loan_payoff.metrics["score"] == 33


def test_loan_payoff_worst_way_and_most_likely_way(loan_payoff):
    # Both ways have 4 hand-offs: contact-center -> loans -> compliance -> loans ->
    # payments (the closing letter is an automated message: no hand-off); the search
    # keeps the first it finds, through the proof of funds.
    assert loan_payoff.worst_handoffs.steps == (
        "call", "loans-desk", "compliance-check", "send-proof", "back-to-loans", "pay", "closed",
    )
    assert loan_payoff.most_likely_way == ("call", "loans-desk", "compliance-check", "back-to-loans", "pay", "closed")


def test_loan_payoff_repeated_asks_name_where_the_data_was_first_given(loan_payoff):
    # name and account are `known`: asking them at `call` already repeats them
    assert loan_payoff.first_given[("call", "name")] is None
    assert loan_payoff.first_asked[("loans-desk", "account")] == "call"
    assert ("call", "dob") not in loan_payoff.first_given  # dob was not held yet


def test_loan_application_figures(examples_dir):
    a = analyze(load_file(examples_dir / "loan-application.yaml").journey)
    # apply 6m, decide 1m, then sign 3m (0.8) or the decline email (0.2):
    # 360 + 60 + 0.8 * 180 = 564 s; worst 600 s; 80 % success.
    assert a.metrics["expected_duration_s"] == 564.0
    assert a.metrics["worst_duration_s"] == 600.0
    assert a.metrics["success_rate"] == 0.8
    assert a.metrics["failure_rate"] == 0.2
    assert a.metrics["max_handoffs"] == 0
    # successful customers: apply, decide, sign = 600 s
    assert a.metrics["expected_duration_success_s"] == 600.0


def test_metric_keys_come_in_output_md_order_then_extras(loan_payoff):
    keys = list(loan_payoff.metrics)
    assert keys == list(METRIC_KEYS)
    assert keys[: len(OUTPUT_MD_LOAN_PAYOFF)] == list(OUTPUT_MD_LOAN_PAYOFF)
    assert keys[len(OUTPUT_MD_LOAN_PAYOFF) : len(OUTPUT_MD_LOAN_PAYOFF) + 2] == ["effort", "score"]


def test_figures_are_rounded_to_3_decimals_and_json_stable():
    # a rework loop with p = 1/3: 1.5 visits; 7 s per visit = 10.5 s
    j = journey({"a": {"duration": 7, "next": [("a", 1 / 3), ("z", 2 / 3)]}, "z": {"end": "success"}})
    a = analyze(j)
    assert a.metrics["expected_duration_s"] == 10.5
    text = json.dumps(a.metrics)
    assert json.dumps(analyze(j).metrics) == text
    for value in a.metrics.values():
        if isinstance(value, float):
            assert value == round(value, 3)
    assert str(tidy(-0.0)) == "0.0" and str(tidy(-1e-12)) == "0.0"  # no signed zero, no rounding noise
    assert tidy(-0.0004) == -0.0004  # a real change that 3 decimals would hide


def test_value_added_ratio_is_one_when_no_time_is_spent():
    a = analyze(journey({"a": {"next": "z"}, "z": {"end": "success"}}))
    assert a.metrics["value_added_ratio"] == 1.0


def test_channel_switch_is_not_counted_into_a_notification_or_a_system_step():
    j = journey(
        {
            "a": {"channel": "web", "next": "b"},
            "b": {"channel": "phone", "next": "c"},  # switch: web -> phone
            "c": {"channel": "email", "kind": "notification", "next": "d"},  # not a switch
            "d": {"channel": "sms", "actor": "system", "end": "success"},  # not a switch
        }
    )
    assert analyze(j).metrics["expected_channel_switches"] == 1.0


def test_score_is_100_without_effort_and_50_at_25_points():
    assert score_from_effort(0) == 100
    assert score_from_effort(25) == 50


figure = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(
    base=st.tuples(figure, figure, figure, figure, figure, figure, figure),
    which=st.integers(min_value=0, max_value=6),
    extra=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_more_of_any_friction_never_scores_better(base, which, extra):
    worse = list(base)
    worse[which] += extra
    assert effort_points(*worse) >= effort_points(*base)
    assert score_from_effort(effort_points(*worse)) <= score_from_effort(effort_points(*base))


@given(
    wait=st.integers(min_value=0, max_value=100_000),
    added_wait=st.integers(min_value=0, max_value=100_000),
    step=st.sampled_from(["a", "b", "c"]),
    department=st.sampled_from(["d", "other"]),
    channel=st.sampled_from(["web", "phone"]),
    ask=st.sampled_from(["", "name", "id"]),
)
def test_a_journey_with_an_added_wait_ask_switch_or_handoff_never_scores_better(
    wait, added_wait, step, department, channel, ask
):
    def build(extra: bool):
        steps = {
            "a": {"wait": wait, "asks": ["name"], "next": [("b", 0.5), ("c", 0.5)]},
            "b": {"next": [("a", 0.3), ("c", 0.7)]},
            "c": {"duration": 60, "end": "success"},
        }
        if extra:
            spec = steps[step]
            spec["wait"] = spec.get("wait", 0) + added_wait
            spec["dept"] = department  # a hand-off into and out of this step
            spec["channel"] = channel
            if ask:
                spec["asks"] = list(spec.get("asks", [])) + [ask]
        return analyze(journey(steps)).metrics

    plain, worse = build(False), build(True)
    # changing only `step` adds friction: hand-offs, switches, waits and asks can only grow
    assert worse["expected_handoffs"] >= plain["expected_handoffs"]
    assert worse["effort"] >= plain["effort"]
    assert worse["score"] <= plain["score"]
