"""The customer-hostile rules: hand-derived cases."""

from __future__ import annotations

from benchmarks.synthetic import dense
from journeyaudit.common.durations import format_share

from .helpers import context_of, journey, run, run_on

# --- long-wait ---------------------------------------------------------------

def test_wait_equal_to_the_limit_is_fine_longer_reports():
    text = journey(
        "  s0: {title: S0, department: d, channel: phone, wait: 5m, next: s1}\n"
        "  s1: {title: S1, department: d, channel: chat, wait: 121s, next: s2}\n"
        "  s2: {title: S2, department: d, channel: mail, wait: 5d, end: success}\n"
    )
    (finding,) = run("long-wait", text)
    assert finding.step == "s1"
    assert finding.message == "the customer waits 2m 1s on chat (max 2m for chat)"


def test_other_channels_and_options_per_channel():
    text = journey(
        "  s0: {title: S0, department: d, channel: video, wait: 10m, next: s1}\n"
        "  s1: {title: S1, department: d, channel: fax, wait: 2d, next: s2}\n"
        "  s2: {title: S2, department: d, channel: phone, wait: 8m, end: success}\n"
    )
    found = {f.step: f.message for f in run("long-wait", text)}
    assert set(found) == {"s1", "s2"}  # video falls under `other` (1d)
    assert found["s1"] == "the customer waits 2d on fax (max 1d for channels without a limit of their own)"
    found = {f.step: f.message for f in run("long-wait", text, video="3m", phone="10m")}
    assert set(found) == {"s0", "s1"}
    assert found["s0"] == "the customer waits 10m on video (max 3m for video)"


# --- business-only-step --------------------------------------------------------

def test_business_only_steps_that_cost_the_customer():
    text = journey(
        "  s0: {title: S0, department: d, value: business, next: s1}\n"  # costs nothing: fine
        "  s1: {title: S1, department: d, value: none, asks: [x], next: s2}\n"
        "  s2: {title: S2, department: d, value: business, wait: 1h, duration: 30m, next: s3}\n"
        "  s3: {title: S3, department: d, wait: 1h, end: success}\n",  # value: customer
        data="  x: {title: Tax id}\n",
    )
    found = {f.step: f.message for f in run("business-only-step", text)}
    assert found == {
        "s1": "'s1' adds no value (value: none) yet asks for Tax id",
        "s2": "'s2' is for the business only (value: business) yet costs the customer 1h 30m",
    }


# --- channel-switch -------------------------------------------------------------

def test_channel_switch_per_edge_except_into_notifications_and_system_steps():
    text = journey(
        "  s0: {title: S0, department: d, channel: web, actor: customer, next: [s1, s2, s3]}\n"
        "  s1: {title: S1, department: d, channel: phone, next: s4}\n"
        "  s2: {title: S2, department: d, channel: email, kind: notification, next: s4}\n"
        "  s3: {title: S3, department: d, channel: app, actor: system, next: s4}\n"
        "  s4: {title: S4, department: d, end: success}\n"
    )
    findings = run("channel-switch", text)
    assert [(f.step, f.steps) for f in findings if f.steps[0] == "s0"] == [("s1", ("s0", "s1"))]
    assert findings[0].message == "the customer has to move from web to phone: 's0' → 's1'"


def test_inherited_channel_is_no_switch():
    text = journey(
        "  s0: {title: S0, department: d, channel: phone, next: s1}\n"
        "  s1: {title: S1, department: d, end: success}\n"
    )
    assert run("channel-switch", text) == []


# --- exit-without-human ---------------------------------------------------------

LEAVE = "stage: leave\n"


def test_only_leave_journeys():
    text = journey("  s0: {title: S0, department: d, actor: system, end: success}\n")
    assert run("exit-without-human", text) == []
    assert len(run("exit-without-human", journey("  s0: {title: S0, department: d, actor: system, end: success}\n", header=LEAVE))) == 1


