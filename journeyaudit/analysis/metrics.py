"""The figures of one journey (shared/spec/output.md, plus extras), with their formulas.

v(s) are the expected visits of step s (markov.py), p(u, v) the aggregated
transition probabilities, h(s) the probability of a success end from s.
docs/metrics.md explains every figure and checks the example by hand.

Every float is rounded to 3 decimals so the JSON output is byte-stable; counts
stay ints; keys keep output.md's order, extras after.
"""

from __future__ import annotations

import math
from collections.abc import Container
from typing import TYPE_CHECKING

from journeyaudit.analysis import WorstWay
from journeyaudit.analysis.dataflow import DataFlowResult
from journeyaudit.analysis.graph import JourneyGraph
from journeyaudit.analysis.promise import APPROXIMATE_ERROR
from journeyaudit.model import HOLD_CHANNELS, INTERNAL_CHANNELS, MAX_HOLD_S, Journey, Step

if TYPE_CHECKING:  # markov.py imports NumPy and SciPy: rules import this module, `validate` must not pay for them
    from journeyaudit.analysis.contacts import ContactResult
    from journeyaudit.analysis.handling import HandlingResult
    from journeyaudit.analysis.markov import MarkovResult
    from journeyaudit.analysis.promise import PromiseResult

# Effort points: what one unit of each figure costs the customer.
EFFORT_PER_HANDOFF = 3.0
EFFORT_PER_CHANNEL_SWITCH = 2.0
EFFORT_PER_ASK = 1.0
EFFORT_PER_REPEATED_ASK = 2.0  # on top of the ask itself
EFFORT_PER_HOLD_10_MINUTES = 1.0  # waiting on hold: phone, chat, branch queues
EFFORT_PER_DELAY_DAY = 1.0  # waiting for the post, an email, a visit
EFFORT_PER_ACTIVE_10_MINUTES = 1.0
# The effort at which the score is 50.
SCORE_HALF_EFFORT = 25.0

METRIC_KEYS = (
    # shared/spec/output.md, in its order
    "steps",
    "departments",
    "expected_steps",
    "expected_handoffs",
    "max_handoffs",
    "expected_duration_s",
    "worst_duration_s",
    "expected_wait_s",
    "expected_contacts",
    "expected_messages",
    "expected_scheduled_s",
    "expected_asks",
    "repeated_asks",
    "expected_channel_switches",
    "success_rate",
    "value_added_ratio",
    "effort",
    "score",
    # extras
    "expected_active_s",
    "expected_hold_s",
    "possibly_repeated_asks",
    "expected_repeated_asks",
    "failure_rate",
    "abandon_rate",
    "stuck_rate",
    "expected_duration_success_s",
    "expected_contacts_success",
    "promise_kept_rate",
    "promise_kept_rate_error",
    "worst_silence_s",
    "approximate",
)


def effort_points(
    expected_handoffs: float,
    expected_channel_switches: float,
    expected_asks: float,
    expected_repeated_asks: float,
    expected_hold_s: float,
    expected_delay_s: float,
    expected_active_s: float,
) -> float:
    """Customer effort index: a positive sum, so more of anything never lowers it.

    Waiting on hold costs as much as active time (a point per 10 minutes);
    other elapsed time (`expected_delay_s`: waiting for a letter, an email,
    and time booked by appointment, `after`) costs a point per day: time
    lost, not time held on the line.
    """
    return (
        EFFORT_PER_HANDOFF * expected_handoffs
        + EFFORT_PER_CHANNEL_SWITCH * expected_channel_switches
        + EFFORT_PER_ASK * expected_asks
        + EFFORT_PER_REPEATED_ASK * expected_repeated_asks
        + EFFORT_PER_HOLD_10_MINUTES * expected_hold_s / 600.0
        + EFFORT_PER_DELAY_DAY * expected_delay_s / 86400.0
        + EFFORT_PER_ACTIVE_10_MINUTES * expected_active_s / 600.0
    )


def score_from_effort(effort: float) -> int:
    """100 for no effort, 50 at SCORE_HALF_EFFORT points, towards 0 beyond; rounded half up."""
    return math.floor(100.0 * SCORE_HALF_EFFORT / (SCORE_HALF_EFFORT + max(effort, 0.0)) + 0.5)


def channel_switch(source: Step, target: Step, stated: Container[str]) -> bool:
    """The `channel-switch` rule's edge: the customer has to move to another channel.

    Steps on a channel the customer never sees (`internal`, `back-office`,
    `none`) are back-office work: the customer does not move into or out of them.
    Both channels must be stated by the file (`stated_channels`): a default
    says nothing about where the customer is.
    """
    return (
        source.id in stated
        and target.id in stated
        and source.channel != target.channel
        and target.kind != "notification"
        and target.actor != "system"
        and source.channel not in INTERNAL_CHANNELS
        and target.channel not in INTERNAL_CHANNELS
    )


def stated_channels(journey: Journey) -> frozenset[str]:
    """Steps whose channel the file states: written on the step, or inherited from a stated one.

    A step without `channel` takes the previous step's in file order (the
    loader); the start takes `web`. A channel inherited from a step that
    states one is stated too; the `web` of a start without a channel, and
    whatever inherits only from it, is a default, and channel rules do not
    judge it.
    """
    stated = set()
    previous_stated = False
    for step in journey.steps.values():
        is_stated = step.channel_given or (previous_stated and step.id != journey.start)
        if is_stated:
            stated.add(step.id)
        previous_stated = is_stated
    return frozenset(stated)


