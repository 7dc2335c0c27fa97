"""broken-promise: the journey takes longer, or more contacts, than the customer was told."""

from __future__ import annotations

import math

from journeyaudit.analysis.promise import APPROXIMATE_ERROR
from journeyaudit.common.durations import duration_against, figure_against, format_share
from journeyaudit.rules._common import duration, number
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding

FAILING_KEPT_PROMISE = """\
journeyaudit: 1
title: Ask about an invoice
promise:
  duration: 30m
departments:
  service: {title: Customer service}
steps:
  call:
    title: Call customer service
    department: service
    channel: phone
    wait: 25m
    duration: 10m
    end: success
"""  # keep-promise's failing example: a wait too long for the promise


class BrokenPromise(JourneyRule):
    id = "broken-promise"
    default_severity = "error"
    category = "hostile"
    summary = "Expected time to a `success` end longer than `promise.duration`, or expected contacts more than `promise.contacts`."
    description = (
        "Compares the journey's `promise` with what customers who succeed can expect: the "
        "expected elapsed time to a `success` end (waits and durations, every way weighed by "
        "its probability, loops included: the analysis's `expected_duration_success_s`) "
        "against `promise.duration`, and the expected number of contacts on the way to "
        "success (`expected_contacts_success`: conversations and visits, a transfer within "
        "one call being one contact; messages the company sends are not contacts) against "
        "`promise.contacts`. Each broken part is a finding of its own, on the journey, with "
        "both figures; a broken duration also says what share of customers reach a "
        "successful end within it (`promise_kept_rate`; where the share is only bounded, "
        "`approximate`, the range from it to it plus `promise_kept_rate_error`). A journey "
        "without a `promise` is "
        "not judged. An expectation, not the worst case: a promise most customers see "
        "broken is broken."
    )
    story = (
        '"I remember working with a customer once who said they needed something by Friday. '
        'Feeling confident, I said no problem and, in fact, \'you\'ll have it by Wednesday.\' '
        "As it happened, it was delayed until Thursday. ... I set the expectation for early "
        'delivery and now I had failed. That was the end of it." (001_e20e57e0099d3d5a.txt, point 1)'
    )
    seed = "001"
    fix = "Keep the promise (shorten the journey, cut contacts) or promise what the journey actually delivers."
    failing = """\
journeyaudit: 1
title: Get a replacement card
promise:
  duration: 1d
  contacts: 1
departments:
  cards: {title: Card services}
steps:
  call:
    title: Order a replacement card by phone
    department: cards
    channel: phone
    duration: 5m
    next: card
  card:
    title: The card arrives by post
    department: cards
    channel: mail
    actor: system
    kind: notification
    wait: 5d
    end: success
"""
    passing = """\
journeyaudit: 1
title: Get a replacement card
promise:
  duration: 1w
  contacts: 2
departments:
  cards: {title: Card services}
steps:
  call:
    title: Order a replacement card by phone
    department: cards
    channel: phone
    duration: 5m
    next: card
  card:
    title: The card arrives by post
    department: cards
    channel: mail
    actor: system
    kind: notification
    wait: 5d
    end: success
"""

    reads = frozenset({"structure", "times", "after", "roles", "promise"})
    fixes = (
        FixDoc(
            kind="keep-promise",
            changes=(
                "Applies the fewest of the journey's other fixes (those that shorten the time "
                "to a successful end, or cut its contacts, largest effect first) whose "
                "combination, measured, keeps the promise."
            ),
            safe=(
                "Each of them is safe on its own and no two change the same thing; the "
                "combination is audited as a whole, not added up."
            ),
            failing=FAILING_KEPT_PROMISE,
            passing=FAILING_KEPT_PROMISE.replace("    wait: 25m\n", "    wait: 5m\n"),
        ),
        FixDoc(
            kind="match-promise",
            changes=(
                "Sets each broken part of `promise` to what the journey delivers: the expected "
                "time of the customers who succeed, rounded up (to the minute below an hour, "
                "the hour below two days, else the day), and the expected contacts rounded up "
                "to a whole number. Offered beside `keep-promise`, as the other way out."
            ),
            safe=(
                "No step, way, wait or question changes: only what the customer is told, "
                "which then matches what customers get on average."
            ),
            failing=failing,
            passing=failing.replace('  duration: 1d\n', '  duration: 6d\n'),
        ),
    )

    def check(self, context, options):
        promise = context.journey.promise
        metrics = context.analysis.metrics
        if promise is None:
            return
        expected = metrics.get("expected_duration_success_s")
        if promise.duration_s is not None and self._broken(expected, promise.duration_s):
            if math.isinf(expected):
                text = "no way reaches a successful end"
            else:
                text = f"expected {duration_against(expected, promise.duration_s)} to a successful end"
            share = self._kept_share(metrics.get("promise_kept_rate"), metrics.get("promise_kept_rate_error"))
            yield RawFinding(message=f"{text}, {duration(promise.duration_s)} promised{share}", key="duration")
        contacts = metrics.get("expected_contacts_success")
        if promise.contacts is not None and self._broken(contacts, promise.contacts):
            if math.isinf(contacts):
                text = "no way reaches a successful end"
            else:
                shown = figure_against(contacts, promise.contacts)
                text = f"expected {shown} {'contact' if shown == '1' else 'contacts'} to a successful end"
            yield RawFinding(
                message=f"{text}, {number(promise.contacts)} {'contact' if promise.contacts == 1 else 'contacts'} promised",
                key="contacts",
            )

    @staticmethod
    def _kept_share(kept, error) -> str:
        if not isinstance(kept, float):
            return ""
        low = format_share(kept)
        # Past the search's budget the share is only bounded: a single figure would understate it.
        if isinstance(error, float) and error >= APPROXIMATE_ERROR:
            high = format_share(min(1.0, kept + error))
            if high != low:
                return f" (kept for {low} to {high} of customers: too many ways to count exactly)"
        return f" (kept for {low} of customers)"

    @staticmethod
    def _broken(expected, promised) -> bool:
        # A tolerance so that floating-point sums equal to the promise do not break it.
        return expected is not None and not math.isnan(expected) and expected > promised + 1e-6

