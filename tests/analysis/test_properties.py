"""Random small journeys: the engine agrees with independent, slow, exact computations.

* Expected visits, hand-offs and durations: the absorbing chain solved again
  with exact fractions by Gauss-Jordan elimination, written here from the
  journey's edges without the engine's graph code.
* Worst loop-free ways: brute-force enumeration of every simple way.
* Held information: exploration of every (step, data held) state a walk can
  be in, loops included.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journeyaudit.analysis import analyze
from tests.analysis.builders import absorbing_and_reachable, journey

DATA = ["name", "id", "iban"]


@st.composite
def small_journeys(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    ids = [f"s{i}" for i in range(n)]
    steps = {}
    weights = {}
    for _i, step_id in enumerate(ids):
        role = draw(st.sampled_from(["next", "next", "next", "success", "failure", "dead"]))
        spec = {
            "dept": draw(st.sampled_from(["a", "b", "c"])),
            "channel": draw(st.sampled_from(["web", "phone"])),
            "actor": draw(st.sampled_from(["staff", "customer", "system"])),
            "wait": draw(st.integers(min_value=0, max_value=100)),
            "duration": draw(st.integers(min_value=0, max_value=100)),
            "asks": draw(st.lists(st.sampled_from(DATA), unique=True, max_size=2)),
        }
        if role in ("success", "failure"):
            spec["end"] = role
        elif role == "next":
            branches = draw(
                st.lists(
                    st.tuples(st.sampled_from(ids), st.integers(min_value=1, max_value=5)), min_size=1, max_size=3
                )
            )
            total = sum(w for _, w in branches)
            spec["next"] = [(target, w / total) for target, w in branches]
            weights[step_id] = [(target, Fraction(w, total)) for target, w in branches]
        steps[step_id] = spec
    known = draw(st.lists(st.sampled_from(DATA), unique=True, max_size=1))
    return steps, weights, known


def exact_chain(steps, weights):
    """Exact transitions, absorbing steps (traps cut) and expected visits, in fractions."""
    ids = list(steps)
    start = ids[0]
    transitions = {u: {} for u in ids}
    for u, branches in weights.items():
        for v, p in branches:
            transitions[u][v] = transitions[u].get(v, 0) + p
    absorbing, reachable = absorbing_and_reachable(transitions, start)
    transient = [u for u in ids if u in reachable and u not in absorbing]
    visits = {u: Fraction(0) for u in ids}
    if start in absorbing:
        visits[start] = Fraction(1)
        return transitions, absorbing, reachable, visits
    # v_j = [j = start] + sum_i v_i P(i, j) over transient i, j: (I - Q)^T v = e_start
    k = len(transient)
    pos = {u: i for i, u in enumerate(transient)}
    matrix = [[Fraction(int(r == c)) for c in range(k)] + [Fraction(int(transient[r] == start))] for r in range(k)]
    for i, u in enumerate(transient):
        for v, p in transitions[u].items():
            if v in pos:
                matrix[pos[v]][i] -= p
    for col in range(k):
        pivot = next(r for r in range(col, k) if matrix[r][col] != 0)
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        lead = matrix[col][col]
        matrix[col] = [x / lead for x in matrix[col]]
        for r in range(k):
            if r != col and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col])]
    for i, u in enumerate(transient):
        visits[u] = matrix[i][k]
    for u in transient:
        for v, p in transitions[u].items():
            if v in absorbing:
                visits[v] += visits[u] * p
    return transitions, absorbing, reachable, visits


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_journeys())
def test_expected_figures_equal_an_exact_fraction_solution(case):
    steps, weights, known = case
    transitions, absorbing, reachable, visits = exact_chain(steps, weights)
    assume(any(u in reachable and not steps[u].get("next") for u in steps))  # some end or dead end reachable
    a = analyze(journey(steps, known=known))

    for u in steps:
        assert a.visits[u] == pytest.approx(float(visits[u]), rel=1e-9, abs=1e-9), u

    transient = [u for u in steps if u in reachable and u not in absorbing]
    handoffs = sum(
        visits[u] * p for u in transient for v, p in transitions[u].items() if steps[u]["dept"] != steps[v]["dept"]
    )
    duration = sum(visits[u] * (steps[u]["wait"] + steps[u]["duration"]) for u in steps)
    success = sum(visits[u] for u in absorbing if steps[u].get("end") == "success")
    stuck = sum(visits[u] for u in absorbing if u in reachable and not steps[u].get("end"))
    assert a.metrics["expected_handoffs"] == pytest.approx(float(handoffs), abs=6e-4)
    assert a.metrics["expected_duration_s"] == pytest.approx(float(duration), abs=6e-4)
    assert a.metrics["expected_steps"] == pytest.approx(float(sum(visits.values())), abs=6e-4)
    assert a.metrics["success_rate"] == pytest.approx(float(success), abs=6e-4)
    assert a.metrics["stuck_rate"] == pytest.approx(float(stuck), abs=6e-4)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_journeys())
def test_worst_ways_equal_brute_force_over_every_loop_free_way(case):
    steps, weights, known = case
    transitions, absorbing, reachable, _ = exact_chain(steps, weights)
    assume(any(u in reachable and not steps[u].get("next") for u in steps))
    a = analyze(journey(steps, known=known))

    def time_of(way):
        return sum(steps[u]["wait"] + steps[u]["duration"] for u in way)

    def handoffs_of(way):
        return sum(steps[u]["dept"] != steps[v]["dept"] for u, v in itertools.pairwise(way))

    ways = []

    def walk(way):
        u = way[-1]
        if u in absorbing:
            ways.append(tuple(way))
            return
        for v in transitions[u]:
            if v not in way:
                walk(way + [v])

    walk([next(iter(steps))])
    assert ways, "every step that is not absorbing can reach an absorbing step"
    assert a.worst_duration.value == max(time_of(w) for w in ways)
    assert a.worst_handoffs.value == max(handoffs_of(w) for w in ways)
    assert a.worst_duration.steps in ways and time_of(a.worst_duration.steps) == a.worst_duration.value
    assert a.worst_handoffs.steps in ways and handoffs_of(a.worst_handoffs.steps) == a.worst_handoffs.value
    assert not a.worst_duration.approximate


@settings(max_examples=300, deadline=None)
@given(small_journeys())
def test_held_data_equals_exploring_every_walk(case):
    steps, _weights, known = case
    ids = list(steps)
    a = analyze(journey(steps, known=known))
    # Every (step, held before it asks) a walk from the start can be in, loops included.
    start_state = (ids[0], frozenset(known))
    seen = {start_state}
    frontier = [start_state]
    while frontier:
        u, held = frontier.pop()
        after = held | set(steps[u]["asks"])
        if steps[u].get("end"):
            continue
        for target, _ in steps[u].get("next", []):
            state = (target, after)
            if state not in seen:
                seen.add(state)
                frontier.append(state)
    for u in ids:
        states = [held for step, held in seen if step == u]
        if not states:
            assert a.held_must[u] == frozenset() and a.held_may[u] == frozenset()
            continue
        assert a.held_must[u] == frozenset.intersection(*states), u
        assert a.held_may[u] == frozenset.union(*states), u
        for item in steps[u]["asks"]:
            if item in a.held_may[u]:
                first = a.first_given[(u, item)]
                assert (first is None) == (item in known)
                if first is not None:
                    assert item in steps[first]["asks"]


@settings(max_examples=300, deadline=None)
@given(small_journeys())
def test_any_journey_is_analysed_with_an_entry_for_every_step(case):
    # Including journeys where the customer is stuck in a loop from the start.
    steps, _, known = case
    a = analyze(journey(steps, known=known))
    assert set(a.visits) == set(a.held_must) == set(a.held_may) == set(steps)
    assert sum(a.absorption.values()) == pytest.approx(1.0)
    assert a.worst_duration.steps[0] == next(iter(steps))
    assert 0 <= a.metrics["score"] <= 100
    for key in ("success_rate", "failure_rate", "abandon_rate", "stuck_rate"):
        assert 0.0 <= a.metrics[key] <= 1.0


@settings(max_examples=300, deadline=None)
@given(small_journeys())
def test_rule_defined_worst_way_to_success_ends_equals_brute_force(case):
    # A rule's own measure: waiting time plus 100 per channel change, on ways to a success end.
    from journeyaudit.analysis.worstcase import worst_way

    steps, weights, known = case
    transitions, absorbing, _reachable, _ = exact_chain(steps, weights)
    j = journey(steps, known=known)
    successes = [u for u in steps if steps[u].get("end") == "success"]
    way = worst_way(
        j,
        None,
        lambda step: step.wait_s,
        lambda source, target: 100.0 * (source.channel != target.channel),
        ends=successes,
    )

    def weight(w):
        return sum(steps[u]["wait"] for u in w) + sum(
            100 * (steps[u]["channel"] != steps[v]["channel"]) for u, v in itertools.pairwise(w)
        )

    ways = []

    def walk(w):
        u = w[-1]
        if u in absorbing:
            if u in successes:
                ways.append(tuple(w))
            return
        for v in transitions[u]:
            if v not in w:
                walk(w + [v])

    walk([next(iter(steps))])
    if not ways:
        assert way.steps == ()
    else:
        assert way.value == max(weight(w) for w in ways)
        assert way.steps in ways and weight(way.steps) == way.value
