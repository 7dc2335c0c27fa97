"""loyalty-penalty: loyal customers make more effort than others for the same thing."""

from __future__ import annotations

from journeyaudit.rules._common import number
from journeyaudit.rules.base import PortfolioRule, RawFinding


class LoyaltyPenalty(PortfolioRule):
    id = "loyalty-penalty"
    default_severity = "warning"
    options = {"loyal": ["existing", "vip", "loyal"]}
    category = "portfolio"
    summary = "A journey `variant_of` another, whose segment is in `loyal` and whose customer effort is higher."
    description = (
        "For every audited journey that is a `variant_of` another (the same process for "
        "another segment) and whose `segment` is one of the `loyal` segments, compares the "
        "customer effort index (the analysis's `effort` metric) of both and reports the "
        "variant when its loyal customers make more effort than the other segment. The "
        "finding belongs to the loyal variant and names the other journey in "
        "`related_journeys`. A variant that is not in the audited set is reported by "
        "`missing-counterpart`."
    )
    story = (
        '"It is frustrating to see companies penalize loyal customers because of their '
        'loyalty." (003_4d06537080ab2636.txt)'
    )
    seed = "003"
    fix = "Give the loyal segment at least the journey new customers get: reuse what the company already knows about them."
    failing = """\
journeyaudit: 1
id: upgrade-existing
title: Upgrade the broadband plan (existing customers)
segment: existing
variant_of: upgrade-new
departments:
  retention: {title: Retention desk}
data:
  name: {title: Full name}
  contract: {title: Contract number}
steps:
  call:
    title: Call the retention desk to ask for the new-customer price
    department: retention
    channel: phone
    wait: 25m
    duration: 15m
    asks: [name, contract]
    next: done
  done:
    title: Plan upgraded
    department: retention
    channel: email
    actor: system
    kind: notification
    end: success
"""
    passing = """\
journeyaudit: 1
id: upgrade-existing
title: Upgrade the broadband plan (existing customers)
segment: existing
variant_of: upgrade-new
departments:
  online: {title: Online shop}
steps:
  order:
    title: Choose the new plan online
    department: online
    channel: web
    actor: customer
    duration: 3m
    next: done
  done:
    title: Plan upgraded
    department: online
    channel: email
    actor: system
    kind: notification
    end: success
"""
    companion = """\
journeyaudit: 1
id: upgrade-new
title: Buy the broadband plan (new customers)
segment: new
departments:
  online: {title: Online shop}
steps:
  order:
    title: Choose the new plan online
    department: online
    channel: web
    actor: customer
    duration: 3m
    next: done
  done:
    title: Plan ordered
    department: online
    channel: email
    actor: system
    kind: notification
    end: success
"""

    def check_portfolio(self, contexts, options):
        loyal = set(options.get("loyal") or ())
        for journey_id, context in contexts.items():
            journey = context.journey
            other_id = journey.variant_of
            if other_id is None or other_id not in contexts or other_id == journey_id:
                continue
            if journey.segment not in loyal:
                continue
            effort = context.analysis.metrics.get("effort")
            other = contexts[other_id].analysis.metrics.get("effort")
            if effort is None or other is None or effort <= other:
                continue
            other_segment = contexts[other_id].journey.segment
            segment_text = f"segment '{other_segment}'" if other_segment else "no segment"
            yield RawFinding(
                message=(
                    f"loyal customers (segment '{journey.segment}') make more effort: {number(effort)} "
                    f"against {number(other)} in '{other_id}' ({segment_text})"
                ),
                related_journeys=(other_id,),
                journey=journey_id,
            )
