"""Worst loop-free ways: the most hand-offs, the longest time, any rule's measure."""

from __future__ import annotations

import time

import pytest

from journeyaudit.analysis import analyze
from journeyaudit.analysis.graph import build_graph
from journeyaudit.analysis.worstcase import worst_way
from tests.analysis.builders import journey


def test_worst_duration_takes_the_slow_branch_start_and_end_included():
    # a (5) -> slow (100) -> z (1) = 106 beats a -> quick (10) -> z = 16.
    j = journey(
        {
            "a": {"duration": 5, "next": ["quick", "slow"]},
            "quick": {"wait": 10, "next": "z"},
            "slow": {"wait": 60, "duration": 40, "next": "z"},
            "z": {"duration": 1, "end": "success"},
        }
    )
    a = analyze(j)
    assert a.worst_duration.value == 106
    assert a.worst_duration.steps == ("a", "slow", "z")
    assert a.metrics["worst_duration_s"] == 106.0


def test_worst_handoffs_walks_the_loop_region_once_without_repeating_a_step():
    # Loop region {b, c, d}: b -> c -> d -> b, with exits from b and d.
    # Departments: a=x, b=y, c=x, d=y, out=x.
    # Best loop-free way: a -> b -> c -> d -> out: x>y, y>x, x>y, y>x = 4 hand-offs
    # (a -> b -> out would be 2; going around again would repeat b).
    j = journey(
        {
            "a": {"dept": "x", "next": "b"},
            "b": {"dept": "y", "next": [("c", 0.5), ("out", 0.5)]},
            "c": {"dept": "x", "next": "d"},
            "d": {"dept": "y", "next": [("b", 0.5), ("out", 0.5)]},
            "out": {"dept": "x", "end": "success"},
        }
    )
    a = analyze(j)
    assert a.worst_handoffs.value == 4
    assert a.worst_handoffs.steps == ("a", "b", "c", "d", "out")
    assert a.metrics["max_handoffs"] == 4
    assert a.metrics["approximate"] is False


def test_loop_region_entered_at_two_places():
    # x enters the region {p, q} at p, y at q; p <-> q; q exits to end.
    # From the start s (dept 0) the worst is s -> x -> p -> q -> end with
    # departments 0,1,2,3,4: 4 hand-offs; through y only s -> y -> q -> end: 3.
    j = journey(
        {
            "s": {"dept": "0", "next": ["x", "y"]},
            "x": {"dept": "1", "next": "p"},
            "y": {"dept": "1", "next": "q"},
            "p": {"dept": "2", "next": "q"},
            "q": {"dept": "3", "next": [("p", 0.5), ("end", 0.5)]},
            "end": {"dept": "4", "end": "success"},
        }
    )
    a = analyze(j)
    assert a.worst_handoffs.value == 4
    assert a.worst_handoffs.steps == ("s", "x", "p", "q", "end")


def test_ladder_of_60_decisions_is_fast_and_exact():
    # 60 decisions in a row, each to a slow (10 s) or a fast (1 s) step, 2^60 ways.
    # The worst way takes every slow step: 60 * 10 s.
    steps = {}
    for i in range(60):
        steps[f"d{i}"] = {"next": [f"slow{i}", f"fast{i}"]}
        steps[f"slow{i}"] = {"duration": 10, "next": f"d{i + 1}" if i < 59 else "end"}
        steps[f"fast{i}"] = {"duration": 1, "next": f"d{i + 1}" if i < 59 else "end"}
    steps["end"] = {"end": "success"}
    j = journey(steps)
    began = time.perf_counter()
    a = analyze(j)
    elapsed = time.perf_counter() - began
    assert elapsed < 0.5
    assert a.worst_duration.value == 600
    assert len(a.worst_duration.steps) == 121
    # equal chances on every decision: 60 * (10 + 1) / 2 = 330 s expected
    assert a.metrics["expected_duration_s"] == pytest.approx(330.0)


def test_generic_worst_way_counts_verifications_on_a_way():
    # Two verifications on the left branch, one on the right.
    j = journey(
        {
            "a": {"next": ["left", "right"]},
            "left": {"kind": "verification", "next": "again"},
            "again": {"kind": "verification", "next": "z"},
            "right": {"kind": "verification", "next": "z"},
            "z": {"end": "success"},
        }
    )
    way = worst_way(j, build_graph(j), lambda step: step.kind == "verification")
    assert way.value == 2
    assert way.steps == ("a", "left", "again", "z")
    assert analyze(j).graph is not None  # rules pass the analysis' graph


def test_generic_worst_way_to_chosen_ends_only():
    # The longest way to a success end, not to the (longer) failure end.
    j = journey(
        {
            "a": {"next": ["ok", "bad"]},
            "ok": {"duration": 1, "end": "success"},
            "bad": {"duration": 50, "end": "failure"},
        }
    )
    way = worst_way(j, None, lambda s: s.duration_s, ends=["ok"])
    assert (way.value, way.steps) == (1, ("a", "ok"))
    none = worst_way(j, None, lambda s: s.duration_s, ends=[])
    assert none.steps == ()


def test_large_loop_region_gives_a_marked_upper_bound():
    # A ring of 20 steps, each 1 s, each able to leave to the end (0 s).
    # The true worst way walks the ring once: 20 s. Past 16 steps the value
    # is the documented bound: every step of the region (20 s) plus the end.
    ring = 20
    steps = {}
    for i in range(ring):
        steps[f"r{i}"] = {"duration": 1, "next": [(f"r{(i + 1) % ring}", 0.5), ("end", 0.5)]}
    steps["end"] = {"end": "success"}
    a = analyze(journey(steps))
    assert a.worst_duration.approximate is True
    assert a.metrics["approximate"] is True
    assert a.worst_duration.value >= 20
    assert a.worst_duration.steps[0] == "r0" and a.worst_duration.steps[-1] == "end"
    assert len(set(a.worst_duration.steps)) == len(a.worst_duration.steps)


def test_sixteen_step_loop_region_is_exact():
    ring = 16
    steps = {}
    for i in range(ring):
        steps[f"r{i}"] = {"duration": 1, "next": [(f"r{(i + 1) % ring}", 0.5), ("end", 0.5)]}
    steps["end"] = {"end": "success"}
    a = analyze(journey(steps))
    # r0 -> r1 -> ... -> r15 -> end: 16 steps of 1 s
    assert a.worst_duration.value == 16
    assert a.worst_duration.approximate is False


def test_a_bound_that_loses_to_a_longer_exact_way_leaves_the_figure_exact():
    # start -> ring of 20 steps of 1 s (a bound: at most 20 s + the end), or
    # -> slow (1000 s) -> end. The slow way wins for sure: exact.
    ring = 20
    steps = {"start": {"next": ["r0", "slow"]}, "slow": {"duration": 1000, "next": "end"}}
    for i in range(ring):
        steps[f"r{i}"] = {"duration": 1, "next": [(f"r{(i + 1) % ring}", 0.5), ("end", 0.5)]}
    steps["end"] = {"end": "success"}
    a = analyze(journey(steps))
    assert a.worst_duration.value == 1000
    assert a.worst_duration.steps == ("start", "slow", "end")
    assert a.worst_duration.approximate is False
