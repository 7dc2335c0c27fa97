"""no-way-out: a step from which no successful end can be reached."""

from __future__ import annotations

from journeyaudit.analysis.graph import bfs_distance
from journeyaudit.rules._common import connected_groups, join, q
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
        "`dead-end`. One problem, one finding: steps that cannot succeed and lead into each "
        "other (a loop with no exit, a branch that only fails) are one finding, on the step "
        "where customers enter them, naming the others."
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

    reads = frozenset({"structure"})
    no_fix = (
        "Which way out of a trap should lead to success is a design decision: no edit is "
        "safe without it."
    )

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        if not any(step.end == "success" for step in journey.steps.values()):
            yield RawFinding(message="the journey has no success end: no customer can ever succeed")
            return
        reported = [
            step.id
            for step in journey.steps.values()
            if step.next and step.id in analysis.reachable and step.id not in analysis.can_succeed
        ]
        if not reported:
            return
        # What lies ahead of each trapped step: one backward search per kind of end
        # (linear), rather than a forward search from every step.
        ahead = {
            "failure ends": _reaching(journey, lambda step: step.end == "failure"),
            "abandoned ends": _reaching(journey, lambda step: step.end == "abandoned"),
            "dead ends": _reaching(journey, lambda step: not step.end and not step.next),
        }
        graph = analysis.graph
        distance = bfs_distance(graph) if graph is not None else []

        def nearness(step_id: str) -> tuple[int, int]:
            index = journey.steps[step_id].index
            return (distance[graph.index[step_id]] if graph is not None else 0, index)

        for group in connected_groups(journey, reported):
            entry = min(group, key=nearness)
            others = [q(step) for step in group if step != entry]
            if entry in analysis.traps:
                message = f"{q(entry)} is caught in a loop with no way out: no branch customers take from it leads to an end"
                if others:
                    message += f" ({join(others)} with it)"
            else:
                kinds = [kind for kind, steps in ahead.items() if entry in steps]
                what = " and ".join(kinds) if kinds else "no end"
                message = f"no way from {q(entry)} reaches a successful end: only {what} ahead"
                if others:
                    message += f" (nor from {join(others)}, after it)"
            yield RawFinding(message=message, step=entry, steps=(entry,))


def _reaching(journey, goal) -> set[str]:
    """Steps from which some step satisfying `goal` can be reached (the goal steps included)."""
    predecessors: dict[str, list[str]] = {}
    for step in journey.steps.values():
        for edge in step.next:
            predecessors.setdefault(edge.target, []).append(step.id)
    found = {step.id for step in journey.steps.values() if goal(step)}
    frontier = list(found)
    while frontier:
        for source in predecessors.get(frontier.pop(), ()):
            if source not in found:
                found.add(source)
                frontier.append(source)
    return found
