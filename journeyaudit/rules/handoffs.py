"""handoffs: the worst loop-free way passes the customer between too many departments."""

from __future__ import annotations

from journeyaudit.rules._common import number, shorten
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class Handoffs(JourneyRule):
    id = "handoffs"
    default_severity = "warning"
    options = {"max": 3}
    category = "handoffs"
    summary = "The loop-free way with the most hand-offs has more than `max`."
    description = (
        "A hand-off is a change of department between two handling steps that follow each "
        "other on a way: an automated message (a `notification` by `system`) in between "
        "neither makes nor breaks one. The rule "
        "takes the worst loop-free way (the one with the most hand-offs, from the analysis) "
        "and reports it once per journey when it has more than `max` hand-offs. The "
        "message names the chain of departments the case goes through, in order; the finding "
        "points at the step where the hand-off beyond `max` lands, and lists the whole way. "
        "Hand-offs are counted on the way itself, so the figure is always that of a way a "
        "customer can walk."
    )
    story = (
        '"paying it back required two (2) hours and the involvement of at least four (4) '
        'different departments (I stopped counting)." (000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Let one department own the case end to end, or give the first one the authority to finish it."
    failing = """\
journeyaudit: 1
title: Change the address on an insurance policy
departments:
  front: {title: Front office}
  policy: {title: Policy administration}
  billing: {title: Billing}
  mail: {title: Mail room}
steps:
  call:
    title: Call the hotline
    department: front
    channel: phone
    next: policy
  policy:
    title: Policy administration changes the address
    department: policy
    next: billing
  billing:
    title: Billing updates the invoice address
    department: billing
    next: front-again
  front-again:
    title: Back to the hotline to confirm
    department: front
    next: letter
  letter:
    title: The mail room prints the new policy and posts it
    department: mail
    channel: mail
    end: success
"""
    passing = """\
journeyaudit: 1
title: Change the address on an insurance policy
departments:
  front: {title: Front office}
  mail: {title: Mail room}
steps:
  call:
    title: Call the hotline, the agent changes the address everywhere
    department: front
    channel: phone
    next: letter
  letter:
    title: Confirmation letter
    department: mail
    channel: mail
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "departments", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="fewer-handoffs",
            changes=(
                "On the worst way, gives a run of steps to the department that handled the "
                "case just before it (the run whose change removes the most hand-offs, moving "
                "the fewest steps; the earliest on a tie), and again on the new worst way, "
                "until it has at most `max` hand-offs."
            ),
            safe=(
                "Every step stays, with its time, channel and questions, and so does every "
                "way: only who does the work changes, to the department already handling the "
                "case."
            ),
            failing=failing,
            passing=failing.replace('    department: policy\n', '    department: front\n'),
        ),
    )

    def check(self, context, options):
        journey = context.journey
        limit = options["max"]
        way = tuple(step for step in context.analysis.worst_handoffs.steps if step in journey.steps)
        handling = [step for step in way if journey.steps[step].is_handling]
        departments = [journey.steps[step].department for step in handling]
        landing = [handling[i] for i in range(1, len(handling)) if departments[i] != departments[i - 1]]
        if len(landing) <= limit:
            return
        chain = departments[:1] + [departments[i] for i in range(1, len(handling)) if departments[i] != departments[i - 1]]
        titles = " → ".join(shorten([journey.department_title(department) for department in chain]))
        yield RawFinding(
            message=f"{titles}: {number(len(landing))} hand-offs on the worst way (max {number(limit)})",
            step=landing[limit],
            steps=way,
        )
