"""no-feedback: nobody asks the customer how it went."""

from __future__ import annotations

from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class NoFeedback(JourneyRule):
    id = "no-feedback"
    default_severity = "warning"
    category = "hostile"
    summary = "A journey with no `feedback` step any way reaches."
    description = (
        "Reports the journey once when no reachable step is of kind `feedback`: no way "
        "through it gives the customer a chance to say what went wrong. A feedback step "
        "that no way reaches does not count."
    )
    story = (
        '"Assume they will tell you when something\'s not right ... Most unhappy customers will '
        'walk away silently if they don\'t get the experience they expected" '
        "(001_e20e57e0099d3d5a.txt, point 2)"
    )
    seed = "001"
    fix = "Add a `feedback` step (a short survey, a call) where the customer can say what was not right."
    failing = """\
journeyaudit: 1
title: Renew a passport
departments:
  office: {title: Passport office}
steps:
  apply:
    title: Apply online
    department: office
    actor: customer
    next: sent
  sent:
    title: Passport sent
    department: office
    channel: mail
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Renew a passport
departments:
  office: {title: Passport office}
steps:
  apply:
    title: Apply online
    department: office
    actor: customer
    next: sent
  sent:
    title: Passport sent
    department: office
    channel: mail
    actor: system
    kind: notification
    next: survey
  survey:
    title: Two-question survey by email
    department: office
    channel: email
    actor: system
    kind: feedback
    end: success
"""

    reads = frozenset({"structure", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="add-feedback",
            changes=(
                "Adds a one-minute survey (`kind: feedback`, done by the customer on the "
                "channel of the end) after the likeliest successful end, in the department "
                "handling the case there; the survey becomes the end."
            ),
            safe=(
                "Nothing before the outcome changes: the survey comes after it, on the "
                "channel the customer is on, and the customer answers it alone (no contact, "
                "no channel switch). It costs them its minute."
            ),
            failing=failing,
            passing=failing.replace('    kind: notification\n', (
                '    kind: notification\n'
                '    next: feedback-survey\n'
                '  feedback-survey:\n'
                '    title: "Two-question survey: how did it go?"\n'
                '    department: office\n'
                '    channel: mail\n'
                '    actor: customer\n'
                '    kind: feedback\n'
                '    duration: 1m\n'
            )),
        ),
    )

    def check(self, context, options):
        reachable = context.analysis.reachable
        if any(step.kind == "feedback" and step.id in reachable for step in context.journey.steps.values()):
            return
        yield RawFinding(message="no step asks the customer for feedback: unhappy customers will leave silently")
