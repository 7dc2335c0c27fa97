"""unreachable-step: a step no way from the start reaches."""

from __future__ import annotations

from journeyaudit.rules._common import connected_groups, join, q
from journeyaudit.rules.base import JourneyRule, RawFinding


class UnreachableStep(JourneyRule):
    id = "unreachable-step"
    default_severity = "warning"
    category = "structure"
    summary = "A step that no way from the start reaches."
    description = (
        "Reports every step that no way from the start step reaches, following `next` edges "
        "whatever their probability. Such a step is model hygiene: a leftover, a typo in a "
        "`next`, or a branch someone forgot to connect. Every figure of the audit ignores it, "
        "and the rules that follow ways (repeated asks, hand-offs, silence) never look at it, "
        "so whatever it hides stays hidden until it is connected. Unreachable steps linked "
        "to each other (a forgotten branch of several steps) are one finding, on the branch's "
        "first step in the file, naming the others."
    )
    story = (
        "Model hygiene rather than a story: a journey map that shows steps no customer can "
        "walk misleads the client it is shown to."
    )
    seed = ""
    fix = "Connect the step with a `next` from the step that should lead to it, or delete it."
    failing = """\
journeyaudit: 1
title: Reset a password
departments:
  web: {title: Web team}
steps:
  request:
    title: Ask for a reset link
    department: web
    actor: customer
    next: done
  done:
    title: Link sent
    department: web
    actor: system
    kind: notification
    end: success
  old-form:
    title: The paper form nobody links to any more
    department: web
    actor: customer
    next: done
"""
    passing = """\
journeyaudit: 1
title: Reset a password
departments:
  web: {title: Web team}
steps:
  request:
    title: Ask for a reset link
    department: web
    actor: customer
    next: done
  done:
    title: Link sent
    department: web
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure"})
    no_fix = (
        "Whether a step nobody reaches should be linked in (from where?) or deleted is "
        "the author's decision: no edit is safe without it."
    )

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        unreachable = [step_id for step_id in journey.steps if step_id not in analysis.reachable]
        for group in connected_groups(journey, unreachable):
            first, others = group[0], group[1:]
            also = f" (nor to {join(q(step) for step in others)}, linked to it)" if others else ""
            yield RawFinding(
                message=f"{q(first)} is never reached: no way from the start {q(journey.start)} leads to it{also}",
                step=first,
                steps=(first,),
            )
