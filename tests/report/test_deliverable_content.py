"""The figures and words behind the deliverable, checked without a browser: the friction
curve by hand, the comparison's figures, client wording, the files beside a large page,
the PDF's dates."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime

import pytest

from journeyaudit.analysis.breakdowns import feelings_summary, friction_curve
from journeyaudit.reports.html.compare_page import figure_rows
from journeyaudit.reports.html.journey_page import log_share, time_axis
from journeyaudit.reports.html.large_files import findings_files, is_own_file
from journeyaudit.reports.html.parts import client_message
from journeyaudit.reports.html.report import render_pages
from journeyaudit.reports.html.text_fit import text_width, wrap_to_width
from journeyaudit.reports.pdf import fix_dates, is_own_pdf

from .helpers import audit_texts, parse


def test_friction_along_the_most_likely_way_by_hand(examples_result):
    """loan-payoff (docs/metrics.md, "Friction along the most likely way"): call, loans-desk,
    compliance-check, back-to-loans (60 %), pay, closed."""
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    curve = friction_curve(payoff.journey, payoff.analysis)
    assert [p.step for p in curve] == ["call", "loans-desk", "compliance-check", "back-to-loans", "pay", "closed"]
    # call: 18m hold 1.8 + 3 asks, 2 of them known 3 + 2·2 + 4m active 0.4 = 9.2; no hand-off into the first step
    # loans-desk: 12m 1.2 + 2 asks held 2 + 4 + hand-off 3 + 6m 0.6 = 10.8
    # compliance-check: 9m 0.9 + ssn and account (held) 2 + 2 + hand-off 3 + 8m 0.8 = 8.7
    # back-to-loans: 10m 1 + account 1 + 2 + hand-off 3 + 5m 0.5 = 7.5
    # pay: 8m 0.8 + name, account 2 + 4 + hand-off 3 + 6m 0.6 = 10.4; the closing letter: 0
    assert [round(p.points, 6) for p in curve] == [9.2, 10.8, 8.7, 7.5, 10.4, 0.0]
    assert [p.handoff for p in curve] == [False, True, True, True, True, False]
    assert [p.repeated for p in curve] == [2, 2, 1, 1, 2, 0]
    peaks = feelings_summary(payoff.journey, curve)["peaks"]
    assert [p.step for p in peaks] == ["loans-desk", "pay", "call"]


def test_friction_counts_a_channel_switch_and_a_booked_wait():
    result = audit_texts("""journeyaudit: 1
title: Switch
departments: {a: {title: A}}
steps:
  web: {title: Fill in the form, department: a, channel: web, next: call}
  call: {title: Call back tomorrow, department: a, channel: phone, after: 1d, wait: 2h, next: done}
  done: {title: Done, department: a, channel: phone, kind: notification, actor: system, end: success, feeling: 1}
