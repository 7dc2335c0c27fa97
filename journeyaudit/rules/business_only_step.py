"""business-only-step: a step for the company only that costs the customer."""

from __future__ import annotations

from journeyaudit.rules._common import duration, join, q
from journeyaudit.rules.base import JourneyRule, RawFinding


class BusinessOnlyStep(JourneyRule):
    id = "business-only-step"
    default_severity = "warning"
    category = "hostile"
    summary = "A step with `value: business` or `none` that costs the customer time or asks them something."
    description = (
        "Reports every step whose `value` is `business` (needed by the company only: a "
        "control, a verification) or `none` (waste) and that costs the customer something: "
        "a `wait` plus `duration` above zero, or an `asks` list. A business-only step the "
        "customer never notices (no time, no questions) is not reported. The rule judges "
        "every step as written, reachable or not."
    )
    story = (
        '"Create Processes that Benefit You or Your Company (but not the customer) ... if your '
        'processes aren\'t benefiting customers, they are losing customers." '
        "(000_25f2e47d2d27e5e7.txt)"
    )
    seed = "000"
    fix = "Do the control behind the scenes with what the company already holds, or remove the step."
    failing = """\
journeyaudit: 1
title: Top up a prepaid card
departments:
  cards: {title: Card services}
data:
  id: {title: Identity document}
steps:
  top-up:
    title: Top up on the app
    department: cards
    channel: app
    actor: customer
    duration: 1m
    next: check
  check:
    title: Upload an identity document again for an internal control
    department: cards
    actor: customer
    value: business
    duration: 5m
    asks: [id]
    next: done
  done:
    title: Card topped up
    department: cards
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Top up a prepaid card
departments:
  cards: {title: Card services}
steps:
  top-up:
    title: Top up on the app
    department: cards
    channel: app
    actor: customer
    duration: 1m
    next: check
  check:
    title: Internal control, unseen by the customer
    department: cards
    actor: system
    value: business
    next: done
  done:
    title: Card topped up
    department: cards
    actor: system
    kind: notification
    end: success
"""

    per_step = True
    reads = frozenset({"structure", "asks", "times", "roles"})
    no_fix = (
        "Whether a control can be done without the customer, or dropped, depends on why "
        "the company needs it: no edit is safe without knowing. Asks of data already held "
        "are fixed by `repeated-ask` (`use-held-data`)."
    )

    def check(self, context, options):
        journey = context.journey
        for step in journey.steps.values():
            if step.value not in ("business", "none"):
                continue
            cost = step.wait_s + step.duration_s
            if cost <= 0 and not step.asks:
                continue
            costs = []
            if cost > 0:
                costs.append(f"costs the customer {duration(cost)}")
            if step.asks:
                costs.append("asks for " + join(journey.data_title(item) for item in dict.fromkeys(step.asks)))
            what = "is for the business only (value: business)" if step.value == "business" else "adds no value (value: none)"
            yield RawFinding(message=f"{q(step.id)} {what} yet {' and '.join(costs)}", step=step.id, steps=(step.id,))
