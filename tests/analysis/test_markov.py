"""Expected figures: every way weighed by its probability, loops included."""

from __future__ import annotations

import pytest

from journeyaudit.analysis import analyze
from tests.analysis.builders import journey


def test_rework_loop_taken_30_percent_is_walked_1_over_0_7_times():
    # work -> check; check goes back to work with p = 0.3, else done.
    # Visits of work and check: 1 + 0.3 + 0.3^2 + ... = 1 / (1 - 0.3) = 1/0.7.
    j = journey(
        {
            "work": {"next": "check", "duration": 60},
            "check": {"next": [("work", 0.3), ("done", 0.7)]},
            "done": {"end": "success"},
        }
    )
    a = analyze(j)
    assert a.visits["work"] == pytest.approx(1 / 0.7)
    assert a.visits["check"] == pytest.approx(1 / 0.7)
    assert a.visits["done"] == pytest.approx(1.0)
    # 60 s of work per visit: 60 / 0.7 = 85.714 s on average
    assert a.metrics["expected_duration_s"] == pytest.approx(85.714, abs=1e-3)
    # two visited steps per lap plus the end: 2/0.7 + 1 = 3.857
    assert a.metrics["expected_steps"] == pytest.approx(3.857, abs=1e-3)
    assert a.success_rate == 1.0
    assert ("check", "work") in a.loop_edges and ("work", "check") in a.loop_edges
    assert ("check", "done") not in a.loop_edges


def test_nested_loops_multiply():
    # Inner loop: b -> c, c -> b with p = 0.5 (else on to d).
    # Outer loop: d -> a with p = 0.2 (else end).
    # Outer laps: 1 / (1 - 0.2) = 1.25 visits of a and d.
    # Per outer lap, b and c are visited 1 / (1 - 0.5) = 2 times: 2.5 in total.
    j = journey(
        {
            "a": {"next": "b"},
            "b": {"next": "c"},
            "c": {"next": [("b", 0.5), ("d", 0.5)]},
            "d": {"next": [("a", 0.2), ("end", 0.8)]},
            "end": {"end": "success"},
        }
    )
    a = analyze(j)
    assert a.visits["a"] == pytest.approx(1.25)
    assert a.visits["b"] == pytest.approx(2.5)
    assert a.visits["c"] == pytest.approx(2.5)
    assert a.visits["d"] == pytest.approx(1.25)
    assert a.visits["end"] == pytest.approx(1.0)


def test_several_branches_to_the_same_step_add_up():
    # a sends 0.25 + 0.25 to b (two written branches, e.g. two reasons) and 0.5 to c.
    j = journey(
        {
            "a": {"next": [("b", 0.25), ("c", 0.5), ("b", 0.25)], "dept": "x"},
            "b": {"end": "success", "dept": "y"},
            "c": {"end": "failure", "dept": "x"},
        }
    )
    a = analyze(j)
    assert a.transition[("a", "b")] == pytest.approx(0.5)
    assert a.visits["b"] == pytest.approx(0.5)
    # the hand-off a -> b (x -> y) is taken with probability 0.5, once
    assert a.metrics["expected_handoffs"] == pytest.approx(0.5)
    assert a.metrics["success_rate"] == pytest.approx(0.5)
    assert a.metrics["failure_rate"] == pytest.approx(0.5)


def test_closed_loop_is_a_trap_where_the_customer_is_stuck():
    # a -> (b with 0.4 | ok with 0.6); b <-> c forever: no way out.
    # The customer who enters b is stuck there: b absorbs 0.4, c is never reached.
    j = journey(
        {
            "a": {"next": [("b", 0.4), ("ok", 0.6)]},
            "b": {"next": "c"},
            "c": {"next": "b"},
            "ok": {"end": "success"},
        }
    )
    a = analyze(j)
    assert a.traps == {"b", "c"}
    assert a.absorption["b"] == pytest.approx(0.4)
    assert a.visits["b"] == pytest.approx(0.4)
    assert a.visits["c"] == 0.0
    assert a.metrics["stuck_rate"] == pytest.approx(0.4)
    assert a.metrics["success_rate"] == pytest.approx(0.6)
    assert a.can_succeed == {"a", "ok"}


