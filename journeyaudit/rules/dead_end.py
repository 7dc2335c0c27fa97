"""dead-end: a step with neither `next` nor `end`."""

from __future__ import annotations

from journeyaudit.rules._common import q
from journeyaudit.rules.base import JourneyRule, RawFinding


class DeadEnd(JourneyRule):
    id = "dead-end"
    default_severity = "error"
    category = "structure"
    summary = "A step with neither `next` nor `end`: the customer is stuck."
    description = (
        "Reports every step that has neither a `next` nor an `end`: a customer who gets there "
        "has nowhere to go and nothing is finished, so they repeat themselves until they give "
        "up. Every such step is reported, reachable or not (an unreachable one is also "
        "reported by `unreachable-step`). Ways that lead into a dead end are reported by "
        "`no-way-out`."
    )
    story = (
        '"sick and tired of waiting on hold ... and repeating the most basic information '
        "(your name, account numbers, passwords, and more, every time you transact on the web, "
        'over the phone, and in-person)" (002_1c67336fb9d03c36.txt)'
    )
    seed = "002"
    fix = "Say where the customer goes next (`next`), or mark the step as final (`end: success`, `failure` or `abandoned`)."
    failing = """\
journeyaudit: 1
title: Report a broken card
departments:
  cards: {title: Card services}
steps:
  report:
    title: Report the card on the app
    department: cards
    channel: app
    actor: customer
    next: confirm
  confirm:
    title: We will get back to you
    department: cards
    actor: system
    kind: notification
"""
    passing = """\
journeyaudit: 1
title: Report a broken card
departments:
  cards: {title: Card services}
steps:
  report:
    title: Report the card on the app
    department: cards
    channel: app
    actor: customer
    next: confirm
  confirm:
    title: New card on its way
    department: cards
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure"})
    no_fix = (
        "Where a customer should go from a stuck step, or how the journey ends there, "
        "only the author knows: no edit is safe without it."
    )

    def check(self, context, options):
        for step_id in context.analysis.dead_ends:
            yield RawFinding(
                message=f"{q(step_id)} has neither next nor end: a customer who gets here is stuck",
                step=step_id,
                steps=(step_id,),
            )
