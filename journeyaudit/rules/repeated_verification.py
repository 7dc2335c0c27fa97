"""repeated-verification: the customer is verified more than once on one way."""

from __future__ import annotations

from journeyaudit.analysis.worstcase import worst_way
from journeyaudit.rules._common import join, q, shorten
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class RepeatedVerification(JourneyRule):
    id = "repeated-verification"
    default_severity = "warning"
    category = "information"
    summary = "A way with more than one `verification` step."
    description = (
        "Finds the loop-free way with the most steps of kind `verification` (the analysis's "
        "worst-way search, with each verification step weighing 1: never by listing ways) "
        "and reports the journey once when that way has more than one. The finding points "
        "at the second verification step of the way and lists the whole way; the message "
        "names the verification steps. Verifications are counted on the way itself, so the "
        "figure is always that of a way a customer can walk."
    )
    story = (
        '"Amazingly, Chase Bank had to verify that it was authorized to accept payment. I '
        'don\'t know about you, but when someone offers to pay me back, I don\'t ask where the '
        'money came from" (000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Verify the customer once and pass the result along with the case."
    failing = """\
journeyaudit: 1
title: Change the phone number on a bank account
departments:
  service: {title: Customer service}
  security: {title: Security}
steps:
  identify:
    title: Answer security questions
    department: service
    channel: phone
    kind: verification
    value: business
    next: transfer
  transfer:
    title: Transferred to security, answer the questions again
    department: security
    kind: verification
    value: business
    next: changed
  changed:
    title: Phone number changed
    department: security
    channel: sms
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Change the phone number on a bank account
departments:
  service: {title: Customer service}
steps:
  identify:
    title: Answer security questions
    department: service
    channel: phone
    kind: verification
    value: business
    next: change
  change:
    title: The agent changes the number
    department: service
    next: changed
  changed:
    title: Phone number changed
    department: service
    channel: sms
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="merge-verifications",
            changes=(
                "Removes the later verification steps of the worst way (each branch into one "
                "leads where it led, chances multiplied) and has the first verification ask "
                "what they asked that was not held yet, taking their time for it."
            ),
            safe=(
                "Only a verification that every way passes the first one before is removed: "
                "whoever reaches it has been verified already. What it asked and nobody had "
                "asked moves to the first check, so no information is lost."
            ),
            failing=failing,
            passing=failing.replace((
                '    next: transfer\n'
                '  transfer:\n'
                '    title: Transferred to security, answer the questions again\n'
                '    department: security\n'
                '    kind: verification\n'
                '    value: business\n'
            ), ""),
        ),
    )

    def check(self, context, options):
        journey = context.journey
        worst = worst_way(
            journey,
            getattr(context.analysis, "graph", None),
            lambda step: 1.0 if step.kind == "verification" else 0.0,
        )
        way = tuple(step for step in worst.steps if step in journey.steps)
        verifications = [step for step in way if journey.steps[step].kind == "verification"]
        if len(verifications) <= 1:
            return
        yield RawFinding(
            message=(
                f"the customer is verified {'twice' if len(verifications) == 2 else f'{len(verifications)} times'} on one way: "
                f"{join(shorten([q(step) for step in verifications]))}"
            ),
            step=verifications[1],
            steps=way,
        )
