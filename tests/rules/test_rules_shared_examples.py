"""The must / must-not table of shared/examples/README.md, on the shared journeys themselves."""

from __future__ import annotations

import pytest

from journeyaudit.rules.registry import all_rules

from .helpers import EXAMPLES, examples, run_on, run_portfolio_on


@pytest.fixture(scope="module")
def journeys():
    if not EXAMPLES.is_dir():
        pytest.fail(f"the shared examples are missing: {EXAMPLES}")
    return examples()


@pytest.fixture(scope="module")
def payoff(journeys):
    return journeys["loan-payoff"]


@pytest.fixture(scope="module")
def application(journeys):
    return journeys["loan-application"]


def by_step(findings):
    return {finding.step: finding for finding in findings}


def test_repeated_ask(payoff):
    findings = [f for f in run_on("repeated-ask", payoff) if f.severity is None]
    assert [f.step for f in findings] == ["call", "loans-desk", "compliance-check", "back-to-loans", "pay"]
    found = by_step(findings)
    assert found["call"].data == ("account", "name")
    assert found["call"].message == (
        "asks again for Full name and Loan account number, already held by the company "
        "(known before the journey starts)"
    )
    # The output.md example, word for word.
    assert found["loans-desk"].message == "asks again for Full name and Loan account number, already given at 'call'"
    assert found["compliance-check"].data == ("account",)
    assert "Loan account number" in found["compliance-check"].message
    assert "Social security number" not in found["compliance-check"].message
    assert found["back-to-loans"].data == ("account",)
    assert found["pay"].data == ("account", "name")
    assert not [f for f in run_on("repeated-ask", payoff) if f.severity == "info"]


def test_handoffs(payoff):
    # The closing letter is an automated message: no hand-off into it, 4 in all.
    (finding,) = run_on("handoffs", payoff)
    assert finding.message == (
        "Contact center → Loan servicing → Compliance → Loan servicing → Payments: "
        "4 hand-offs on the worst way (max 3)"
    )
    assert finding.steps[:3] == ("call", "loans-desk", "compliance-check")
    assert finding.steps[-3:] == ("back-to-loans", "pay", "closed")
    assert finding.step == "pay"  # the 4th hand-off lands there


def test_ping_pong(payoff):
    # loans -> compliance -> loans, once (through 'send-proof' or not); not loans ->
    # payments -> loans: the letter from loans is a message.
    (finding,) = run_on("ping-pong", payoff)
    assert finding.steps == ("loans-desk", "compliance-check", "back-to-loans")
    assert finding.step == "back-to-loans"
    assert "Loan servicing to Compliance and back to Loan servicing" in finding.message
    assert "Payments" not in finding.message


def test_departments_touched(payoff):
    (finding,) = run_on("departments-touched", payoff)
    assert finding.steps == ("call", "loans-desk", "compliance-check", "back-to-loans", "pay", "closed")
    assert finding.step is None
    assert finding.message.startswith("4 departments on the most likely way")
    for title in ("Contact center", "Loan servicing", "Compliance", "Payments"):
        assert title in finding.message


def test_long_wait(payoff):
    found = by_step(run_on("long-wait", payoff))
    assert list(found) == ["call", "loans-desk", "compliance-check", "back-to-loans", "pay"]
    assert "send-proof" not in found  # mail, 3d: under the 5d limit
    assert found["call"].message == "the customer waits 18m on phone (max 5m for phone)"


def test_business_only_step(payoff):
    found = by_step(run_on("business-only-step", payoff))
    assert list(found) == ["compliance-check", "send-proof"]
    assert "17m" in found["compliance-check"].message
    assert "3d 30m" in found["send-proof"].message
    assert "Proof of the source of funds" in found["send-proof"].message


def test_channel_switch(payoff):
    found = {f.steps: f for f in run_on("channel-switch", payoff)}
    assert set(found) == {("compliance-check", "send-proof"), ("send-proof", "back-to-loans")}
    assert found[("compliance-check", "send-proof")].step == "send-proof"
    assert "from phone to mail" in found[("compliance-check", "send-proof")].message
    assert "from mail to phone" in found[("send-proof", "back-to-loans")].message


def test_no_feedback(payoff, application):
    for context in (payoff, application):
        (finding,) = run_on("no-feedback", context)
        assert finding.step is None


def test_broken_promise(payoff):
    # 15 minutes and 1 contact promised; 1.4 contacts expected: one long call
    # (transfers included), a second one for the 40 % who post the proof; the
    # closing letter is a message, not a contact.
    messages = [f.message for f in run_on("broken-promise", payoff)]
    assert messages == [
        "expected 1d 6h to a successful end, 15m promised (kept for 0% of customers)",
        "expected 1.4 contacts to a successful end, 1 contact promised",
    ]
    assert payoff.analysis.metrics["expected_messages"] == 1.0


def test_silence_gap(payoff):
    # One gap, at the step that ends it: 3d wait + 30m at send-proof, then back-to-loans' 10m wait.
    (finding,) = run_on("silence-gap", payoff)
    assert finding.step == "back-to-loans"
    assert finding.steps == ("compliance-check", "send-proof", "back-to-loans")
    assert finding.message == "3d 40m of silence from 'compliance-check' to 'back-to-loans' through 'send-proof' (max 2d)"


def test_effort_asymmetry(payoff, application):
    (finding,) = run_portfolio_on("effort-asymmetry", [payoff, application])
    assert finding.journey == "loan-payoff"
    assert finding.related_journeys == ("loan-application",)
    assert "'loan-application'" in finding.message and "times as much (max 2)" in finding.message


PAYOFF_SILENT = [
    "unreachable-step", "dead-end", "no-way-out", "repeated-verification", "exit-without-human", "no-follow-up",
]


@pytest.mark.parametrize("rule_id", PAYOFF_SILENT)
def test_payoff_does_not_report(payoff, rule_id):
    assert run_on(rule_id, payoff) == []


def test_no_loyalty_penalty_nor_missing_counterpart(payoff, application):
    assert run_portfolio_on("loyalty-penalty", [payoff, application]) == []
    assert run_portfolio_on("missing-counterpart", [payoff, application]) == []


def test_application_reports_no_follow_up(application):
    (finding,) = run_on("no-follow-up", application)
    assert finding.step is None and finding.steps == ("welcome",)


@pytest.mark.parametrize(
    "rule_id",
    sorted(
        rule_id
        for rule_id, checker in all_rules().items()
        if checker.category in ("handoffs", "information") or rule_id in ("long-wait", "silence-gap")
    ),
)
def test_application_nothing_from_handoff_information_or_waiting_rules(application, rule_id):
    assert run_on(rule_id, application) == []


def test_application_reports_only_what_the_readme_says(application, payoff):
    reported = {
        rule_id
        for rule_id, checker in all_rules().items()
        if not checker.portfolio and run_on(rule_id, application)
    }
    assert reported == {"no-feedback", "no-follow-up"}
    assert run_portfolio_on("effort-asymmetry", [application, payoff])[0].journey != "loan-application"
