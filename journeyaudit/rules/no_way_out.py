"""no-way-out: a step from which no successful end can be reached."""

from __future__ import annotations

from journeyaudit.rules._common import q
from journeyaudit.rules.base import JourneyRule, RawFinding


class NoWayOut(JourneyRule):
    id = "no-way-out"
    default_severity = "error"
    category = "structure"
    summary = "A step with a `next` from which no `success` end can be reached: a trap."
    description = (
        "Reports every reachable step that has a `next` but from which no `success` end can be "
        "reached: the customer is caught in a loop with no exit, or only `failure` / "
        "`abandoned` ends or dead ends lie ahead. The message says which. A journey without "
        "any `success` end is reported once, on the journey, instead of on each of its steps. "
        "Unreachable steps are left to `unreachable-step`, and steps without `next` to "
        "`dead-end`."
    )
    story = (
        '"It took only a few minutes to get the loan. But paying it back required two (2) hours '
        '... First it lent money to people who shouldn\'t have gotten any in the first place, '
        'and now it won\'t take the money back?" (000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Give the customer a way from this step to a successful end (an exit from the loop, or a branch that succeeds)."
    failing = """\
journeyaudit: 1
title: Pay back a loan
departments:
  loans: {title: Loan servicing}
steps:
  call:
    title: Call loan servicing
    department: loans
    channel: phone
    next: check
  check:
    title: The payment is checked again
    department: loans
    next: [call, refused]
  refused:
    title: Payment refused
    department: loans
    kind: notification
    end: failure
  paid:
    title: Loan paid back
    department: loans
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Pay back a loan
departments:
  loans: {title: Loan servicing}
steps:
  call:
    title: Call loan servicing
    department: loans
    channel: phone
    next: check
  check:
    title: The payment is checked
    department: loans
    next: [call, paid]
  paid:
    title: Loan paid back
    department: loans
    kind: notification
    end: success
"""

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        if not any(step.end == "success" for step in journey.steps.values()):
            yield RawFinding(message="the journey has no success end: no customer can ever succeed")
            return
        for step in journey.steps.values():
            if not step.next or step.id not in analysis.reachable or step.id in analysis.can_succeed:
                continue
            yield RawFinding(message=self._why(journey, analysis, step.id), step=step.id, steps=(step.id,))

    @staticmethod
    def _why(journey, analysis, step_id):
        if step_id in analysis.traps:
            return f"{q(step_id)} is caught in a loop with no way out: no way from it reaches any end"
        # Which ends lie ahead: one BFS over what can be reached from the step.
        ends = set()
        stuck = False
        seen = {step_id}
        frontier = [step_id]
        while frontier:
            current = journey.steps[frontier.pop()]
            if current.end:
                ends.add(current.end)
            elif not current.next:
                stuck = True
            for edge in current.next:
                if edge.target in journey.steps and edge.target not in seen:
                    seen.add(edge.target)
                    frontier.append(edge.target)
        ahead = [f"{end} ends" for end in ("failure", "abandoned") if end in ends]
        if stuck:
            ahead.append("dead ends")
        what = " and ".join(ahead) if ahead else "no end"
        return f"no way from {q(step_id)} reaches a successful end: only {what} ahead"
