"""repeated-ask: a step asks for information the company already holds."""

from __future__ import annotations

from journeyaudit.rules._common import join, q
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
        "where it was first given: the step that first asked it (even when the item is also "
        "in `known`: the customer has said it already), or else the company itself when it "
        "is in `known` (held before the journey starts)."
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
                    message="asks again for " + self._where(journey, analysis, step.id, definite),
                    step=step.id,
                    steps=(step.id,),
                    data=tuple(sorted(definite)),
                )
            if possible:
                yield RawFinding(
                    message=(
                        "possibly asks again for "
                        + self._where(journey, analysis, step.id, possible)
                        + " (on some ways to this step)"
                    ),
                    step=step.id,
                    steps=(step.id,),
                    data=tuple(sorted(possible)),
                    severity="info",
                )

    @staticmethod
    def _where(journey, analysis, step_id, items):
        # Group the items by where they were first given, in the order they are asked.
        # `first_given` is None for `known` items; `first_asked` still names the step that
        # asked first when there is one ("already given at 'call'" tells the client more).
        first_asked = getattr(analysis, "first_asked", None) or {}
        groups: dict[str | None, list[str]] = {}
        for item in items:
            source = analysis.first_given.get((step_id, item)) or first_asked.get((step_id, item))
            groups.setdefault(source, []).append(item)
        parts = []
        for source, group in groups.items():
            titles = join(journey.data_title(item) for item in group)
            if source is not None:
                where = f"already given at {q(source)}"
            elif all(item in journey.known for item in group):
                where = "already held by the company (known before the journey starts)"
            else:
                where = "already given earlier"
            parts.append(f"{titles}, {where}")
        return "; ".join(parts)
