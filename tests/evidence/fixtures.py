"""A designed journey with branches, a rework loop, an automated message and three ends,
written the way authors write: comments, flow and block styles, quotes."""

from __future__ import annotations

from journeyaudit.loading import load_text

COMPLAINT = """\
# A complaint about a bill, as drawn in the workshop.
journeyaudit: 1
title: "Complain about a bill"   # the board's wording
stage: support
departments:
  care: {title: Customer care}
  billing: {title: 'Billing'}
  letters: {title: Letter robot, customer_facing: false}
steps:
  # the customer writes in
  write:
    title: Write to customer care
    department: care
    channel: email
    wait: 1d            # reply time we promise
    next:
      - {to: triage, p: 0.8}   # most complaints
      - {to: give-up, p: 0.2, when: "no reply: the customer gives up"}
  triage:
    title: Triage the complaint
    department: care
    next: [billing-check, refund]
  billing-check:
    title: Billing checks the invoice
    department: billing
    channel: internal
    wait: 2h
    next:
      - to: refund
        p: 0.5
      - to: triage     # sent back: rework
        p: 0.3
      - {to: rejected, p: 0.2}
  refund:
    title: Refund letter
    department: letters
    channel: mail
    actor: system
    kind: notification
    next: done
  done: {title: 'Refund received', department: care, end: success}
  rejected:
    title: Complaint rejected
    department: billing
    end: failure
  give-up: {title: Gives up, department: care, actor: customer, end: abandoned}
"""


def load(text: str = COMPLAINT, file: str = "complaint.yaml"):
    result = load_text(text, file)
    assert result.ok, result.problems
    return result.journey
