"""handoffs, ping-pong, departments-touched: hand-derived cases."""

from __future__ import annotations

from .helpers import journey, run

DEPARTMENTS = (
    "  a: {title: Alpha}\n"
    "  b: {title: Bravo}\n"
    "  c: {title: Charlie}\n"
    "  e: {title: Echo}\n"
)


def chain(*departments):
    """A straight way through steps s0, s1, ... owned by the given departments."""
    lines = []
    for i, department in enumerate(departments):
        tail = f"next: s{i + 1}" if i + 1 < len(departments) else "end: success"
        lines.append(f"  s{i}: {{title: S{i}, department: {department}, {tail}}}\n")
    return journey("".join(lines), departments=DEPARTMENTS)


def test_exactly_max_handoffs_is_fine():
    assert run("handoffs", chain("a", "b", "c", "e")) == []  # 3 hand-offs


def test_one_more_than_max_points_where_it_lands():
    (finding,) = run("handoffs", chain("a", "a", "b", "c", "b", "e"))  # 4 hand-offs
    assert finding.message == "Alpha → Bravo → Charlie → Bravo → Echo: 4 hand-offs on the worst way (max 3)"
    assert finding.step == "s5"
    assert finding.steps == ("s0", "s1", "s2", "s3", "s4", "s5")


def test_max_option():
    (finding,) = run("handoffs", chain("a", "b", "c"), max=1)
    assert finding.step == "s2"
    assert finding.message.endswith("2 hand-offs on the worst way (max 1)")


def test_worst_way_is_loop_free_and_the_worst_branch():
    text = journey(
        "  s0: {title: S0, department: a, next: [s1, s4]}\n"
        "  s1: {title: S1, department: b, next: s2}\n"
        "  s2: {title: S2, department: c, next: [s1, s3]}\n"  # loop back: walked once only
        "  s3: {title: S3, department: e, next: s5}\n"
        "  s4: {title: S4, department: a, next: s5}\n"
        "  s5: {title: S5, department: a, end: success}\n",
        departments=DEPARTMENTS,
    )
    (finding,) = run("handoffs", text, max=3)
    assert finding.steps == ("s0", "s1", "s2", "s3", "s5")  # a b c e a: 4 hand-offs
    assert finding.step == "s5"


def test_ping_pong_through_several_steps_of_b():
    text = journey(
        "  s0: {title: S0, department: a, next: s1}\n"
        "  s1: {title: S1, department: b, next: s2}\n"
        "  s2: {title: S2, department: b, next: s3}\n"
        "  s3: {title: S3, department: a, end: success}\n",
        departments=DEPARTMENTS,
    )
    (finding,) = run("ping-pong", text)
    assert finding.step == "s3"
    assert finding.steps == ("s0", "s1", "s2", "s3")
    assert finding.message == "the case goes from Alpha to Bravo and back to Alpha at 's3' ('s0' → 's1' → 's2' → 's3')"


def test_a_third_department_in_between_is_no_ping_pong():
    assert run("ping-pong", chain("a", "b", "c", "a")) == []


def test_ping_pong_one_problem_however_many_branches_lead_back():
    # Alpha sends the case to Bravo (s1 or s2), Bravo sends it back (s3 or s4): one
    # problem, at the first return, naming the other step it comes back at.
    text = journey(
        "  s0: {title: S0, department: a, next: [s1, s2]}\n"
        "  s1: {title: S1, department: b, next: s3}\n"
        "  s2: {title: S2, department: b, next: [s3, s4]}\n"
        "  s3: {title: S3, department: a, end: success}\n"
        "  s4: {title: S4, department: a, end: success}\n"
        "  u0: {title: Unreachable, department: c, next: u1}\n"
        "  u1: {title: U1, department: b, next: u2}\n"
        "  u2: {title: U2, department: c, end: success}\n",
        departments=DEPARTMENTS,
    )
    (finding,) = run("ping-pong", text)
    assert finding.step == "s3" and finding.steps == ("s0", "s1", "s3")
    assert finding.message.endswith("; it also comes back at 's4'")


def test_a_loop_back_and_forth_is_one_ping_pong():
    # a <-> b in a loop, then back to a at the end: A -> B -> A and B -> A -> B on every
    # lap, one problem.
    text = journey(
        "  s0: {title: S0, department: a, next: s1}\n"
        "  s1: {title: S1, department: b, next: [s0, s2]}\n"
        "  s2: {title: S2, department: a, end: success}\n",
        departments=DEPARTMENTS,
    )
    (finding,) = run("ping-pong", text)
    assert finding.step == "s0" and finding.steps == ("s0", "s1", "s0")
    assert finding.message == (
        "the case goes from Alpha to Bravo and back to Alpha at 's0' ('s0' → 's1' → 's0'); "
        "it also comes back at 's1' and 's2'"
    )


def test_the_same_departments_elsewhere_in_the_journey_are_another_problem():
    text = chain("a", "b", "a", "c", "e", "a", "b", "a")
    assert sorted(f.step for f in run("ping-pong", text)) == ["s2", "s7"]


def test_an_automated_message_in_between_is_transparent():
    # b's automated SMS between two steps of a is no hand-off and no ping-pong; a message
    # between a and b does not hide the return either.
    text = journey(
        "  s0: {title: S0, department: a, next: sms}\n"
        "  sms: {title: SMS, department: b, actor: system, kind: notification, channel: sms, next: s1}\n"
        "  s1: {title: S1, department: a, next: s2}\n"
        "  s2: {title: S2, department: b, next: letter}\n"
        "  letter: {title: Letter, department: c, actor: system, kind: notification, channel: mail, next: s3}\n"
        "  s3: {title: S3, department: a, end: success}\n",
        departments=DEPARTMENTS,
    )
    (finding,) = run("ping-pong", text)
    assert finding.steps == ("s1", "s2", "letter", "s3")
    assert run("handoffs", text, max=1)[0].message == "Alpha → Bravo → Alpha: 2 hand-offs on the worst way (max 1)"


def test_departments_touched_counts_the_most_likely_way_only():
    text = journey(
        "  s0: {title: S0, department: a, next: [{to: s1, p: 0.9}, {to: s2, p: 0.1}]}\n"
        "  s1: {title: S1, department: b, next: s3}\n"
        "  s2: {title: S2, department: c, next: s3}\n"
        "  s3: {title: S3, department: e, next: s4}\n"
        "  s4: {title: S4, department: a, end: success}\n",
        departments=DEPARTMENTS,
    )
    assert run("departments-touched", text) == []  # Alpha, Bravo, Echo (Alpha again counts once)
    (finding,) = run("departments-touched", text, max=2)
    assert finding.step is None
    assert finding.steps == ("s0", "s1", "s3", "s4")
    assert finding.message == "3 departments on the most likely way: Alpha, Bravo and Echo (max 2)"
