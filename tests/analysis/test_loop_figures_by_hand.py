"""Figures of two shipped journeys with loops, derived by hand (docs/metrics.md,
"Checked by hand: journeys with loops"). Every expected value below is computed
in the comments from the journey file, never copied from the program's output."""

from __future__ import annotations

import pytest

from journeyaudit.analysis import analyze
from journeyaudit.loading import load_file
from journeyaudit.rules._common import duration, number
from tests.conftest import JOURNEYS

M, H, D = 60, 3600, 86400


def _metrics(name):
    result = load_file(JOURNEYS / name)
    assert not result.problems
    return analyze(result.journey)


def test_broadband_fault_rework_loop_by_hand():
    # chatbot -> reset-fixed 0.25 (an SMS-like chat message, success) | call 0.75;
    # call -> book -> visit (booked three days out: after 3d);
    # visit -> closed 0.7 (SMS, success) | call 0.3 (the fault comes back).
    # Visits: v(chatbot) = 1, v(reset-fixed) = 0.25; v(call) = 0.75 + 0.3 v(visit) and
    # v(visit) = v(book) = v(call), so v(call) = 0.75 / 0.7 = 15/14; v(closed) = 0.7 * 15/14 = 0.75.
    a = _metrics("broadband-fault.yaml")
    m = a.metrics
    v = 15 / 14
    assert a.visits["call"] == pytest.approx(v) and a.visits["closed"] == pytest.approx(0.75)
    assert m["expected_steps"] == pytest.approx(round(1 + 0.25 + 3 * v + 0.75, 3))  # 5.214
    # Hand-offs between handling steps (reset-fixed and closed are automated messages):
    # online-help -> tech-support 0.75, tech -> scheduling v, scheduling -> field v,
    # field -> tech (back to call) 0.3 v; visit -> closed is no hand-off.
    handoffs = 0.75 + v + v + 0.3 * v  # 3.214
    assert m["expected_handoffs"] == pytest.approx(round(handoffs, 3))
    assert m["max_handoffs"] == 3  # chatbot, call, book, visit: online, tech, scheduling, field
    # Waits: call 35m and book 8m; the visit is booked (after 3d); each v times.
    wait = v * (35 * M + 8 * M)  # 2,764.286 s
    scheduled = v * 3 * D  # 277,714.286 s
    active = 6 * M + v * (15 * M + 5 * M + 1 * H)  # 360 + v * 4,800 = 5,502.857 s
    assert m["expected_wait_s"] == pytest.approx(round(wait, 3))
    assert m["expected_scheduled_s"] == pytest.approx(round(scheduled, 3))
    assert m["expected_active_s"] == pytest.approx(round(active, 3))
    assert m["expected_duration_s"] == pytest.approx(round(wait + scheduled + active, 3))  # 285,981.429
    # Slowest loop-free way: chatbot 6m, call 35m + 15m, book 8m + 5m, visit 3d + 1h = 266,940 s.
    assert m["worst_duration_s"] == 6 * M + 50 * M + 13 * M + 3 * D + H == 266940
    # Contacts (conversations): the chat 1; the call 0.75 (chat -> phone is a new one);
    # scheduling is the same call (a transfer); the visit v (another channel, and booked);
    # calling again after the visit 0.3 v. Messages: reset-fixed 0.25, closed 0.75.
    assert m["expected_contacts"] == pytest.approx(round(1 + 0.75 + v + 0.3 * v, 3))  # 3.143
    assert m["expected_messages"] == 1.0
    asks = 3 + v * (5 + 3)  # chatbot 3, call 5, book 3: 11.571
    assert m["expected_asks"] == pytest.approx(round(asks, 3))
    # Held on every way: known = name, account, address, phone, plus what chatbot asked.
    # chatbot: account (known) 1; call: all 5 (account, name, address known; symptoms,
    # lights from chatbot); book: address, phone (known) 2, slot only after a lap (possibly).
    assert m["repeated_asks"] == 8 and m["possibly_repeated_asks"] == 1
    assert m["expected_repeated_asks"] == pytest.approx(round(1 + v * 5 + v * 2, 3))  # 8.5
    # Switches: chat -> phone 0.75, phone -> home v, home -> phone 0.3 v (into the SMS
    # notification is not one): 2.143.
    switches = 0.75 + v + 0.3 * v
    assert m["expected_channel_switches"] == pytest.approx(round(switches, 3))
    assert m["success_rate"] == 1.0
    # Value-added: every step is `value: customer`, but only active time adds value.
    assert m["value_added_ratio"] == pytest.approx(round(active / (wait + scheduled + active), 3))  # 0.019
    # Hold: call 35m and book 8m on the phone (both under the 1-hour cap), v times.
    hold = v * 43 * M  # 2,764.286 s
    assert m["expected_hold_s"] == pytest.approx(round(hold, 3))
    # effort = 3 * 3.214 + 2 * 2.143 + 11.571 + 2 * 8.5 + 2,764.3 / 600
    #        + (2,764.3 - 2,764.3 + 277,714.3) / 86,400 + 5,502.9 / 600
    #        = 9.643 + 4.286 + 11.571 + 17 + 4.607 + 3.214 + 9.171 = 59.493
    effort = 3 * handoffs + 2 * switches + asks + 2 * 8.5 + hold / 600 + (wait - hold + scheduled) / D + active / 600
    assert effort == pytest.approx(59.493, abs=1e-3)
    assert m["effort"] == pytest.approx(59.493)
    assert m["score"] == 30  # 100 * 25 / 84.493 = 29.6 -> 30
    # Silence: every step but the two messages is a contact step, so each silence is the
    # next touchpoint's own wait and after; the longest is the booked visit, 3 days.
    assert m["worst_silence_s"] == 3 * D
    assert a.silences["visit"].origin == "book" and a.silences["call"].seconds == 35 * M
    # As people read them: 3d 7h (3d 7h 26m), 3.21 hand-offs, 11.57 asks.
    assert duration(m["expected_duration_s"]) == "3d 7h"
    assert number(m["expected_handoffs"]) == "3.21" and number(m["expected_asks"]) == "11.57"