def test_dead_end_absorbs_and_counts_as_stuck():
    # a -> b (dead end: no next, no end) with 0.1, else success.
    j = journey({"a": {"next": [("b", 0.1), ("ok", 0.9)]}, "b": {}, "ok": {"end": "success"}})
    a = analyze(j)
    assert a.dead_ends == ("b",)
    assert a.metrics["stuck_rate"] == pytest.approx(0.1)
    assert a.metrics["success_rate"] == pytest.approx(0.9)
    assert a.traps == frozenset()


def test_unreachable_steps_get_no_visits_and_no_held_data():
    j = journey({"a": {"next": "ok"}, "ok": {"end": "success"}, "orphan": {"next": "orphan", "asks": ["x"]}})
    a = analyze(j)
    assert a.reachable == {"a", "ok"}
    assert a.visits["orphan"] == 0.0
    assert a.held_must["orphan"] == frozenset()
    assert a.traps == frozenset()  # an unreachable loop traps nobody


def test_start_that_is_an_end_is_visited_once():
    j = journey({"only": {"end": "success"}})
    a = analyze(j)
    assert a.visits == {"only": 1.0}
    assert a.metrics["expected_steps"] == 1.0
    assert a.metrics["success_rate"] == 1.0


def test_time_to_success_only_counts_successful_customers():
    # a (10 s) -> fast (0 s) success with 0.5, or slow (100 s) -> failure.
    # Successful customers spend 10 s; failing ones 110 s; overall 60 s.
    j = journey(
        {
            "a": {"duration": 10, "next": [("fast", 0.5), ("slow", 0.5)]},
            "fast": {"end": "success"},
            "slow": {"duration": 100, "next": "fail"},
            "fail": {"end": "failure"},
        }
    )
    a = analyze(j)
    assert a.metrics["expected_duration_s"] == pytest.approx(60.0)
    assert a.metrics["expected_duration_success_s"] == pytest.approx(10.0)
    assert a.success_from["a"] == pytest.approx(0.5)


def test_no_success_end_gives_no_time_to_success():
    j = journey({"a": {"next": "no"}, "no": {"end": "failure"}})
    a = analyze(j)
    assert a.metrics["success_rate"] == 0.0
    assert a.metrics["expected_duration_success_s"] is None
    assert a.metrics["expected_contacts_success"] is None


def test_most_likely_way_takes_the_likeliest_branch_and_stops_before_a_loop():
    # check -> work (0.6, a loop back) or done (0.4): the likeliest branch loops,
    # so the way stops before walking `work` twice.
    j = journey(
        {
            "work": {"next": "check"},
            "check": {"next": [("work", 0.6), ("done", 0.4)]},
            "done": {"end": "success"},
        }
    )
    assert analyze(j).most_likely_way == ("work", "check")


def test_most_likely_way_breaks_ties_by_the_order_of_next():
    j = journey({"a": {"next": ["y", "x"]}, "x": {"end": "success"}, "y": {"end": "success"}})
    assert analyze(j).most_likely_way == ("a", "y")


def test_most_likely_way_stops_where_the_customer_is_stuck_in_a_trap():
    # a -> t (0.9) where t <-> u loop forever; the way stops at t, the trap's entry.
    j = journey(
        {
            "a": {"next": [("t", 0.9), ("ok", 0.1)]},
            "t": {"next": "u"},
            "u": {"next": "t"},
            "ok": {"end": "success"},
        }
    )
    assert analyze(j).most_likely_way == ("a", "t")


def test_contacts_of_successful_customers_only():
    # call (a contact) -> done (success, 0.5) or -> letter (system notification: a message)
    # -> call-again (a second call, 0.5 of the customers) -> gave-up (abandoned).
    # Successful customers had 1 contact; everyone 1.5 on average; 0.5 messages.
    j = journey(
        {
            "call": {"channel": "phone", "next": [("done", 0.5), ("letter", 0.5)]},
            "done": {"actor": "customer", "end": "success"},
            "letter": {"actor": "system", "kind": "notification", "channel": "mail", "next": "call-again"},
            "call-again": {"channel": "phone", "next": "gave-up"},
            "gave-up": {"actor": "customer", "end": "abandoned"},
        }
    )
    a = analyze(j)
    assert a.metrics["expected_contacts"] == 1.5
    assert a.metrics["expected_contacts_success"] == 1.0
    assert a.metrics["expected_messages"] == 0.5
    assert a.metrics["abandon_rate"] == 0.5
