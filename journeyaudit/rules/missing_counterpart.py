"""missing-counterpart: a counterpart or variant that is not among the audited journeys."""

from __future__ import annotations

from journeyaudit.common.text import did_you_mean
from journeyaudit.rules.base import PortfolioRule, RawFinding


class MissingCounterpart(PortfolioRule):
    id = "missing-counterpart"
    default_severity = "warning"
    category = "portfolio"
    summary = "A `counterpart`, `variant_of` or `replaces` names a journey that is not in the audited set."
    description = (
        "The portfolio rules (`effort-asymmetry`, `loyalty-penalty`) judge a journey against "
        "the journey its `counterpart` or `variant_of` names, and reports set a redesign beside "
        "the journey its `replaces` names (the as-is). When that journey is not among "
        "the journeys audited together (a typo in the id, or a file left out of the run), "
        "they cannot judge it: this rule says so, with one finding per missing reference, "
        "on the journey that names it, instead of staying silent or crashing. The message "
        "suggests the closest audited id when there is one."
    )
    story = (
        'Supports the portfolio rules, whose stories are: "It took only a few minutes to get '
        'the loan. But paying it back required two (2) hours" (000_25f2e47d2d27e5e7.txt) and '
        '"penalize loyal customers because of their loyalty" (003_4d06537080ab2636.txt).'
    )
    seed = "000"
    fix = "Audit both journeys in the same run (pass both files or their folder), or correct the id."
    failing = """\
journeyaudit: 1
id: close-account
title: Close a savings account
stage: leave
counterpart: open-acount
departments:
  online: {title: Online banking}
steps:
  close:
    title: Close the account in online banking
    department: online
    actor: customer
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
    actor: customer
    end: success
"""
    companion = """\
journeyaudit: 1
id: open-account
title: Open a savings account
stage: acquire
departments:
  online: {title: Online banking}
steps:
  open:
    title: Open the account in online banking
    department: online
    actor: customer
    end: success
"""

    no_fix = (
        "Audit the named journey together with this one, or correct the id: nothing in "
        "the file to change safely."
    )

    def check_portfolio(self, contexts, options):
        for journey_id, context in contexts.items():
            journey = context.journey
            references = (
                ("counterpart", journey.counterpart),
                ("variant_of", journey.variant_of),
                ("replaces", journey.replaces),
            )
            for key, other_id in references:
                if other_id is None or other_id in contexts:
                    continue
                yield RawFinding(
                    message=(
                        f"{key} '{other_id}' is not among the audited journeys, so it cannot be "
                        f"compared: audit both together{did_you_mean(other_id, contexts)}"
                    ),
                    related_journeys=(other_id,),
                    journey=journey_id,
                )
