"""unreachable-step, dead-end, no-way-out: hand-derived cases."""

from __future__ import annotations

from .helpers import context_of, journey, run


def test_unreachable_steps_in_file_order_one_finding_per_forgotten_branch():
    text = journey(
        "  a: {title: A, department: d, next: b}\n"
        "  x: {title: X, department: d, next: y}\n"
        "  b: {title: B, department: d, end: success}\n"
        "  y: {title: Y, department: d, end: success}\n"
        "  z: {title: Z, department: d, next: b}\n"
    )
    findings = run("unreachable-step", text)
    assert [f.step for f in findings] == ["x", "z"]
    assert findings[0].message == "'x' is never reached: no way from the start 'a' leads to it (nor to 'y', linked to it)"
    assert findings[1].message == "'z' is never reached: no way from the start 'a' leads to it"


def test_a_branch_with_probability_zero_still_reaches():
    text = journey(
        "  a: {title: A, department: d, next: [{to: b, p: 1}, {to: c, p: 0}]}\n"
        "  b: {title: B, department: d, end: success}\n"
        "  c: {title: C, department: d, end: success}\n"
    )
    assert run("unreachable-step", text) == []


def test_dead_ends_reachable_or_not():
    text = journey(
        "  a: {title: A, department: d, next: [b, c]}\n"
        "  b: {title: B, department: d}\n"
        "  c: {title: C, department: d, end: success}\n"
        "  z: {title: Z, department: d}\n"
    )
    findings = run("dead-end", text)
    assert [f.step for f in findings] == ["b", "z"]
    assert "'b' has neither next nor end" in findings[0].message


def test_no_success_end_is_one_journey_finding():
    text = journey(
        "  a: {title: A, department: d, next: b}\n"
        "  b: {title: B, department: d, end: failure}\n"
    )
    (finding,) = run("no-way-out", text)
    assert finding.step is None
    assert "no success end" in finding.message


def test_trap_loop_and_failure_only_branches():
    text = journey(
        "  a: {title: A, department: d, next: [ok, loop1, fail1]}\n"
        "  ok: {title: OK, department: d, end: success}\n"
        "  loop1: {title: L1, department: d, next: loop2}\n"
        "  loop2: {title: L2, department: d, next: loop1}\n"
        "  fail1: {title: F1, department: d, next: [fail2, stuck]}\n"
        "  fail2: {title: F2, department: d, end: abandoned}\n"
        "  stuck: {title: S, department: d}\n"
        "  lost: {title: Unreachable trap, department: d, next: fail2}\n"
    )
    found = {f.step: f.message for f in run("no-way-out", text)}
    # `a` can succeed; `stuck` has no next (dead-end's job); `lost` is unreachable.
    # The loop is one problem, found where customers enter it.
    assert set(found) == {"loop1", "fail1"}
    assert found["loop1"] == (
        "'loop1' is caught in a loop with no way out: no branch customers take from it leads to an end ('loop2' with it)"
    )
    assert found["fail1"] == "no way from 'fail1' reaches a successful end: only abandoned ends and dead ends ahead"


def test_a_loop_whose_only_exit_has_probability_zero_is_a_trap():
    text = """\
journeyaudit: 1
title: Loop with a closed exit
departments: {d: {}}
steps:
  a: {title: A, department: d, next: b}
  b: {title: B, department: d, next: [{to: a, p: 1}, {to: done, p: 0}]}
  done: {title: Done, department: d, end: success}
"""
    (finding,) = run("no-way-out", text)
    assert finding.step == "a"
    assert "loop with no way out" in finding.message and "'b' with it" in finding.message
    assert context_of(text).analysis.metrics["success_rate"] == 0.0
