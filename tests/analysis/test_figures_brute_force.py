"""The figures of "What counts as what", checked against an exhaustive walk of every way.

Random small journeys with automated messages, staff messages, appointments
(`after`), back-office and customer steps, loops and every kind of end. The
walk below follows each way from the start with its probability (loops
included, until the way's probability falls under 1e-10, the mass left
bounding the error), counting on the way itself, the way a consultant would
by hand:

* hand-offs: department changes between consecutive handling steps (a
  `notification` by `system` is skipped);
* contacts: a contact step begins one unless the step before it is a contact
  step on the same channel, the step has no `after`, and the edge does not
  loop back (dominance found by removing the step and searching again);
* messages, scheduled time, elapsed time, value-adding active time, the share
  of customers reaching a success end within the promise.

Worst loop-free hand-offs and the longest silence before each touchpoint are
checked against the enumeration of every loop-free way or stretch. The
engine computes none of these by walking ways (a product chain, dominator
trees, a time-ordered distribution, a search over loop regions): agreement
on hundreds of journeys is the evidence the definitions are implemented as
written.
"""

from __future__ import annotations

import itertools
from collections import deque

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journeyaudit.analysis import analyze
from journeyaudit.model import Promise
from tests.analysis.builders import HERE, absorbing_and_reachable, journey

INTERNAL = ("internal", "back-office", "backoffice", "none")
PRUNE = 1e-10
WALK_BUDGET = 150_000


@st.composite
def journeys(draw, messages: bool = False):
    """Random small journeys; with `messages`, most steps are automated messages passing the case on."""
    n = draw(st.integers(min_value=1, max_value=7))
    ids = [f"s{i}" for i in range(n)]
    steps = {}
    for step_id in ids:
        role = draw(st.sampled_from(["next"] * 4 + ["success", "success", "failure", "dead"]))
        kind = draw(st.sampled_from(["task", "task", "notification", "notification", "verification"]))
        automated = messages and draw(st.booleans())
        spec = {
            "dept": draw(st.sampled_from(["a", "b", "c"])),
            "channel": draw(st.sampled_from(["phone", "phone", "web", "mail", "internal"])),
            "actor": "system" if automated else draw(st.sampled_from(["staff", "system", "system", "customer"])),
            "kind": kind,
            "wait": draw(st.sampled_from([0, 0, 5, 30, 100])),
            "after": draw(st.sampled_from([0, 0, 0, 40])),
            "duration": draw(st.sampled_from([0, 10, 25, 60])),
            "value": draw(st.sampled_from(["customer", "customer", "business"])),
        }
        if automated:
            spec["kind"] = "notification"
            role = "next"
        if role in ("success", "failure"):
            spec["end"] = role
        elif role == "next":
            branches = draw(
                st.lists(st.tuples(st.sampled_from(ids), st.integers(min_value=1, max_value=4)), min_size=1, max_size=3)
            )
            total = sum(w for _, w in branches)
            spec["next"] = [(target, w / total) for target, w in branches]
        steps[step_id] = spec
    promise = draw(st.sampled_from([None, 0, 60, 150, 300, 600]))
    return steps, promise


def build(steps, promise):
    j = journey({k: {key: v for key, v in spec.items() if key != "after"} for k, spec in steps.items()})
    for step_id, spec in steps.items():
        j.steps[step_id].after_s = float(spec["after"])
    if promise is not None:
        j.promise = Promise(float(promise), None, HERE)
    return j


# --- the journey as the walk sees it, written from the specs ----------------------


def transitions_of(steps):
    result = {}
    for u, spec in steps.items():
        merged = {}
        if not spec.get("end"):
            for v, p in spec.get("next", []):
                merged[v] = merged.get(v, 0.0) + p
        result[u] = merged
    return result


def absorbing_steps(steps, transitions):
    """Ends, dead ends, and traps (no end or dead end reachable along branches taken)."""
    return absorbing_and_reachable(transitions, next(iter(steps)))


def handling(spec):
    return not (spec["kind"] == "notification" and spec["actor"] == "system")


def contact_step(spec):
    return spec["kind"] != "notification" and spec["actor"] in ("staff", "system") and spec["channel"] not in INTERNAL


def touchpoint(spec):
    return spec["kind"] == "notification" or contact_step(spec)


