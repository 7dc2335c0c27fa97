"""No rule walks every way: a ladder of 60 two-way decisions (2^60 ways) is instant."""

from __future__ import annotations

import time

from benchmarks.synthetic import dense
from journeyaudit.rules.registry import all_rules

from .helpers import context_of, run_on, run_portfolio_on


def ladder(rungs: int) -> str:
    departments = ["a", "b", "c"]
    lines = []
    for i in range(rungs):
        here = departments[i % 3]
        lines.append(
            f"  d{i}: {{title: Decide {i}, department: {here}, channel: phone, wait: 1h, "
            f"kind: verification, asks: [x], next: [l{i}, r{i}]}}\n"
        )
        nxt = f"d{i + 1}" if i + 1 < rungs else "end"
        lines.append(f"  l{i}: {{title: Left {i}, department: {departments[(i + 1) % 3]}, actor: customer, "
                     f"channel: mail, wait: 1d, duration: 1d, next: {nxt}}}\n")
        lines.append(f"  r{i}: {{title: Right {i}, department: {here}, channel: web, next: {nxt}}}\n")
    lines.append("  end: {title: End, department: a, kind: notification, end: success}\n")
    return (
        "journeyaudit: 1\nid: ladder\ntitle: Ladder\nstage: leave\ncounterpart: other\n"
        "promise: {duration: 1h, contacts: 1}\n"
        "departments:\n  a: {title: A}\n  b: {title: B}\n  c: {title: C}\n"
        "data:\n  x: {title: X}\n"
        "steps:\n" + "".join(lines)
    )


def test_every_rule_on_a_60_decision_ladder():
    context = context_of(ladder(60))
    started = time.perf_counter()
    reported = set()
    for rule_id, checker in all_rules().items():
        findings = run_portfolio_on(rule_id, [context]) if checker.portfolio else run_on(rule_id, context)
        if findings:
            reported.add(rule_id)
    assert time.perf_counter() - started < 10
    assert {"handoffs", "repeated-ask", "repeated-verification", "long-wait", "silence-gap"} <= reported


def test_a_dense_journey_of_150_steps_each_linked_to_all_others_audits_in_under_2_seconds():
    text = dense(150)
    assert 110_000 < len(text.encode()) < 140_000
    # Processor time, so that other work on the machine does not count.
    started = time.process_time()
    context = context_of(text)
    findings = {}
    for rule_id, checker in all_rules().items():
        findings[rule_id] = run_portfolio_on(rule_id, [context]) if checker.portfolio else run_on(rule_id, context)
    elapsed = time.process_time() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s"
    # One problem, one finding: five departments make at most ten back-and-forth pairs.
    assert 1 <= len(findings["ping-pong"]) <= 10
    assert len(findings["silence-gap"]) <= 150
    metrics = context.analysis.metrics
    assert metrics["approximate"] is True  # the loop region of 150 steps is bounded, and says so
    assert 0 <= metrics["promise_kept_rate"] <= metrics["promise_kept_rate"] + metrics["promise_kept_rate_error"] <= 1
