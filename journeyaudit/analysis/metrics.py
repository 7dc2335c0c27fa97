"""The figures of one journey (shared/spec/output.md, plus extras), with their formulas.

v(s) are the expected visits of step s (markov.py), p(u, v) the aggregated
transition probabilities, h(s) the probability of a success end from s.
docs/metrics.md explains every figure and checks the example by hand.

Every float is rounded to 3 decimals so the JSON output is byte-stable; counts
stay ints; keys keep output.md's order, extras after.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from journeyaudit.analysis import WorstWay
from journeyaudit.analysis.dataflow import DataFlowResult
from journeyaudit.analysis.graph import JourneyGraph
from journeyaudit.model import HOLD_CHANNELS, INTERNAL_CHANNELS, MAX_HOLD_S, Journey

if TYPE_CHECKING:  # markov.py imports NumPy and SciPy: rules import this module, `validate` must not pay for them
    from journeyaudit.analysis.markov import MarkovResult

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
    waiting elsewhere costs a point per day: a letter in the post is time lost,
    not time held on the line.
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


def channel_switch(source, target) -> bool:
    """The `channel-switch` rule's edge: the customer has to move to another channel.

    Steps on a channel the customer never sees (`internal`, `back-office`,
    `none`) are back-office work: the customer does not move into or out of them.
    """
    return (
        source.channel != target.channel
        and target.kind != "notification"
        and target.actor != "system"
        and source.channel not in INTERNAL_CHANNELS
        and target.channel not in INTERNAL_CHANNELS
    )


def handoff(source, target) -> bool:
    return source.department != target.department


def tidy(value: float) -> float:
    """Round to 3 decimals; -0.0 becomes 0.0 so the JSON never shows a signed zero."""
    rounded = round(float(value), 3)
    return 0.0 if rounded == 0 else rounded


def compute_metrics(
    journey: Journey,
    graph: JourneyGraph,
    markov: MarkovResult,
    worst_handoffs: WorstWay,
    worst_duration: WorstWay,
    dataflow: DataFlowResult,
) -> dict:
    steps = [journey.steps[step_id] for step_id in graph.ids]
    visits = markov.visits
    h = markov.success_from

    expected_steps = sum(visits)
    expected_wait = sum(v * s.wait_s for v, s in zip(visits, steps))
    expected_hold = sum(v * min(s.wait_s, MAX_HOLD_S) for v, s in zip(visits, steps) if s.channel in HOLD_CHANNELS)
    expected_active = sum(v * s.duration_s for v, s in zip(visits, steps))
    expected_duration = expected_wait + expected_active
    expected_contacts = sum(v for v, s in zip(visits, steps) if s.is_contact)
    value_time = sum(v * (s.wait_s + s.duration_s) for v, s in zip(visits, steps) if s.value == "customer")

    expected_handoffs = 0.0
    expected_switches = 0.0
    for u in range(graph.size):
        if not visits[u]:
            continue
        for v, p in graph.walk_successors(u):
            if handoff(steps[u], steps[v]):
                expected_handoffs += visits[u] * p
            if channel_switch(steps[u], steps[v]):
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

    rates = {"success": 0.0, "failure": 0.0, "abandoned": 0.0, None: 0.0}
    for a, probability in markov.absorption.items():
        rates[steps[a].end] += probability  # None: a dead end or a trap
    success = rates["success"]

    if success > 0:
        start_success = h[graph.start]
        duration_success = sum(
            (s.wait_s + s.duration_s) * v * hs for v, s, hs in zip(visits, steps, h)
        ) / start_success
        contacts_success = sum(v * hs for v, s, hs in zip(visits, steps, h) if s.is_contact) / start_success
    else:
        duration_success = contacts_success = None

    effort = tidy(
        effort_points(
            expected_handoffs,
            expected_switches,
            expected_asks,
            expected_repeated,
            expected_hold,
            expected_wait - expected_hold,
            expected_active,
        )
    )
    values = {
        "steps": len(steps),
        "departments": len({s.department for s in steps}),
        "expected_steps": tidy(expected_steps),
        "expected_handoffs": tidy(expected_handoffs),
        "max_handoffs": round(worst_handoffs.value),
        "expected_duration_s": tidy(expected_duration),
        "worst_duration_s": tidy(worst_duration.value),
        "expected_wait_s": tidy(expected_wait),
        "expected_contacts": tidy(expected_contacts),
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
        "approximate": bool(worst_handoffs.approximate or worst_duration.approximate),
    }
    return {key: values[key] for key in METRIC_KEYS}