def elapsed(spec):
    return spec["wait"] + spec["after"] + spec["duration"]


def walked(steps, transitions, absorbing):
    """Edges a way can take: none out of an absorbing step (traps are cut)."""
    return {u: ([] if u in absorbing else list(transitions[u])) for u in steps}


def dominates(edges, start, v, u):
    """Every way from the start to u passes v: u is not reachable once v is removed."""
    if v in (u, start):
        return True
    seen = {start}
    queue = deque([start])
    while queue:
        w = queue.popleft()
        for x in edges[w]:
            if x != v and x not in seen:
                seen.add(x)
                queue.append(x)
    return u not in seen


def walk_every_way(steps, promise):
    """Expected figures by following every way with its probability."""
    transitions = transitions_of(steps)
    absorbing, _ = absorbing_steps(steps, transitions)
    edges = walked(steps, transitions, absorbing)
    start = next(iter(steps))
    loops_back = {(u, v): dominates(edges, start, v, u) for u in steps for v in edges[u]}
    totals = dict.fromkeys(
        ("handoffs", "contacts", "messages", "scheduled", "elapsed", "value", "kept", "success", "contacts_success"), 0.0
    )
    matrix: dict[tuple[str, str], float] = {}
    lost = 0.0
    budget = [WALK_BUDGET]

    first = steps[start]
    state = {
        "handoffs": 0,
        "last": first["dept"] if handling(first) else None,
        "contacts": 1 if contact_step(first) else 0,
        "messages": 1 if first["kind"] == "notification" else 0,
        "scheduled": first["after"],
        "elapsed": elapsed(first),
        "value": first["duration"] if first["value"] == "customer" else 0,
        "pairs": (),
    }
    stack = [(start, 1.0, state)]
    while stack:
        u, probability, state = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if u in absorbing:
            for key in ("handoffs", "contacts", "messages", "scheduled", "elapsed", "value"):
                totals[key] += probability * state[key]
            for pair in state["pairs"]:
                matrix[pair] = matrix.get(pair, 0.0) + probability
            if steps[u].get("end") == "success":
                totals["success"] += probability
                totals["contacts_success"] += probability * state["contacts"]
                if promise is not None and state["elapsed"] <= promise:
                    totals["kept"] += probability
            continue
        for v, p in transitions[u].items():
            if p <= 0:
                continue
            if probability * p < PRUNE:
                lost += probability * p
                continue
            spec, before = steps[v], steps[u]
            following = dict(state)
            if handling(spec):
                if state["last"] is not None and state["last"] != spec["dept"]:
                    following["handoffs"] += 1
                    following["pairs"] = (*state["pairs"], (state["last"], spec["dept"]))
                following["last"] = spec["dept"]
            if contact_step(spec):
                same_call = (
                    contact_step(before)
                    and before["channel"] == spec["channel"]
                    and spec["after"] == 0
                    and not loops_back[(u, v)]
                )
                following["contacts"] += 0 if same_call else 1
            following["messages"] += spec["kind"] == "notification"
            following["scheduled"] += spec["after"]
            following["elapsed"] += elapsed(spec)
            following["value"] += spec["duration"] if spec["value"] == "customer" else 0
            stack.append((v, probability * p, following))
    return totals, matrix, lost


def worst_handoffs_by_enumeration(steps):
    transitions = transitions_of(steps)
    absorbing, _ = absorbing_steps(steps, transitions)
    edges = walked(steps, transitions, absorbing)
    best = 0

    def count(way):
        departments = [steps[u]["dept"] for u in way if handling(steps[u])]
        return sum(a != b for a, b in itertools.pairwise(departments))

    def extend(way):
        nonlocal best
        u = way[-1]
        if u in absorbing:
            best = max(best, count(way))
            return
        for v in edges[u]:
            if v not in way:
                extend(way + [v])

    extend([next(iter(steps))])
    return best


