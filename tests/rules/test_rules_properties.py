"""Every rule runs on any valid journey without failing, and its findings point at real things."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyaudit.rules.registry import all_rules

from .helpers import context_of, run_on, run_portfolio_on

CHANNELS = ["phone", "web", "mail", "email", "internal", "video"]
ACTORS = ["staff", "system", "customer"]
KINDS = ["task", "verification", "notification", "feedback", "follow-up", "retention-offer", "payment"]
VALUES = ["customer", "business", "none"]
ENDS = [None, None, "success", "failure", "abandoned"]
DURATIONS = ["0s", "3m", "2h", "1d", "3d"]


@st.composite
def journeys(draw):
    size = draw(st.integers(min_value=1, max_value=9))
    ids = [f"s{i}" for i in range(size)]
    lines = []
    for step_id in ids:
        parts = [
            f"title: {step_id}",
            f"department: {draw(st.sampled_from(['a', 'b', 'c']))}",
            f"channel: {draw(st.sampled_from(CHANNELS))}",
            f"actor: {draw(st.sampled_from(ACTORS))}",
            f"kind: {draw(st.sampled_from(KINDS))}",
            f"value: {draw(st.sampled_from(VALUES))}",
            f"wait: {draw(st.sampled_from(DURATIONS))}",
            f"duration: {draw(st.sampled_from(DURATIONS))}",
        ]
        asks = draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True))
        if asks:
            parts.append(f"asks: [{', '.join(asks)}]")
        end = draw(st.sampled_from(ENDS))
        targets = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        if end:
            parts.append(f"end: {end}")
        elif targets:
            parts.append(f"next: [{', '.join(targets)}]")
        lines.append(f"  {step_id}: {{{', '.join(parts)}}}\n")
    stage = draw(st.sampled_from(["acquire", "onboard", "use", "support", "leave"]))
    known = draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True))
    return (
        f"journeyaudit: 1\nid: random\ntitle: Random\nstage: {stage}\nknown: [{', '.join(known)}]\n"
        "counterpart: random\npromise: {duration: 1h, contacts: 2}\n"
        "departments:\n  a: {title: A}\n  b: {title: B}\n  c: {title: C}\n"
        "data:\n  x: {title: X}\n  y: {title: Y}\n  z: {title: Z}\n"
        "steps:\n" + "".join(lines)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_rules_never_fail_and_point_at_real_steps(text):
    context = context_of(text)
    steps = context.journey.steps
    for rule_id, checker in all_rules().items():
        findings = run_portfolio_on(rule_id, [context]) if checker.portfolio else run_on(rule_id, context)
        for finding in findings:
            assert finding.message.strip()
            assert finding.step is None or finding.step in steps, (rule_id, finding)
            assert all(step in steps for step in finding.steps), (rule_id, finding)
            assert all(item in ("x", "y", "z") for item in finding.data)
            assert finding.severity in (None, "info")
        if rule_id in ("handoffs", "repeated-verification", "exit-without-human", "silence-gap", "ping-pong"):
            for finding in findings:  # a way: consecutive steps joined by edges
                way = finding.steps
                # No step twice (silence-gap and ping-pong may come back to where they began).
                assert len(set(way[:-1])) == len(way[:-1]) and len(set(way[1:])) == len(way[1:])
                for source, target in itertools.pairwise(way):
                    assert target in {edge.target for edge in steps[source].next}, (rule_id, way)
