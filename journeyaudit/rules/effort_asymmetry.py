"""effort-asymmetry: leaving (or paying back) costs far more effort than joining."""

from __future__ import annotations

from journeyaudit.rules._common import number
from journeyaudit.rules.base import PortfolioRule, RawFinding


class EffortAsymmetry(PortfolioRule):
    id = "effort-asymmetry"
    default_severity = "warning"
    options = {"ratio": 2}
    category = "portfolio"
    summary = "A journey whose customer effort is more than `ratio` times its `counterpart`'s."
    description = (
        "For every audited journey that names a `counterpart` (a `leave` journey names its "
        "`acquire` journey), compares the customer effort index of both (the analysis's "
        "`effort` metric) and reports the heavier journey when its effort is more than "
        "`ratio` times the other's. The finding belongs to the heavier journey, names the "
        "other in `related_journeys`, and gives both efforts and the ratio. Two journeys "
        "that name each other are judged once each way, so only the heavier one reports. A "
        "counterpart that is not in the audited set is reported by `missing-counterpart`."
    )
    story = (
        '"It took only a few minutes to get the loan. But paying it back required two (2) '
        'hours and the involvement of at least four (4) different departments" '
        '(000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Make the heavier journey as easy as its counterpart: the same channel, one department, no new questions."
    failing = """\
journeyaudit: 1
id: close-account
title: Close a savings account
stage: leave
counterpart: open-account
departments:
  branch: {title: Branch}
  back-office: {title: Back office}
data:
  name: {title: Full name}
  iban: {title: Account number}
  id: {title: Identity document}
steps:
  visit:
    title: Visit a branch to ask for the closure
    department: branch
    channel: branch
    wait: 40m
    duration: 20m
    asks: [name, iban, id]
    next: letter
  letter:
    title: Sign and post a closure letter
    department: back-office
    channel: mail
    actor: customer
    wait: 2d
    duration: 30m
    asks: [name, iban]
    next: call
  call:
    title: Call to confirm the transfer
    department: back-office
    channel: phone
    wait: 20m
    duration: 10m
    asks: [name, iban, id]
    next: closed
  closed:
    title: Account closed
    department: back-office
    channel: mail
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
id: close-account
title: Close a savings account
stage: leave
counterpart: open-account
departments:
  online: {title: Online banking}
steps:
  close:
    title: Close the account in online banking
    department: online
    channel: web
    actor: customer
    duration: 2m
    next: closed
  closed:
    title: Account closed
    department: online
    channel: email
    actor: system
    kind: notification
    end: success
"""
    companion = """\
journeyaudit: 1
id: open-account
title: Open a savings account
stage: acquire
counterpart: close-account
departments:
  online: {title: Online banking}
steps:
  open:
    title: Open the account in online banking
    department: online
    channel: web
    actor: customer
    duration: 2m
    next: opened
  opened:
    title: Account opened
    department: online
    channel: email
    actor: system
    kind: notification
    end: success
"""

    def check_portfolio(self, contexts, options):
        limit = options["ratio"]
        for journey_id, context in contexts.items():
            other_id = context.journey.counterpart
            if other_id is None or other_id not in contexts or other_id == journey_id:
                continue
            effort = context.analysis.metrics.get("effort")
            other = contexts[other_id].analysis.metrics.get("effort")
            if effort is None or other is None or effort <= 0:
                continue
            if other > 0 and effort <= limit * other:
                continue
            title = contexts[other_id].journey.title
            if other > 0:
                how = f"{effort / other:.1f} times as much (max {number(limit)})"
            else:
                how = "while it takes no effort at all"
            yield RawFinding(
                message=(
                    f"customer effort {number(effort)} against {number(other)} for its counterpart "
                    f"'{other_id}' ({title}): {how}"
                ),
                related_journeys=(other_id,),
                journey=journey_id,
            )
