"""Back-office work (internal channels) is not a channel the customer moves to."""

from __future__ import annotations

from tests.rules.helpers import context_of, run

TEXT = """\
journeyaudit: 1
title: Claim with a back-office review
departments:
  claims: {title: Claims}
  review: {title: Review team, customer_facing: false}
steps:
  report:
    title: Report the damage online
    department: claims
    channel: web
    actor: customer
    next: assess
  assess:
    title: The review team assesses the claim
    department: review
    channel: internal
    next: call
  call:
    title: An adjuster calls the customer
    department: claims
    channel: phone
    end: success
"""


def test_moving_into_or_out_of_back_office_work_is_not_a_switch():
    assert run("channel-switch", TEXT) == []
    assert context_of(TEXT).analysis.metrics["expected_channel_switches"] == 0.0


def test_the_same_journey_without_the_back_office_step_is_a_switch():
    direct = TEXT.replace("    next: assess\n", "    next: call\n", 1)
    findings = run("channel-switch", direct)
    assert [f.steps for f in findings] == [("report", "call")]
    assert context_of(direct).analysis.metrics["expected_channel_switches"] == 1.0
