"""repeated-ask: a step asks for information the company already holds."""

from __future__ import annotations

from journeyaudit.analysis.dataflow import iter_bits
from journeyaudit.analysis.graph import ancestor_bits
from journeyaudit.rules._common import join, q
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class RepeatedAsk(JourneyRule):
    id = "repeated-ask"
    default_severity = "warning"
    category = "information"
    summary = "A step asks for a data item that is already held (in `known`, or asked earlier)."
    description = (
        "A data item is already held at a step when it is in the journey's `known` list or "
        "was asked at an earlier step, judged by the analysis's data-flow (never by listing "
        "ways). Each reachable step that asks for held items is one finding, however many "
        "items: at the configured severity when some item is held on every way into it, at "
        "`info` when the items are held on some ways only (\"possibly\" repeated); `data` "
        "lists the items, sorted. The message names the items by their titles and, for each, "
        "where it was first given: the step that first asked it, or the steps (\"'a' or "
        "'b'\") when the ways to the step differ. An item in `known` that the customer was "
        "also asked on every way is \"already given at\" that step; otherwise it is \"already "
        "held by the company (known before the journey starts)\"."
    )
    story = (
        '"repeating the most basic information (your name, account numbers, passwords, and '
        'more, every time you transact on the web, over the phone, and in-person)" '
        "(002_1c67336fb9d03c36.txt)"
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

    reads = frozenset({"structure", "asks"})
    fixes = (
        FixDoc(
            kind="use-held-data",
            changes=(
                "Removes from the step's `asks` the items held on every way to it (in "
                "`known`, or asked at an earlier step on every way); items held on some ways "
                "only stay."
            ),
            safe=(
                "No customer reaches the step without the company holding each item it stops "
                "asking for; nothing else in the file changes."
            ),
            failing=failing,
            passing=failing.replace('    asks: [card, name]\n', '    asks: []\n'),
        ),
    )

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        where = _Where(journey, analysis)
        for step in journey.steps.values():
            if step.id not in analysis.reachable or not step.asks:
                continue
            held_must = analysis.held_must.get(step.id, frozenset())
            held_may = analysis.held_may.get(step.id, frozenset())
            asks = list(dict.fromkeys(step.asks))  # file order, each item once
            definite = [item for item in asks if item in held_must]
            possible = [item for item in asks if item in held_may and item not in held_must]
            if not definite and not possible:
                continue
            parts = []
            if definite:
                parts.append("asks again for " + where.text(step.id, definite))
            if possible:
                maybe = where.text(step.id, possible) + " (on some ways to this step)"
                parts.append(("and possibly for " if definite else "possibly asks again for ") + maybe)
            # One finding per step (one problem, one finding): at the rule's severity when
            # something is held on every way, `info` when only on some.
            yield RawFinding(
                message="; ".join(parts),
                step=step.id,
                steps=(step.id,),
                data=tuple(sorted(definite + possible)),
                severity=None if definite else "info",
            )


class _Where:
    """Where an item was first given, true for every customer the message speaks of.

    The first askers of an item are the reachable asking steps that some way
    reaches without the item having been asked before (the item is not in the
    step's `asked_must`). Those with a way on to the step are where the
    customer gave it first: one name when one step, "'a' or 'b'" when the
    ways differ. A `known` item is "already given at" its first askers only
    when every way to the step passes one of them, i.e. the item is in the
    step's `asked_must` (output.md: "already given at 'call'"); otherwise the
    company held it all along. Bitsets over step indexes keep this linear:
    no walk per step.
    """

    def __init__(self, journey, analysis):
        self.journey = journey
        self.analysis = analysis
        self.graph = analysis.graph
        self._ancestors = None
        self._first: dict[str, int] | None = None

    def first_askers(self, item) -> int:
        if self._first is None:  # one pass over the steps for every item
            self._first = {}
            for u, step_id in enumerate(self.graph.ids):
                if not self.graph.reachable[u]:
                    continue
                asked_before = self.analysis.asked_must.get(step_id, ())
                for asked in self.journey.steps[step_id].asks:
                    if asked not in asked_before:
                        self._first[asked] = self._first.get(asked, 0) | 1 << u
        return self._first.get(item, 0)

    def sources(self, step_id, item):
        if self._ancestors is None:
            self._ancestors = ancestor_bits(self.graph)
        bits = self.first_askers(item) & self._ancestors[self.graph.index[step_id]]
        sources = [self.graph.ids[u] for u in iter_bits(bits)]  # ascending index: file order
        if item in self.journey.known and not (sources and item in self.analysis.asked_must.get(step_id, ())):
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
                if step_id in sources and len(sources) > 1:
                    # "at 'adjuster', or at 'dispute' on an earlier pass": the pass belongs to one name only
                    names = [f"at {q(source)}" + (" on an earlier pass" if source == step_id else "") for source in sources]
                    where = "already given " + ", or ".join(names)
                else:
                    names = [q(source) + (" on an earlier pass" if source == step_id else "") for source in sources]
                    where = "already given at " + " or ".join(names)
            else:  # not expected: held means asked before or known
                where = "already given earlier"
            parts.append(f"{titles}, {where}")
        return "; ".join(parts)
