"""channel-switch: the customer has to move to another channel."""

from __future__ import annotations

from journeyaudit.analysis.metrics import channel_switch
from journeyaudit.rules._common import q
from journeyaudit.rules.base import JourneyRule, RawFinding


class ChannelSwitch(JourneyRule):
    id = "channel-switch"
    default_severity = "warning"
    category = "hostile"
    summary = "An edge where the channel changes and the customer has to move (web → phone)."
    description = (
        "Reports every edge whose target is on another channel than its source, unless the "
        "target is a `notification` or its actor is `system`: a letter or an email the "
        "company sends does not make the customer move, but a call they have to make after "
        "a web form, or a document they have to post after a call, does. Edges into or out "
        "of back-office work (a step on the `internal`, `back-office` or `none` channel) are "
        "not switches: the customer never sees those steps, and neither are edges from or to "
        "a step whose channel the file does not state (the `web` default of a start without "
        "`channel`, and the steps that inherit only it). One finding per "
        "edge (a `next` listing the same target twice counts once), on the target step. The "
        "rule judges every edge as written, reachable or not. The `expected_channel_switches` "
        "metric counts the same edges, weighed by how often they are taken."
    )
    story = (
        '"The experience across departments or channels can be so different from one to the '
        "other that the relationship with the company feels broken, if not downright "
        'schizophrenic." (002_1c67336fb9d03c36.txt)'
    )
    seed = "002"
    fix = "Finish the step on the channel the customer is already on, or have the company make the move (call back, send the form)."
    failing = """\
journeyaudit: 1
title: Change a delivery address
departments:
  shop: {title: Online shop}
steps:
  form:
    title: Fill in the change form
    department: shop
    channel: web
    actor: customer
    next: call
  call:
    title: Call to confirm the change
    department: shop
    channel: phone
    end: success
"""
    passing = """\
journeyaudit: 1
title: Change a delivery address
departments:
  shop: {title: Online shop}
steps:
  form:
    title: Fill in the change form
    department: shop
    channel: web
    actor: customer
    next: confirm
  confirm:
    title: Confirmation email
    department: shop
    channel: email
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "roles"})
    no_fix = (
        "Which channel a step belongs on depends on what it needs (a signature, a "
        "document, a conversation): no edit is safe without knowing."
    )

    def check(self, context, options):
        steps = context.journey.steps
        stated = context.analysis.stated_channels
        for source in steps.values():
            seen = set()
            for edge in source.next:
                target = steps.get(edge.target)
                if target is None or target.id in seen:
                    continue
                seen.add(target.id)
                # The same test as the `expected_channel_switches` metric, so the two never disagree.
                if not channel_switch(source, target, stated):
                    continue
                yield RawFinding(
                    message=(
                        f"the customer has to move from {source.channel} to {target.channel}: "
                        f"{q(source.id)} → {q(target.id)}"
                    ),
                    step=target.id,
                    steps=(source.id, target.id),
                )