def test_home_insurance_claim_dispute_loop_by_hand():
    # report -> acknowledge -> handler-call -> fraud-screen -> adjuster 0.55 | offer 0.45;
    # adjuster -> offer; offer -> pay 0.85 | dispute 0.15; dispute -> offer; pay -> paid -> survey.
    # v(offer) = 1 / 0.85 = 20/17, v(dispute) = 0.15 / 0.85 = 3/17, v(adjuster) = 0.55, others 1.
    a = _metrics("home-insurance-claim.yaml")
    m = a.metrics
    offer, dispute = 20 / 17, 3 / 17
    assert a.visits["offer"] == pytest.approx(offer) and a.visits["dispute"] == pytest.approx(dispute)
    assert m["expected_steps"] == pytest.approx(round(7 + 0.55 + offer + dispute, 3))  # 8.903
    # Hand-offs between handling steps: handler (claims) -> fraud 1, fraud -> adjuster 0.55,
    # fraud -> offer 0.45, adjuster -> offer 0.55, offer -> pay (claims payments) 1,
    # pay -> survey (claims; the SMS 'paid' in between is an automated message) 1 = 4.55;
    # the dispute loop stays within the claims team.
    assert m["expected_handoffs"] == pytest.approx(4.55)
    assert m["max_handoffs"] == 5  # through the adjuster
    assert a.handoff_matrix[("claims-payments", "claims")] == pytest.approx(1.0)
    # Waits: fraud 2d, offer 20/17 * 1d, pay 2d. Booked (after): the handler's call 1d,
    # the adjuster's visit 0.55 * 4d, the dispute call 3/17 * 1d.
    wait = (2 + offer + 2) * D  # 447,247.059 s
    scheduled = (1 + 0.55 * 4 + dispute) * D  # 291,727.059 s
    # Active: report 15m, handler 20m, adjuster 0.55 * 1h, offer 20/17 * 10m, dispute 3/17 * 20m, survey 2m.
    active = 15 * M + 20 * M + 0.55 * H + offer * 10 * M + dispute * 20 * M + 2 * M  # 5,117.647 s
    assert m["expected_wait_s"] == pytest.approx(round(wait, 3))
    assert m["expected_scheduled_s"] == pytest.approx(round(scheduled, 3))
    assert m["expected_duration_s"] == pytest.approx(round(wait + scheduled + active, 3))  # 744,091.765
    # Slowest loop-free way (through the adjuster; the dispute cannot be taken without
    # visiting the offer twice): 1 + 2 + 4 + 1 + 2 days, active 15 + 20 + 60 + 10 + 2 min.
    assert m["worst_duration_s"] == 10 * D + 107 * M == 870420
    # Contacts (conversations): the handler's call 1 (after an email), the adjuster 0.55 and
    # the offer 0.45 (after the back office), the offer after the visit 0.55 (home -> email),
    # the dispute call and the offer after it 2 * 3/17 (channel changes). report and survey
    # are the customer's own; fraud-screen and pay are back office; acknowledge and paid
    # are messages.
    assert m["expected_contacts"] == pytest.approx(round(1 + 0.55 + 0.45 + 0.55 + 2 * dispute, 3))  # 2.903
    assert m["expected_messages"] == 2.0
    asks = 2 + 1 + 0.55 * 2 + dispute  # 4.276
    assert m["expected_asks"] == pytest.approx(round(asks, 3))
    # Repeated: incident at handler-call, photos at adjuster (both given at report);
    # receipts at dispute only when the adjuster came (possibly).
    assert m["repeated_asks"] == 2 and m["possibly_repeated_asks"] == 1
    assert m["expected_repeated_asks"] == pytest.approx(1.55)
    # Switches: email -> phone (acknowledge -> handler-call) 1, home -> email 0.55,
    # email -> phone and back in the dispute loop 2 * 3/17; back-office edges are not switches.
    switches = 1 + 0.55 + 2 * dispute  # 1.903
    assert m["expected_channel_switches"] == pytest.approx(round(switches, 3))
    # Value-added: the active time of customer-value steps (all of it: fraud-screen has none).
    assert m["value_added_ratio"] == pytest.approx(round(active / (wait + scheduled + active), 3))  # 0.007
    # Hold: none. The phone steps are booked calls (after), and after is never a hold.
    assert m["expected_hold_s"] == 0.0
    # effort = 3 * 4.55 + 2 * 1.903 + 4.276 + 2 * 1.55 + 0 + (447,247.1 + 291,727.1) / 86,400
    #        + 5,117.6 / 600 = 13.65 + 3.806 + 4.276 + 3.1 + 8.553 + 8.529 = 41.915
    effort = 3 * 4.55 + 2 * switches + asks + 2 * 1.55 + (wait + scheduled) / D + active / 600
    assert m["effort"] == pytest.approx(round(effort, 3)) == pytest.approx(41.915)
    assert m["score"] == 37  # 100 * 25 / 66.915 = 37.4 -> 37
    # Silences: 2d of screening then the 4-day visit slot before the adjuster (6d); 2d of
    # screening then the offer's 1d before the offer (3d); the payment's 2d before the SMS.
    assert a.silences["adjuster"].seconds == 6 * D and a.silences["adjuster"].quiet == ("fraud-screen",)
    assert a.silences["offer"].seconds == 3 * D and a.silences["offer"].origin == "handler-call"
    assert a.silences["paid"].seconds == 2 * D
    assert m["worst_silence_s"] == 6 * D
