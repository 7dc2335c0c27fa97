"""repeated-ask, repeated-verification: hand-derived cases."""

from __future__ import annotations

from .helpers import journey, run

DATA = (
    "  name: {title: Full name}\n"
    "  card: {title: Card number}\n"
    "  pin: {title: PIN}\n"
)


def test_held_on_every_way_is_a_warning_on_some_ways_an_info():
    text = journey(
        "  s0: {title: S0, department: d, asks: [card], next: [s1, s2]}\n"
        "  s1: {title: S1, department: d, asks: [pin], next: s3}\n"
        "  s2: {title: S2, department: d, next: s3}\n"
        "  s3: {title: S3, department: d, asks: [pin, name, card], end: success}\n",
        header="known: [name]\n",
        data=DATA,
    )
    # One step asking three held items is one problem: one finding, at the configured
    # severity because some items are held on every way.
    (finding,) = run("repeated-ask", text)
    assert finding.step == "s3" and finding.steps == ("s3",)
    assert finding.severity is None  # the configured severity
    assert finding.data == ("card", "name", "pin")  # sorted ids
    # Titles in the order asked, each with where it was first given; the possibly held last.
    assert finding.message == (
        "asks again for Full name, already held by the company (known before the journey starts); "
        "Card number, already given at 's0'; "
        "and possibly for PIN, already given at 's1' (on some ways to this step)"
    )


def test_held_on_some_ways_only_is_an_info():
    text = journey(
        "  s0: {title: S0, department: d, next: [s1, s2]}\n"
        "  s1: {title: S1, department: d, asks: [pin], next: s3}\n"
        "  s2: {title: S2, department: d, next: s3}\n"
        "  s3: {title: S3, department: d, asks: [pin], end: success}\n",
        data=DATA,
    )
    (finding,) = run("repeated-ask", text)
    assert finding.severity == "info" and finding.data == ("pin",)
    assert finding.message == "possibly asks again for PIN, already given at 's1' (on some ways to this step)"


def test_asked_again_inside_a_loop():
    text = journey(
        "  s0: {title: S0, department: d, asks: [pin], next: [{to: s0, p: 0.5}, {to: s1, p: 0.5}]}\n"
        "  s1: {title: S1, department: d, end: success}\n",
        data=DATA,
    )
    (finding,) = run("repeated-ask", text)
    assert finding.severity == "info" and finding.step == "s0" and finding.data == ("pin",)


def test_unreachable_steps_are_not_judged():
    text = journey(
        "  s0: {title: S0, department: d, asks: [card], end: success}\n"
        "  x: {title: X, department: d, asks: [card, name], end: success}\n",
        header="known: [name]\n",
        data=DATA,
    )
    assert run("repeated-ask", text) == []


def test_verifications_on_different_branches_are_fine():
    text = journey(
        "  s0: {title: S0, department: d, next: [v1, v2]}\n"
        "  v1: {title: V1, department: d, kind: verification, next: s1}\n"
        "  v2: {title: V2, department: d, kind: verification, next: s1}\n"
        "  s1: {title: S1, department: d, end: success}\n"
    )
    assert run("repeated-verification", text) == []


def test_two_verifications_on_one_way_point_at_the_second():
    text = journey(
        "  s0: {title: S0, department: d, next: [v1, s1]}\n"
        "  v1: {title: V1, department: d, kind: verification, next: s1}\n"
        "  s1: {title: S1, department: d, next: [v2, s2]}\n"
        "  v2: {title: V2, department: d, kind: verification, next: [v1, s2]}\n"  # the way back is a loop
        "  s2: {title: S2, department: d, end: success}\n"
    )
    (finding,) = run("repeated-verification", text)
    assert finding.step == "v2"
    assert finding.steps == ("s0", "v1", "s1", "v2", "s2")
    assert finding.message == "the customer is verified twice on one way: 'v1' and 'v2'"


def test_where_first_given_names_every_branch_a_customer_may_have_taken():
    text = journey(
        "  s0: {title: S0, department: d, next: [b1, b2]}\n"
        "  b1: {title: B1, department: d, asks: [card, name], next: m}\n"
        "  b2: {title: B2, department: d, asks: [card], next: m}\n"
        "  m: {title: M, department: d, asks: [card], next: s}\n"
        "  s: {title: S, department: d, asks: [card, name], end: success}\n",
        header="known: [name]\n",
        data=DATA,
    )
    found = {f.step: f.message for f in run("repeated-ask", text)}
    # Card number: first given at b1 or b2, whichever way the customer took (not at m).
    assert found["m"] == "asks again for Card number, already given at 'b1' or 'b2'"
    # Full name: asked on one branch only, so on every way it is the company's own.
    assert found["s"] == (
        "asks again for Card number, already given at 'b1' or 'b2'; "
        "Full name, already held by the company (known before the journey starts)"
    )


def test_asked_again_on_an_earlier_pass_through_the_same_step():
    text = journey(
        "  s0: {title: S0, department: d, asks: [pin], next: [{to: s0, p: 0.5}, {to: s1, p: 0.5}]}\n"
        "  s1: {title: S1, department: d, end: success}\n",
        data=DATA,
    )
    (finding,) = run("repeated-ask", text)
    assert finding.message == "possibly asks again for PIN, already given at 's0' on an earlier pass (on some ways to this step)"


def test_the_earlier_pass_belongs_to_the_step_itself_not_to_every_source():
    # s0 -> a (asks pin) -> s2 | s0 -> s2; s2 asks pin and loops back to itself:
    # pin was given at 'a' on this pass, or at 's2' itself on an earlier one.
    text = journey(
        "  s0: {title: S0, department: d, next: [a, s2]}\n"
        "  a: {title: A, department: d, asks: [pin], next: s2}\n"
        "  s2: {title: S2, department: d, asks: [pin], next: [{to: s2, p: 0.5}, {to: s3, p: 0.5}]}\n"
        "  s3: {title: S3, department: d, end: success}\n",
        data=DATA,
    )
    (finding,) = run("repeated-ask", text)
    assert finding.message == (
        "possibly asks again for PIN, already given at 'a', or at 's2' on an earlier pass (on some ways to this step)"
    )
