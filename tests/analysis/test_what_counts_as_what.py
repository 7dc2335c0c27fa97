"""The cases of the issue "Figures a client recognizes", by hand: what a consultant counts."""

from __future__ import annotations

from journeyaudit.analysis import analyze
from journeyaudit.loading import load_file
from tests.analysis.builders import journey
from tests.conftest import JOURNEYS
from tests.rules.helpers import context_of, run
from tests.rules.helpers import journey as yaml_journey


def test_one_call_with_transfers_then_sms_messages_is_one_contact():
    a = analyze(load_file(JOURNEYS / "telecom-cancel-after.yaml").journey)
    assert a.metrics["expected_contacts"] == 1.0  # the old definition counted 4.8
    assert a.metrics["expected_messages"] == 1.0  # the SMS after the call (stays or cancels)


def test_two_conversations_are_two_contacts_and_keep_a_promise_of_two():
    # Lost card: the customer calls (a menu, an agent: one call), waits for a letter, then
    # calls again to activate the new card: two conversations, one message.
    text = yaml_journey(
        "  menu: {title: Menu, department: d, channel: phone, actor: system, next: agent}\n"
        "  agent: {title: Agent blocks the card, department: d, channel: phone, next: letter}\n"
        "  letter: {title: New card by post, department: d, channel: mail, actor: system, kind: notification, wait: 3d, next: activate}\n"
        "  activate: {title: Call to activate it, department: d, channel: phone, next: done}\n"
        "  done: {title: Card works, department: d, channel: phone, actor: customer, end: success}\n",
        header="promise: {contacts: 2}\n",
    )
    metrics = context_of(text).analysis.metrics
    assert metrics["expected_contacts"] == 2.0 and metrics["expected_messages"] == 1.0
    assert run("broken-promise", text) == []


def test_an_automated_sms_from_another_department_is_no_hand_off():
    j = journey(
        {
            "a": {"dept": "care", "channel": "phone", "next": "sms"},
            "sms": {"dept": "marketing", "channel": "sms", "actor": "system", "kind": "notification", "next": "b"},
            "b": {"dept": "care", "channel": "phone", "end": "success"},
        }
    )
    a = analyze(j)
    assert a.metrics["expected_handoffs"] == 0.0 and a.metrics["max_handoffs"] == 0
    assert a.handoff_matrix == {} and a.handoff_edges == frozenset()
    # ... and b is a new contact: the step before it is a message, not the same call
    assert a.metrics["expected_contacts"] == 2.0


def test_a_booked_call_back_is_a_new_contact_and_a_transfer_is_not():
    j = journey(
        {
            "call": {"dept": "front", "channel": "phone", "next": "transfer"},
            "transfer": {"dept": "back", "channel": "phone", "wait": 300, "next": "call-back"},
            "call-back": {"dept": "back", "channel": "phone", "end": "success"},
        }
    )
    j.steps["call-back"].after_s = 86400.0
    a = analyze(j)
    assert a.metrics["expected_contacts"] == 2.0  # the call with its transfer, then the call-back
    assert a.metrics["expected_scheduled_s"] == 86400.0 and a.metrics["expected_wait_s"] == 300.0
    assert ("transfer", "call-back") in a.contact_edges and ("call", "transfer") not in a.contact_edges


def test_calling_again_round_a_loop_is_a_new_contact():
    # The transfer drops in 20 % of the calls and the customer calls again: the edge back
    # to `call` loops back (every way to `transfer` passes `call`), so it is a new contact.
    j = journey(
        {
            "call": {"channel": "phone", "next": "transfer"},
            "transfer": {"channel": "phone", "next": [("call", 0.2), ("done", 0.8)]},
            "done": {"channel": "phone", "actor": "customer", "end": "success"},
        }
    )
    a = analyze(j)
    assert a.loop_back_edges == {("transfer", "call")}
    # visits of call: 1 / 0.8 = 1.25; one contact per visit of call
    assert a.metrics["expected_contacts"] == 1.25


def test_value_added_is_active_time_only():
    # 99 minutes of queue before 1 minute of value: 1 %, not 100 %.
    j = journey({"call": {"channel": "phone", "wait": 99 * 60, "duration": 60, "end": "success"}})
    assert analyze(j).metrics["value_added_ratio"] == 0.01


def test_reminders_looping_among_themselves_carry_the_last_department():
    # x hands the case on through an automated reminder sent again and again (a loop of
    # messages, solved as a linear system) to y (0.5) or back to x (0.5): x -> y happens
    # once for half the customers, each lap of x a new chance. Visits of x: 1 / (1 - 0.5);
    # hand-offs x -> y: 0.5 * 2 = 1.0; none back to x (x -> reminder -> x).
    j = journey(
        {
            "x": {"dept": "x", "next": "reminder"},
            "reminder": {"dept": "z", "actor": "system", "kind": "notification", "next": [("reminder", 0.5), ("after", 0.5)]},
            "after": {"dept": "z", "actor": "system", "kind": "notification", "next": [("x", 0.5), ("y", 0.5)]},
            "y": {"dept": "y", "end": "success"},
        }
    )
    a = analyze(j)
    assert a.visits["x"] == 2.0
    assert a.handoff_matrix == {("x", "y"): 1.0}
    assert a.metrics["expected_handoffs"] == 1.0 and a.metrics["max_handoffs"] == 1
    assert a.metrics["expected_messages"] == 2 * (2 + 1)  # per lap: 2 reminders on average, 1 'after'