def silences_by_enumeration(steps):
    """Touchpoint -> longest silence before it: every loop-free quiet stretch from a touchpoint or the start."""
    transitions = transitions_of(steps)
    absorbing, reachable = absorbing_steps(steps, transitions)
    edges = walked(steps, transitions, absorbing)
    start = next(iter(steps))
    best: dict[str, float] = {}

    def reach(t, seconds):
        if t not in best or seconds > best[t]:
            best[t] = seconds

    def stretch(quiet, seconds):
        u = quiet[-1]
        for v in edges[u]:
            if touchpoint(steps[v]):
                reach(v, seconds + steps[v]["wait"] + steps[v]["after"])
            elif v not in quiet:
                stretch(quiet + [v], seconds + elapsed(steps[v]))

    origins = [u for u in reachable if touchpoint(steps[u])]
    for o in origins:
        for v in edges[o]:
            if touchpoint(steps[v]):
                reach(v, steps[v]["wait"] + steps[v]["after"])
            else:
                stretch([v], elapsed(steps[v]))
    if touchpoint(steps[start]):
        reach(start, steps[start]["wait"] + steps[start]["after"])
    else:
        stretch([start], elapsed(steps[start]))
    return best


CLOSE = 6e-4  # figures are rounded to 3 decimals


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(journeys(), journeys(messages=True)))
def test_expected_figures_equal_an_exhaustive_walk_of_every_way(case):
    steps, promise = case
    walked_ways = walk_every_way(steps, promise)
    assume(walked_ways is not None)
    totals, matrix, lost = walked_ways
    assume(lost < 1e-7)
    a = analyze(build(steps, promise))
    m = a.metrics
    slack = CLOSE + 1000 * lost
    assert m["expected_handoffs"] == pytest.approx(totals["handoffs"], abs=slack)
    assert m["expected_contacts"] == pytest.approx(totals["contacts"], abs=slack)
    assert m["expected_messages"] == pytest.approx(totals["messages"], abs=slack)
    assert m["expected_scheduled_s"] == pytest.approx(totals["scheduled"], abs=slack * 100)
    assert m["expected_duration_s"] == pytest.approx(totals["elapsed"], abs=slack * 100)
    if totals["elapsed"] > 1:
        assert m["value_added_ratio"] == pytest.approx(totals["value"] / totals["elapsed"], abs=slack)
    if totals["success"] > 1e-6 and m["expected_contacts_success"] is not None:
        assert m["expected_contacts_success"] == pytest.approx(
            totals["contacts_success"] / totals["success"], abs=slack / totals["success"]
        )
    if promise is None:
        assert m["promise_kept_rate"] is None
    else:
        assert m["promise_kept_rate_error"] < 1e-9
        assert m["promise_kept_rate"] == pytest.approx(totals["kept"], abs=CLOSE + lost)
    for pair in set(matrix) | set(a.handoff_matrix):
        assert a.handoff_matrix.get(pair, 0.0) == pytest.approx(matrix.get(pair, 0.0), abs=slack), pair


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(journeys(), journeys(messages=True)))
def test_worst_handoffs_equal_every_loop_free_way(case):
    steps, promise = case
    a = analyze(build(steps, promise))
    assert a.metrics["max_handoffs"] == worst_handoffs_by_enumeration(steps)
    # the way shown has the figure
    way = a.worst_handoffs.steps
    departments = [steps[u]["dept"] for u in way if handling(steps[u])]
    assert sum(x != y for x, y in itertools.pairwise(departments)) == a.metrics["max_handoffs"]
    assert len(set(way)) == len(way)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_longest_silence_before_each_touchpoint_equals_every_loop_free_stretch(case):
    steps, promise = case
    a = analyze(build(steps, promise))
    expected = silences_by_enumeration(steps)
    assert {t: s.seconds for t, s in a.silences.items()} == pytest.approx(expected)
    for t, silence in a.silences.items():
        # the stretch named is a real one with that length
        quiet = silence.quiet
        assert not any(touchpoint(steps[q]) for q in quiet) and len(set(quiet)) == len(quiet)
        length = sum(elapsed(steps[q]) for q in quiet) + steps[t]["wait"] + steps[t]["after"]
        assert length == pytest.approx(silence.seconds)
    assert a.metrics["worst_silence_s"] == pytest.approx(max(expected.values(), default=0.0))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_loop_back_edges_are_those_whose_target_every_way_passes(case):
    steps, promise = case
    transitions = transitions_of(steps)
    absorbing, reachable = absorbing_steps(steps, transitions)
    edges = walked(steps, transitions, absorbing)
    start = next(iter(steps))
    expected = {(u, v) for u in reachable for v in edges[u] if dominates(edges, start, v, u)}
    assert analyze(build(steps, promise)).loop_back_edges == expected