# below this a figure is the arithmetic's rounding noise, not a chance or a time: 0 (or, for a share, 1)
NOISE = 1e-9


def tidy(value: float) -> float:
    """Round to 3 decimals; -0.0 becomes 0.0 so the JSON never shows a signed zero.

    A figure that 3 decimals would turn into 0, or a value between 0 and 1 they would turn into 1,
    keeps 3 significant digits of itself (of its distance to 1): a success rate of 0.0004 is no 0,
    and 0.9996 is no 1.
    """
    value = float(value)
    rounded = round(value, 3)
    if rounded == 0:
        if abs(value) < NOISE:
            return 0.0
        rounded = round(value, 2 - math.floor(math.log10(abs(value))))
    elif rounded == 1 and 0 < value < 1:
        if 1 - value < NOISE:
            return 1.0
        rounded = round(value, 2 - math.floor(math.log10(1 - value)))
    return 0.0 if rounded == 0 else rounded


def compute_metrics(
    journey: Journey,
    graph: JourneyGraph,
    markov: MarkovResult,
    handling: HandlingResult,
    contacts: ContactResult,
    worst_duration: WorstWay,
    dataflow: DataFlowResult,
    stated: frozenset[str],
    worst_silence: float,
    silence_approximate: bool,
    promise: PromiseResult | None,
) -> dict[str, float | int | bool | None]:
    steps = [journey.steps[step_id] for step_id in graph.ids]
    visits = markov.visits
    h = markov.success_from

    expected_steps = sum(visits)
    expected_wait = sum(v * s.wait_s for v, s in zip(visits, steps))
    expected_scheduled = sum(v * s.after_s for v, s in zip(visits, steps))
    expected_hold = sum(v * min(s.wait_s, MAX_HOLD_S) for v, s in zip(visits, steps) if s.channel in HOLD_CHANNELS)
    expected_active = sum(v * s.duration_s for v, s in zip(visits, steps))
    expected_duration = expected_wait + expected_scheduled + expected_active
    value_time = sum(v * s.duration_s for v, s in zip(visits, steps) if s.value == "customer")

    expected_switches = 0.0
    for u in range(graph.size):
        if not visits[u]:
            continue
        for v, p in graph.walk_successors(u):
            if channel_switch(steps[u], steps[v], stated):
                expected_switches += visits[u] * p

    expected_asks = 0.0
    expected_repeated = 0.0
    repeated = 0
    possibly_repeated = 0
    for u in range(graph.size):
        if not graph.reachable[u]:
            continue
        asked = dataflow.asks[u]
        definitely = (asked & dataflow.held_must[u]).bit_count()
        possibly = (asked & dataflow.held_may[u] & ~dataflow.held_must[u]).bit_count()
        repeated += definitely
        possibly_repeated += possibly
        expected_asks += visits[u] * asked.bit_count()
        expected_repeated += visits[u] * definitely

    rates: dict[str | None, float] = {"success": 0.0, "failure": 0.0, "abandoned": 0.0, None: 0.0}
    for a, probability in markov.absorption.items():
        rates[steps[a].end] += probability  # None: a dead end or a trap
    success = rates["success"]

    duration_success: float | None = None
    if success > 0:
        duration_success = sum(s.elapsed_s * v * hs for v, s, hs in zip(visits, steps, h)) / h[graph.start]

    effort = tidy(
        effort_points(
            handling.expected_handoffs,
            expected_switches,
            expected_asks,
            expected_repeated,
            expected_hold,
            expected_wait - expected_hold + expected_scheduled,
            expected_active,
        )
    )
    contacts_success = contacts.expected_contacts_success
    values: dict[str, float | int | bool | None] = {
        "steps": len(steps),
        "departments": len({s.department for s in steps}),
        "expected_steps": tidy(expected_steps),
        "expected_handoffs": tidy(handling.expected_handoffs),
        "max_handoffs": round(handling.worst.value),
        "expected_duration_s": tidy(expected_duration),
        "worst_duration_s": tidy(worst_duration.value),
        "expected_wait_s": tidy(expected_wait),
        "expected_contacts": tidy(contacts.expected_contacts),
        "expected_messages": tidy(contacts.expected_messages),
        "expected_scheduled_s": tidy(expected_scheduled),
        "expected_asks": tidy(expected_asks),
        "repeated_asks": repeated,
        "expected_channel_switches": tidy(expected_switches),
        "success_rate": tidy(success),
        "value_added_ratio": tidy(value_time / expected_duration) if expected_duration > 0 else 1.0,
        "effort": effort,
        "score": score_from_effort(effort),
        "expected_active_s": tidy(expected_active),
        "expected_hold_s": tidy(expected_hold),
        "possibly_repeated_asks": possibly_repeated,
        "expected_repeated_asks": tidy(expected_repeated),
        "failure_rate": tidy(rates["failure"]),
        "abandon_rate": tidy(rates["abandoned"]),
        "stuck_rate": tidy(rates[None]),
        "expected_duration_success_s": None if duration_success is None else tidy(duration_success),
        "expected_contacts_success": None if contacts_success is None else tidy(contacts_success),
        "promise_kept_rate": None if promise is None else tidy(promise.kept),
        "promise_kept_rate_error": None if promise is None else tidy(promise.error),
        "worst_silence_s": tidy(worst_silence),
        "approximate": bool(
            handling.worst.approximate
            or worst_duration.approximate
            or silence_approximate
            or (promise is not None and promise.error >= APPROXIMATE_ERROR)  # the share is only known to within its error
        ),
    }
    return {key: values[key] for key in METRIC_KEYS}
