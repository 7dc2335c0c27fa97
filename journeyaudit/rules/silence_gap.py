"""silence-gap: a long time without any contact from the company."""

from __future__ import annotations

from journeyaudit.rules._common import duration, join, q, shorten, successors
from journeyaudit.rules.base import JourneyRule, RawFinding

_START = None  # origin key of the silence that begins at the start of the journey


class SilenceGap(JourneyRule):
    id = "silence-gap"
    default_severity = "warning"
    options = {"max": "2d"}
    duration_options = frozenset({"max"})
    category = "hostile"
    summary = "On some way, the time between two contacts (or from the start to the first) is longer than `max`."
    description = (
        "A contact is a step done by `staff` or `system` on a channel the customer sees, or "
        "any `notification`. Between the end of one contact and the start of the next, the "
        "customer hears nothing: the silence is the wait and duration of the steps without "
        "contact in between, plus the wait of the next contact; before the first contact, it "
        "runs from the start of the journey. The rule computes, for every reachable contact "
        "(and for the start), the longest loop-free silence to each next contact with a "
        "dynamic programme over the steps without contact (never by listing ways), and "
        "reports each (from, to) pair whose silence is longer than `max`, on the contact "
        "where the silence begins (the start step when it begins at the start), listing the "
        "way. Where steps without contact form a loop, the loop is cut at its back edge: "
        "every figure reported is that of a real way, though a way round the loop could be "
        "longer. The time after the last contact is not a gap."
    )
    story = (
        '"Out of site, out of mind applies to marketing too. If you\'re not communicating with '
        'your customers, adding value to the relationship in some manner, at least monthly you '
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

    def check(self, context, options):
        journey, reachable = context.journey, context.analysis.reachable
        steps = journey.steps
        if journey.start not in steps:
            return
        limit = options["max"]
        best = self._silences_from_quiet_steps(journey)

        def weight(step_id):
            return steps[step_id].wait_s + steps[step_id].duration_s

        # origin -> to-contact -> (silence, way)
        gaps: dict[str | None, dict[str, tuple[float, tuple[str, ...]]]] = {}
        start = steps[journey.start]
        if start.is_contact:
            gaps[_START] = {start.id: (start.wait_s, (start.id,))}
        else:
            gaps[_START] = {
                to: (weight(start.id) + value, (start.id, *way)) for to, (value, way) in best[start.id].items()
            }
        for step in steps.values():
            if not step.is_contact or step.id not in reachable:
                continue
            found: dict[str, tuple[float, tuple[str, ...]]] = {}
            for target in successors(journey, step.id):
                if steps[target].is_contact:
                    candidates = {target: (steps[target].wait_s, (target,))}
                else:
                    candidates = {to: (weight(target) + value, (target, *way)) for to, (value, way) in best[target].items()}
                for to, (value, way) in candidates.items():
                    if to not in found or value > found[to][0]:
                        found[to] = (value, (step.id, *way))
            gaps[step.id] = found

        for origin, found in gaps.items():
            for to, (value, way) in found.items():
                if value <= limit:
                    continue
                through = way[1:-1] if origin is not _START else way[:-1]
                via = f" through {join(shorten([q(s) for s in through]))}" if through else ""
                where = "the start" if origin is _START else q(origin)
                yield RawFinding(
                    message=(
                        f"{duration(value)} without contact from {where} to {q(to)}{via} "
                        f"(max {duration(limit)})"
                    ),
                    step=journey.start if origin is _START else origin,
                    steps=way,
                )

    @staticmethod
    def _silences_from_quiet_steps(journey):
        """For each step without contact: next contact -> (longest silence after the step, way).

        The silence counts the steps after this one up to the contact (their wait and
        duration, the contact's wait only); the way lists them, contact last. A DP over
        the steps without contact in DFS post-order; an edge back into a step still on
        the DFS stack (a loop) is skipped, so every way is loop-free.
        """
        steps = journey.steps
        quiet = [step_id for step_id, step in steps.items() if not step.is_contact]
        best: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = {}
        on_stack: set[str] = set()
        for root in quiet:
            if root in best:
                continue
            stack = [(root, iter(successors(journey, root)))]
            on_stack.add(root)
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is not None:
                    if not steps[child].is_contact and child not in best and child not in on_stack:
                        stack.append((child, iter(successors(journey, child))))
                        on_stack.add(child)
                    continue
                stack.pop()
                on_stack.discard(node)
                found: dict[str, tuple[float, tuple[str, ...]]] = {}
                for target in successors(journey, node):
                    if steps[target].is_contact:
                        candidates = {target: (steps[target].wait_s, (target,))}
                    elif target in best:  # not yet done means a back edge: skipped
                        weight = steps[target].wait_s + steps[target].duration_s
                        candidates = {
                            to: (weight + value, (target, *way))
                            for to, (value, way) in best[target].items()
                            if node not in way  # keep the way loop-free
                        }
                    else:
                        continue
                    for to, candidate in candidates.items():
                        if to not in found or candidate[0] > found[to][0]:
                            found[to] = candidate
                best[node] = found
        return best
