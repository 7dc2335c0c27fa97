"""no-follow-up: after the sale, nobody checks the customer got what was promised."""

from __future__ import annotations

from collections import deque

from journeyaudit.rules._common import file_order, join, q, successors
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class NoFollowUp(JourneyRule):
    id = "no-follow-up"
    default_severity = "warning"
    category = "hostile"
    summary = "An `acquire` / `onboard` journey with a way to success that passes no `follow-up` after its last `payment`."
    description = (
        "Only for journeys with `stage: acquire` or `onboard`. A way to a `success` end must "
        "pass a `follow-up` step after its last `payment` step, or anywhere when it has no "
        "payment. The rule searches the pairs (step, followed-up-since-the-last-payment) "
        "breadth-first from the start, so loops and branching ladders cost no more than "
        "twice the steps; when a `success` end is reached without a follow-up, it reports "
        "the journey once and lists the success ends concerned."
    )
    story = (
        '"Assume they received the value you promised and delivered ... One way to check this '
        "leak is to install some sort of post sale process that forces you to reengage and "
        'assess the customer\'s satisfaction level." (001_e20e57e0099d3d5a.txt, point 3)'
    )
    seed = "001"
    fix = "Add a `follow-up` step after the payment (or the sale): check the customer gets the value promised."
    failing = """\
journeyaudit: 1
title: Buy a solar panel installation
stage: acquire
departments:
  sales: {title: Sales}
  install: {title: Installation}
steps:
  order:
    title: Order the installation
    department: sales
    channel: web
    actor: customer
    next: install
  install:
    title: The panels are installed
    department: install
    channel: on-site
    next: pay
  pay:
    title: Pay the invoice
    department: sales
    channel: web
    actor: customer
    kind: payment
    end: success
"""
    passing = """\
journeyaudit: 1
title: Buy a solar panel installation
stage: acquire
departments:
  sales: {title: Sales}
  install: {title: Installation}
steps:
  order:
    title: Order the installation
    department: sales
    channel: web
    actor: customer
    next: install
  install:
    title: The panels are installed
    department: install
    channel: on-site
    next: pay
  pay:
    title: Pay the invoice
    department: sales
    channel: web
    actor: customer
    kind: payment
    next: check-in
  check-in:
    title: A month later, a call to check the panels deliver what was promised
    department: sales
    channel: phone
    kind: follow-up
    end: success
"""

    reads = frozenset({"structure", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="add-follow-up",
            changes=(
                "Adds a follow-up e-mail (`kind: follow-up`, sent by the system, two minutes "
                "to answer) after each successful end the finding names, in the department "
                "handling the case there; it becomes the end."
            ),
            safe=(
                "Nothing before the outcome changes. The company sends it, so the customer "
                "does not move (no channel switch); it counts as one more contact, which the "
                "impact shows."
            ),
            failing=failing,
            passing=failing.replace('    kind: payment\n', (
                '    kind: payment\n'
                '    next: follow-up\n'
                '  follow-up:\n'
                '    title: "Follow-up: did the customer get what was promised?"\n'
                '    department: sales\n'
                '    channel: email\n'
                '    actor: system\n'
                '    kind: follow-up\n'
                '    duration: 2m\n'
            )),
        ),
    )

    def check(self, context, options):
        journey = context.journey
        if journey.stage not in ("acquire", "onboard") or journey.start not in journey.steps:
            return
        steps = journey.steps

        def flag_after(step_id, flag):
            kind = steps[step_id].kind
            return True if kind == "follow-up" else False if kind == "payment" else flag

        first = (journey.start, flag_after(journey.start, False))
        seen = {first}
        queue = deque([first])
        concerned = set()
        while queue:
            step_id, flag = queue.popleft()
            if steps[step_id].end == "success" and not flag:
                concerned.add(step_id)
            for target in successors(journey, step_id):
                state = (target, flag_after(target, flag))
                if state not in seen:
                    seen.add(state)
                    queue.append(state)
        if not concerned:
            return
        ends = file_order(journey, concerned)
        yield RawFinding(
            message=(
                f"a way to the successful end{'s' if len(ends) > 1 else ''} {join(q(end) for end in ends)} "
                "passes no follow-up step "
                "after the last payment (or the sale): nobody checks the customer got the value promised"
            ),
            steps=tuple(ends),
        )
