"""exit-without-human: a customer can leave without anyone trying to keep them."""

from __future__ import annotations

from journeyaudit.rules._common import bfs_way, way_text
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class ExitWithoutHuman(JourneyRule):
    id = "exit-without-human"
    default_severity = "warning"
    category = "hostile"
    summary = "A `leave` journey in which a way reaches an end with no `staff` step and no `retention-offer` step."
    description = (
        "Only for journeys with `stage: leave`. The rule searches (breadth-first) the steps "
        "that are neither done by `staff` nor of kind `retention-offer`, starting from the "
        "start step, for an end: when one is found, some customer can leave without ever "
        "speaking to a person or being offered a reason to stay. One finding for the "
        "journey, listing the shortest such way."
    )
    story = (
        '"when I called to close the account I didn\'t speak to anyone. It was completely '
        'automated. REALLY? They let their V.I.P. customers go that easily?" '
        "(004_368f8027c8a6919d.txt)"
    )
    seed = "004"
    fix = "Put a person, or at least a retention offer, on every way out: ask why the customer leaves and what would keep them."
    failing = """\
journeyaudit: 1
title: Close a store card
stage: leave
segment: vip
departments:
  cards: {title: Store card services}
steps:
  menu:
    title: Automated phone menu
    department: cards
    channel: phone
    actor: system
    next: closed
  closed:
    title: Card closed
    department: cards
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Close a store card
stage: leave
segment: vip
departments:
  cards: {title: Store card services}
steps:
  menu:
    title: Automated phone menu
    department: cards
    channel: phone
    actor: system
    next: offer
  offer:
    title: An agent asks why and offers to waive the annual fee
    department: cards
    actor: staff
    kind: retention-offer
    next: closed
  closed:
    title: Card closed
    department: cards
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="add-retention-offer",
            changes=(
                "Adds a five-minute conversation with an agent (`kind: retention-offer`, "
                "`actor: staff`) before each end a customer reaches without a person, on the "
                "channel they are on, in the department handling the case; the branches of "
                "those ways lead to it first."
            ),
            safe=(
                "Only the ways without a person change, and every customer still ends where "
                "they ended: the agent takes over on the channel the customer is already on "
                "(the same call goes on)."
            ),
            failing=failing,
            passing=failing.replace('    next: closed\n', '    next: retention-offer\n').replace('    end: success\n', (
                '    end: success\n'
                '  retention-offer:\n'
                '    title: An agent asks why the customer leaves and what would keep them\n'
                '    department: cards\n'
                '    channel: phone\n'
                '    actor: staff\n'
                '    kind: retention-offer\n'
                '    duration: 5m\n'
                '    next: closed\n'
            )),
        ),
    )

    def check(self, context, options):
        journey = context.journey
        if journey.stage != "leave":
            return
        steps = journey.steps
        way = bfs_way(
            journey,
            journey.start,
            allowed=lambda step: steps[step].actor != "staff" and steps[step].kind != "retention-offer",
            goal=lambda step: steps[step].is_end,
        )
        if way is None:
            return
        yield RawFinding(
            message=f"a customer can leave without speaking to anyone or being offered to stay: {way_text(way)}",
            steps=way,
        )
