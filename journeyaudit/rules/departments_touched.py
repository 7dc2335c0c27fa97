"""departments-touched: too many departments on the most likely way."""

from __future__ import annotations

from journeyaudit.rules._common import join, number
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class DepartmentsTouched(JourneyRule):
    id = "departments-touched"
    default_severity = "warning"
    options = {"max": 3}
    category = "handoffs"
    summary = "More than `max` distinct departments on the most likely way."
    description = (
        "Counts the distinct departments that own a handling step of the most likely way (from the "
        "start, taking the likeliest branch at each step without visiting a step twice, as "
        "the analysis computes it) and reports the journey once when there are more than "
        "`max`. The message names the departments in the order the customer meets them. "
        "Unlike `handoffs`, a department met twice counts once: this is about how many "
        "parts of the company the customer has to deal with, on the way most of them walk. "
        "An automated message (a `notification` by `system`) touches no department: it sends "
        "a letter, it does not handle the case."
    )
    story = (
        '"the involvement of at least four (4) different departments (I stopped counting)" '
        '(000_25f2e47d2d27e5e7.txt); "No matter what the job function says, everyone is in '
        'the marketing department" (001_e20e57e0099d3d5a.txt)'
    )
    seed = "000"
    fix = "Merge the work of several departments into fewer steps, or let one department act for the others."
    failing = """\
journeyaudit: 1
title: Open a business account
departments:
  sales: {title: Business sales}
  kyc: {title: Know your customer}
  legal: {title: Legal}
  it: {title: Account setup}
steps:
  meet:
    title: Meet an adviser
    department: sales
    channel: branch
    next: identity
  identity:
    title: Identity checks
    department: kyc
    next: statutes
  statutes:
    title: Legal reads the company statutes
    department: legal
    next: open
  open:
    title: Account setup opens the account
    department: it
    channel: internal
    next: opened
  opened:
    title: Account opened, email sent
    department: it
    channel: email
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
title: Open a business account
departments:
  sales: {title: Business sales}
  it: {title: Account setup}
steps:
  meet:
    title: Meet an adviser who checks everything
    department: sales
    channel: branch
    next: open
  open:
    title: Account opened
    department: it
    channel: email
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "departments", "roles"})
    one_per_journey = True
    fixes = (
        FixDoc(
            kind="fewer-departments",
            changes=(
                "On the most likely way, gives the steps of the department with the fewest of "
                "them (the one met last on a tie) to the department handling the case before "
                "them (after them, for the first one), until at most `max` departments are "
                "left."
            ),
            safe=(
                "Every step stays, with its time, channel and questions, and so does every "
                "way: only who does the work changes, to a department the customer deals with "
                "anyway."
            ),
            failing=failing,
            passing=failing.replace((
                '    title: Account setup opens the account\n'
                '    department: it\n'
            ), (
                '    title: Account setup opens the account\n'
                '    department: legal\n'
            )),
        ),
    )

    def check(self, context, options):
        journey = context.journey
        way = tuple(step for step in context.analysis.most_likely_way if step in journey.steps)
        departments: list[str] = []
        for step in way:
            if journey.steps[step].is_handling and journey.steps[step].department not in departments:
                departments.append(journey.steps[step].department)
        if len(departments) <= options["max"]:
            return
        names = join(journey.department_title(department) for department in departments)
        yield RawFinding(
            message=f"{len(departments)} departments on the most likely way: {names} (max {number(options['max'])})",
            steps=way,
        )
