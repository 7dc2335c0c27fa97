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
        "`ratio` times the other's. The finding belongs to the heavier journey, whichever of "
        "the two names the other, names the other in `related_journeys`, and gives both "
        "efforts and the ratio. Two journeys that name each other are one pair, judged "
        "once. A "
        "counterpart that is not in the audited set is reported by `missing-counterpart`."
    )
    story = (
        '"It took only a few minutes to get the loan. But paying it back required two (2) '
        'hours and the involvement of at least four (4) different departments" '
        "(000_25f2e47d2d27e5e7.txt)"
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

    no_fix = (
        "The effort comes from the journey's own findings: their fixes lower it, and a "
        "fix that resolves this finding lists it among the findings it resolves."
    )

    def check_portfolio(self, contexts, options):
        limit = options["ratio"]
        judged: set[frozenset[str]] = set()
        for journey_id, context in contexts.items():
            other_id = context.journey.counterpart
            pair = frozenset((journey_id, other_id))
            if other_id is None or other_id not in contexts or len(pair) < 2 or pair in judged:
                continue
            judged.add(pair)  # two journeys naming each other are one pair
            efforts = {j: contexts[j].analysis.metrics.get("effort") for j in (journey_id, other_id)}
            if None in efforts.values():
                continue
            heavy, light = sorted(pair, key=lambda j: (-efforts[j], j))
            if efforts[heavy] <= 0 or (efforts[light] > 0 and efforts[heavy] <= limit * efforts[light]):
                continue
            if efforts[light] > 0:
                how = f"{number(efforts[heavy] / efforts[light])} times as much (max {number(limit)})"
            else:
                how = "while it takes no effort at all"
            yield RawFinding(
                message=(
                    f"customer effort {number(efforts[heavy])} points against {number(efforts[light])} for its "
                    f"counterpart '{light}' ({contexts[light].journey.title}): {how}"
                ),
                related_journeys=(light,),
                journey=heavy,
            )