""")
    journey_result = result.journeys[0]
    call = friction_curve(journey_result.journey, journey_result.analysis)[1]
    assert call.switch and not call.handoff
    # hold: an hour at most (6 points), the other hour of the wait and the day booked: 1h/1d + 1d/1d
    assert call.parts["waiting"] == pytest.approx(6 + 3600 / 86400 + 1)
    assert call.parts["switches"] == 2
    assert feelings_summary(journey_result.journey, [])["lowest"][0]["feeling"] == 1


def test_every_figure_of_a_comparison_with_its_change():
    rows = {r["key"]: r for r in figure_rows(
        {"score": 25, "expected_duration_s": 109560.0, "success_rate": 0.8, "steps": 7, "expected_handoffs": 4.0},
        {"score": 91, "expected_duration_s": 600.0, "success_rate": 0.9, "steps": 9, "expected_handoffs": 4.0},
    )}
    assert rows["score"]["change"] == "+66" and rows["score"]["verdict"] == "better"
    assert rows["expected_duration_s"]["before"] == "1d 6h" and rows["expected_duration_s"]["change"] == "−1d 6h"
    assert rows["expected_duration_s"]["verdict"] == "better"
    assert rows["success_rate"]["change"] == "+10 points"
    assert rows["steps"]["verdict"] == "changed"  # more steps is neither better nor worse
    assert rows["expected_handoffs"]["verdict"] == "same"


def test_client_messages_name_steps_by_title(examples_result):
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff").journey
    message = "'compliance-check' is for the business only (value: business) yet costs the customer 17m (max 3)"
    assert client_message(message, payoff) == (
        "“Compliance verifies that the bank may accept the payment” is for the business only yet costs the "
        "customer 17m (limit 3)"
    )
    assert client_message("effort against 'loan-application'", payoff, {"loan-application": "Apply"}) == "effort against “Apply”"


def test_wrapping_keeps_every_character_and_fits():
    title = "Antidisestablishmentarianism-and-supercalifragilistic reconciliation of the account"
    lines = wrap_to_width(title, 120, 11)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert all(text_width(line, 11) <= 120 for line in lines)


def test_the_time_axis_is_logarithmic():
    low, high, ticks = time_axis({"a": (45 * 60.0, 60.0), "b": (4 * 86400.0, 0.0)})
    assert (low, high) == (60, 604800)
    assert [t["label"] for t in ticks] == ["1m", "10m", "1h", "10h", "1d", "1w"]
    assert ticks[0]["pct"] == 0 and ticks[-1]["pct"] == 100
    # 45 minutes and 4 days: both clearly visible, the hold at 41 % of the way
    assert log_share(45 * 60.0, low, high) == pytest.approx(100 * math.log(45) / math.log(10080))  # 41 %
    assert log_share(0, low, high) == 0 and log_share(1, low, high) == 0.8


def test_files_beside_a_large_page_hold_every_finding_and_defuse_formulas():
    result = audit_texts("""journeyaudit: 1
title: Formulas
departments: {a: {title: "=HYPERLINK(\\"http://x\\")"}}
steps:
  s1: {title: "=1+1", department: a, next: s2}
  s2: {title: "@SUM(A1)", department: a}
""")
    files = findings_files(result.journeys[0], {"csv": "f.csv", "json": "f.json", "steps": "s.csv"}, client=False)
    rows = list(csv.reader(io.StringIO(files["f.csv"])))
    assert len(rows) == len(result.journeys[0].findings) + 1
    steps = list(csv.reader(io.StringIO(files["s.csv"])))
    assert steps[1][2] == "'=1+1" and steps[2][2] == "'@SUM(A1)" and steps[1][3].startswith("'=HYPERLINK")
    for text in files.values():
        assert is_own_file(text.encode())
    assert not is_own_file(b"journey,rule\n") and not is_own_file(b'{"generator": "someone"}')


def test_pdf_dates_are_set_keeping_the_file_length():
    pdf = b"%PDF-1.4\n<</CreationDate (D:20261201120900+01'00')\n/ModDate (D:20261201120901Z)>>"
    fixed = fix_dates(pdf, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC))
    assert fixed == b"%PDF-1.4\n<</CreationDate (D:20231114221320+00'00')\n/ModDate (D:20231114221320Z)>>"
    assert len(fixed) == len(pdf)
    assert is_own_pdf(b"%PDF-1.4 /Title (Customer journey review - journeyaudit)") and not is_own_pdf(b"%PDF-1.4")


def test_client_pages_drop_the_gate_ids_and_files(examples_result):
    pages = render_pages(examples_result, audience="client")
    index = parse(pages["index.html"])
    assert index.find("p", cls="gate") is None
    page = pages["loan-payoff.html"]
    assert "loan-payoff.yaml" not in page and "<code>repeated-ask</code>" not in page
    assert "What exactly this rule checks" not in page
    assert "from “Are Your Customers Getting The Love They Deserve?”" in page
    team = render_pages(examples_result)["loan-payoff.html"]
    assert "002_1c67336fb9d03c36.txt" in team and "What exactly this rule checks" in team
