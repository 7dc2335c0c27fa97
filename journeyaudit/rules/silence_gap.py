"""silence-gap: a long time without hearing from the company (no contact, no message)."""

from __future__ import annotations

from journeyaudit.rules._common import duration, join, q, shorten
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class SilenceGap(JourneyRule):
    id = "silence-gap"
    default_severity = "warning"
    options = {"max": "2d"}
    duration_options = frozenset({"max"})
    category = "hostile"
    summary = "On some way, the time between two touchpoints (or from the start to the first) is longer than `max`."
    description = (
        "A touchpoint is a contact step (staff or system on a channel the customer sees) or a "
        "message (a `notification`: a letter, an SMS, an e-mail). Between two touchpoints the "
        "customer hears nothing: the silence is the elapsed time of the steps in between "
        "(wait, `after` and duration: the customer's own work, the back office, an "
        "appointment) plus the wait and `after` of the touchpoint that ends it; before the "
        "first touchpoint it runs from the start of the journey. For every reachable "
        "touchpoint the analysis finds the longest such silence over every way, its quiet "
        "stretch visiting no step twice (a search over the steps between touchpoints, never "
        "by listing ways). One finding per gap longer than `max`, on the touchpoint that ends "
        "it, however many earlier steps lead to it: the message names where the longest "
        "silence begins and the steps it passes. A stretch through a large loop of quiet "
        "steps is measured as an upper bound (\"up to\"). The time after the last touchpoint "
        "is not a gap."
    )
    story = (
        '"Out of site, out of mind applies to marketing too. If you\'re not communicating with '
        "your customers, adding value to the relationship in some manner, at least monthly you "
        'stand a pretty good chance of losing them" (001_e20e57e0099d3d5a.txt, point 5)'
    )
    seed = "001"
    fix = "Tell the customer where their case stands during the silence (a status message, a call), or shorten it."
    failing = """\
journeyaudit: 1
title: Claim a warranty repair
departments:
  service: {title: After-sales service}
steps:
  claim:
    title: Claim the repair at the counter
    department: service
    channel: branch
    next: post
  post:
    title: Send the device to the workshop
    department: service
    channel: mail
    actor: customer
    duration: 30m
    next: repaired
  repaired:
    title: Device returned repaired
    department: service
    channel: mail
    actor: system
    kind: notification
    wait: 3w
    end: success
"""
    passing = """\
journeyaudit: 1
title: Claim a warranty repair
departments:
  service: {title: After-sales service}
steps:
  claim:
    title: Claim the repair at the counter
    department: service
    channel: branch
    next: post
  post:
    title: Send the device to the workshop
    department: service
    channel: mail
    actor: customer
    duration: 30m
    next: received
  received:
    title: Device received, repair under way
    department: service
    channel: sms
    actor: system
    kind: notification
    wait: 1d
    next: repaired
  repaired:
    title: Device returned repaired
    department: service
    channel: mail
    actor: system
    kind: notification
    wait: 1d
    end: success
"""

    reads = frozenset({"structure", "times", "after", "roles"})
    fixes = (
        FixDoc(
            kind="status-message",
            changes=(
                "Adds automated status messages (`kind: notification`, `actor: system`) in "
                "the quiet stretch, each as late as `max` allows: where a step begins, or "
                "part-way into the wait before a step, which keeps the rest of it."
            ),
            safe=(
                "Nobody waits longer or shorter: the wait before the step is only split. A "
                "message hands the case to nobody and asks nothing; its channel keeps its "
                "share of the wait within `long-wait`'s limit and does not make the customer "
                "move."
            ),
            failing=failing.replace("    wait: 3w\n", "    wait: 3d\n"),
            passing="""\
journeyaudit: 1
title: Claim a warranty repair
departments:
  service: {title: After-sales service}
steps:
  claim:
    title: Claim the repair at the counter
    department: service
    channel: branch
    next: post
  post:
    title: Send the device to the workshop
    department: service
    channel: mail
    actor: customer
    duration: 30m
    next: status-update
  repaired:
    title: Device returned repaired
    department: service
    channel: mail
    actor: system
    kind: notification
    wait: 1d 30m
    end: success
  status-update:
    title: "Status update: where the case stands before 'repaired'"
    department: service
    channel: mail
    actor: system
    kind: notification
    wait: 1d 23h 30m
    next: repaired
""",
        ),
    )

    def check(self, context, options):
        limit = options["max"]
        steps = context.journey.steps
        for step_id in steps:  # file order
            silence = context.analysis.silences.get(step_id)
            if silence is None or silence.seconds <= limit:
                continue
            where = "the start" if silence.origin is None else q(silence.origin)
            to = f"back to {q(step_id)}" if silence.origin == step_id else f"to {q(step_id)}"  # round a loop
            via = f" through {join(shorten([q(s) for s in silence.quiet]))}" if silence.quiet else ""
            amount = ("up to " if silence.approximate else "") + duration(silence.seconds)
            way = ((silence.origin,) if silence.origin is not None else ()) + silence.quiet + (step_id,)
            yield RawFinding(
                message=f"{amount} of silence from {where} {to}{via} (max {duration(limit)})",
                step=step_id,
                steps=way,
            )
