"""repeated-ask: a step asks for information the company already holds."""

from __future__ import annotations

from journeyaudit.rules._common import file_order, join, q, successors
from journeyaudit.rules.base import JourneyRule, RawFinding


class RepeatedAsk(JourneyRule):
    id = "repeated-ask"
    default_severity = "warning"
    category = "information"
    summary = "A step asks for a data item that is already held (in `known`, or asked earlier)."
    description = (
        "A data item is already held at a step when it is in the journey's `known` list or "
        "was asked at an earlier step, judged by the analysis's data-flow (never by listing "
        "ways). For each reachable step, the items it asks that are held on every way into "
        "it make one finding (at the configured severity, `data` = those ids, sorted); the "
        "items held on some ways only make a second, separate finding at `info` severity "
        "(\"possibly\" repeated). The message names the items by their titles and, for each, "
        "where it was first given: the step that first asked it, or the steps (\"'a' or "
        "'b'\") when the ways to the step differ. An item in `known` that the customer was "
        "also asked on every way is \"already given at\" that step; otherwise it is \"already "
        "held by the company (known before the journey starts)\"."
    )
    story = (
        '"repeating the most basic information (your name, account numbers, passwords, and '
        'more, every time you transact on the web, over the phone, and in-person)" '
        '(002_1c67336fb9d03c36.txt)'
    )
    seed = "002"
    fix = "Pass what the customer already said along with the case (or look it up) instead of asking again."
    failing = """\
journeyaudit: 1
title: Report a lost card
known: [name]
departments:
  cards: {title: Card services}
data:
  name: {title: Full name}
  card: {title: Card number}
steps:
  call:
    title: Call and give the card number
    department: cards
    channel: phone
    asks: [card]
    next: block
  block:
    title: Confirm the card number to block it
    department: cards
    asks: [card, name]
    next: blocked
  blocked:
    title: Card blocked
    department: cards
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Report a lost card
known: [name]
departments:
  cards: {title: Card services}
data:
  name: {title: Full name}
  card: {title: Card number}
steps:
  call:
    title: Call and give the card number
    department: cards
    channel: phone
    asks: [card]
    next: block
  block:
    title: The agent blocks the card
    department: cards
    next: blocked
  blocked:
    title: Card blocked
    department: cards
    kind: notification
    end: success
"""

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        where = _Where(journey)
        for step in journey.steps.values():
            if step.id not in analysis.reachable or not step.asks:
                continue
            held_must = analysis.held_must.get(step.id, frozenset())
            held_may = analysis.held_may.get(step.id, frozenset())
            asks = list(dict.fromkeys(step.asks))  # file order, each item once
            definite = [item for item in asks if item in held_must]
            possible = [item for item in asks if item in held_may and item not in held_must]
            if definite:
                yield RawFinding(
                    message="asks again for " + where.text(step.id, definite),
                    step=step.id,
                    steps=(step.id,),
                    data=tuple(sorted(definite)),
                )
            if possible:
                yield RawFinding(
                    message="possibly asks again for " + where.text(step.id, possible) + " (on some ways to this step)",
                    step=step.id,
                    steps=(step.id,),
                    data=tuple(sorted(possible)),
                    severity="info",
                )


class _Where:
    """Where an item was first given, true for every customer the message speaks of.

    The first askers of an item are the asking steps some way from the start
    reaches without passing another asking step. Those with a way on to the
    step are where the customer gave it first: one name when one step, "'a' or
    'b'" when the ways differ. A `known` item is "already given at" its first
    askers only when every way to the step passes one of them (output.md:
    "already given at 'call'"); otherwise the company held it all along.
    """

    def __init__(self, journey):
        self.journey = journey
        self.predecessors: dict[str, list[str]] = {}
        for step in journey.steps.values():
            for target in successors(journey, step.id):
                self.predecessors.setdefault(target, []).append(step.id)
        self._first: dict[str, set[str]] = {}
        self._ancestors: dict[str, set[str]] = {}

    def first_askers(self, item):
        if item not in self._first:
            steps = self.journey.steps
            found: set[str] = set()
            seen = {self.journey.start}
            frontier = [self.journey.start]
            while frontier:
                current = frontier.pop()
                if item in steps[current].asks:
                    found.add(current)
                    continue
                for target in successors(self.journey, current):
                    if target not in seen:
                        seen.add(target)
                        frontier.append(target)
            self._first[item] = found
        return self._first[item]

    def ancestors(self, step_id):
        """Steps with a way of one edge or more to the step (the step itself when in a loop)."""
        if step_id not in self._ancestors:
            found: set[str] = set()
            frontier = [step_id]
            while frontier:
                for source in self.predecessors.get(frontier.pop(), ()):
                    if source not in found:
                        found.add(source)
                        frontier.append(source)
            self._ancestors[step_id] = found
        return self._ancestors[step_id]

    def every_way_passes(self, step_id, sources):
        """True when no way from the start reaches the step while avoiding `sources`."""
        start = self.journey.start
        if start in sources:
            return True
        seen = {start}
        frontier = [start]
        while frontier:
            current = frontier.pop()
            for target in successors(self.journey, current):
                if target == step_id:
                    return False
                if target not in seen and target not in sources:
                    seen.add(target)
                    frontier.append(target)
        return step_id != start

    def sources(self, step_id, item):
        sources = file_order(self.journey, self.first_askers(item) & self.ancestors(step_id))
        if item in self.journey.known and not (sources and self.every_way_passes(step_id, set(sources))):
            return None  # the company's own
        return tuple(sources)

    def text(self, step_id, items):
        journey = self.journey
        groups: dict[tuple[str, ...] | None, list[str]] = {}
        for item in items:
            groups.setdefault(self.sources(step_id, item), []).append(item)
        parts = []
        for sources, group in groups.items():
            titles = join(journey.data_title(item) for item in group)
            if sources is None:
                where = "already held by the company (known before the journey starts)"
            elif sources:
                names = [q(source) + (" on an earlier pass" if source == step_id else "") for source in sources]
                where = "already given at " + " or ".join(names)
            else:  # not expected: held means asked before or known
                where = "already given earlier"
            parts.append(f"{titles}, {where}")
        return "; ".join(parts)