def test_one_automated_way_out_is_enough():
    text = journey(
        "  menu: {title: Menu, department: d, channel: phone, actor: system, next: [agent, self]}\n"
        "  agent: {title: Agent, department: d, actor: staff, next: done}\n"
        "  self: {title: Self-service, department: d, actor: customer, next: done}\n"
        "  done: {title: Closed, department: d, actor: system, kind: notification, end: success}\n",
        header=LEAVE,
    )
    (finding,) = run("exit-without-human", text)
    assert finding.step is None
    assert finding.steps == ("menu", "self", "done")
    assert "'menu' → 'self' → 'done'" in finding.message


def test_a_retention_offer_on_every_way_is_enough():
    text = journey(
        "  menu: {title: Menu, department: d, channel: phone, actor: system, next: offer}\n"
        "  offer: {title: Offer, department: d, actor: system, kind: retention-offer, next: done}\n"
        "  done: {title: Closed, department: d, actor: system, kind: notification, end: success}\n",
        header=LEAVE,
    )
    assert run("exit-without-human", text) == []


# --- no-feedback -----------------------------------------------------------------

def test_an_unreachable_feedback_step_does_not_count():
    text = journey(
        "  s0: {title: S0, department: d, end: success}\n"
        "  survey: {title: Survey, department: d, kind: feedback, end: success}\n"
    )
    (finding,) = run("no-feedback", text)
    assert finding.step is None


# --- no-follow-up ------------------------------------------------------------------

ACQUIRE = "stage: acquire\n"


def test_follow_up_must_come_after_the_last_payment():
    text = journey(
        "  s0: {title: S0, department: d, kind: follow-up, next: pay}\n"
        "  pay: {title: Pay, department: d, kind: payment, next: [fu, ok1]}\n"
        "  fu: {title: Follow up, department: d, kind: follow-up, next: ok2}\n"
        "  ok1: {title: OK1, department: d, end: success}\n"
        "  ok2: {title: OK2, department: d, end: success}\n",
        header=ACQUIRE,
    )
    (finding,) = run("no-follow-up", text)
    assert finding.step is None
    assert finding.steps == ("ok1",)
    assert finding.message.startswith("a way to the successful end 'ok1' passes no follow-up step")


def test_without_payment_a_follow_up_anywhere_counts():
    text = journey(
        "  fu: {title: Follow up, department: d, kind: follow-up, next: s1}\n"
        "  s1: {title: S1, department: d, end: success}\n",
        header="stage: onboard\n",
    )
    assert run("no-follow-up", text) == []


def test_a_second_payment_needs_its_own_follow_up_even_through_a_loop():
    text = journey(
        "  pay: {title: Pay, department: d, kind: payment, next: fu}\n"
        "  fu: {title: Follow up, department: d, kind: follow-up, next: [pay, ok]}\n"
        "  ok: {title: OK, department: d, end: success}\n",
        header=ACQUIRE,
    )
    assert run("no-follow-up", text) == []  # every way to `ok` passes `fu` after its last `pay`


def test_other_stages_are_not_judged():
    text = journey("  s0: {title: S0, department: d, end: success}\n", header="stage: use\n")
    assert run("no-follow-up", text) == []
    assert len(run("no-follow-up", journey("  s0: {title: S0, department: d, end: success}\n", header=ACQUIRE))) == 1


# --- broken-promise ---------------------------------------------------------------

def promised(promise: str) -> str:
    return journey(
        # 1h on the phone, then a 0.5 chance of a visit to the branch of 1h (a second
        # contact: another channel): expected 1.5h, 1.5 contacts; half the customers in 1h.
        "  s0: {title: S0, department: d, channel: phone, duration: 1h, next: [s1, ok]}\n"
        "  s1: {title: S1, department: d, channel: branch, duration: 1h, next: ok}\n"
        "  ok: {title: OK, department: d, actor: customer, end: success}\n",
        header=f"promise: {promise}\n",
    )


