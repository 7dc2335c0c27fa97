"""ping-pong: the case goes back to a department it had left (A → B → A)."""

from __future__ import annotations

from collections import deque

from journeyaudit.rules._common import q, successors, way_text
from journeyaudit.rules.base import JourneyRule, RawFinding


class PingPong(JourneyRule):
    id = "ping-pong"
    default_severity = "warning"
    category = "handoffs"
    summary = "The customer's case returns to a department it had left (A → B → A)."
    description = (
        "For every hand-off from a step of department A to a step of department B on a "
        "reachable step, the rule walks on through B's own steps only (a breadth-first "
        "search, so the shortest such stretch is shown) and looks for an edge back into a "
        "step of A. Each (A, B, returning step) is reported once: the finding points at the "
        "step where the case comes back to A and lists the A-step it left, the B-steps "
        "walked and the returning step. A case that visits a third department in between is "
        "not a ping-pong (it is a longer chain, which `handoffs` reports)."
    )
    story = (
        '"paying it back required two (2) hours and the involvement of at least four (4) '
        'different departments (I stopped counting). Amazingly, Chase Bank had to verify that '
        'it was authorized to accept payment." (000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Give department A what it needs from B up front (a rule, an access, a delegation) so the case does not go back and forth."
    failing = """\
journeyaudit: 1
title: Dispute a card payment
departments:
  cards: {title: Card services}
  fraud: {title: Fraud team}
steps:
  report:
    title: Report the payment
    department: cards
    channel: phone
    next: investigate
  investigate:
    title: Fraud team reviews the payment
    department: fraud
    next: refund
  refund:
    title: Card services refunds the payment
    department: cards
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Dispute a card payment
departments:
  cards: {title: Card services}
  fraud: {title: Fraud team}
steps:
  report:
    title: Report the payment
    department: cards
    channel: phone
    next: investigate
  investigate:
    title: Fraud team reviews and refunds the payment
    department: fraud
    next: refund
  refund:
    title: Refund confirmed
    department: fraud
    kind: notification
    end: success
"""

    def check(self, context, options):
        journey, reachable = context.journey, context.analysis.reachable
        steps = journey.steps
        reported: set[tuple[str, str, str]] = set()
        walks: dict[str, dict[str, str | None]] = {}  # entry B-step -> BFS parents within B
        for source in steps.values():
            if source.id not in reachable:
                continue
            a = source.department
            for entry in successors(journey, source.id):
                b = steps[entry].department
                if b == a:
                    continue
                if entry not in walks:
                    walks[entry] = self._walk_within(journey, entry)
                parents = walks[entry]
                for inside in parents:  # BFS order: shortest stretches first
                    for back in successors(journey, inside):
                        if steps[back].department != a or (a, b, back) in reported:
                            continue
                        reported.add((a, b, back))
                        stretch = [inside]
                        while parents[stretch[-1]] is not None:
                            stretch.append(parents[stretch[-1]])
                        way = (source.id, *reversed(stretch), back)
                        yield RawFinding(
                            message=(
                                f"the case goes from {journey.department_title(a)} to "
                                f"{journey.department_title(b)} and back to {journey.department_title(a)} "
                                f"at {q(back)} ({way_text(way)})"
                            ),
                            step=back,
                            steps=way,
                        )

    @staticmethod
    def _walk_within(journey, entry):
        department = journey.steps[entry].department
        parents: dict[str, str | None] = {entry: None}
        queue = deque([entry])
        while queue:
            current = queue.popleft()
            for target in successors(journey, current):
                if target not in parents and journey.steps[target].department == department:
                    parents[target] = current
                    queue.append(target)
        return parents  # dicts keep insertion (BFS) order