def test_promise_kept_exactly():
    assert run("broken-promise", promised("{duration: 90m, contacts: 1.5}")) == []


def test_each_broken_part_is_its_own_finding():
    (finding,) = run("broken-promise", promised("{duration: 2h, contacts: 1}"))
    assert finding.message == "expected 1.5 contacts to a successful end, 1 contact promised"
    (finding,) = run("broken-promise", promised("{duration: 1h}"))
    assert finding.message == "expected 1h 30m to a successful end, 1h promised (kept for 50% of customers)"
    assert len(run("broken-promise", promised("{duration: 1h, contacts: 1}"))) == 2


def test_no_promise_no_finding():
    assert run("broken-promise", journey("  s0: {title: S0, department: d, wait: 9d, end: success}\n")) == []


# --- silence-gap -----------------------------------------------------------------

def test_silence_from_the_start_and_between_contacts():
    text = journey(
        "  form: {title: Form, department: d, actor: customer, duration: 1d, next: post}\n"
        "  post: {title: Post, department: d, actor: customer, wait: 1d, duration: 1h, next: call}\n"
        "  call: {title: Call, department: d, channel: phone, wait: 10m, next: [letter, wait]}\n"
        "  wait: {title: Wait, department: d, actor: customer, wait: 1d, next: letter}\n"
        "  letter: {title: Letter, department: d, actor: system, kind: notification, wait: 1d 1m, end: success}\n"
    )
    # One finding per gap, at the touchpoint that ends it: 'letter' is reached straight
    # from 'call' (1d 1m) or through 'wait' (2d 1m): one gap, the longest named.
    found = {(f.step, f.steps): f.message for f in run("silence-gap", text)}
    assert found == {
        ("call", ("form", "post", "call")):
            "2d 1h of silence from the start to 'call' through 'form' and 'post' (max 2d)",
        ("letter", ("call", "wait", "letter")):
            "2d 1m of silence from 'call' to 'letter' through 'wait' (max 2d)",
    }
    assert run("silence-gap", text, max="3d") == []


def test_silence_when_the_start_is_a_contact():
    text = journey("  s0: {title: S0, department: d, channel: mail, actor: system, wait: 3d, end: success}\n")
    (finding,) = run("silence-gap", text)
    assert finding.step == "s0" and finding.steps == ("s0",)
    assert finding.message == "3d of silence from the start to 's0' (max 2d)"


def test_a_loop_of_steps_without_contact_is_walked_once():
    text = journey(
        "  call: {title: Call, department: d, channel: phone, next: fill}\n"
        "  fill: {title: Fill, department: d, actor: customer, wait: 1d, next: check}\n"
        "  check: {title: Check, department: d, channel: internal, wait: 1d, next: [fill, done]}\n"
        "  done: {title: Done, department: d, actor: system, kind: notification, wait: 1h, end: success}\n"
    )
    (finding,) = run("silence-gap", text)
    assert finding.steps == ("call", "fill", "check", "done")
    assert finding.step == "done"
    assert finding.message.startswith("2d 1h of silence from 'call' to 'done'")


def test_a_share_the_search_could_only_bound_is_given_as_its_range():
    # Twenty steps each linked to every other, waits of distinct lengths: past the
    # search's budget the share kept is only known to lie in [kept, kept + error].
    text = dense(20).replace("promise: {duration: 1d, contacts: 2}", "promise: {duration: 2h}")
    context = context_of(text)
    metrics = context.analysis.metrics
    kept, error = metrics["promise_kept_rate"], metrics["promise_kept_rate_error"]
    assert metrics["approximate"] and error >= 0.0005
    (finding,) = run_on("broken-promise", context)
    low, high = format_share(kept), format_share(min(1.0, kept + error))
    assert low != high
    assert finding.message.endswith(f"2h promised (kept for {low} to {high} of customers: too many ways to count exactly)")
