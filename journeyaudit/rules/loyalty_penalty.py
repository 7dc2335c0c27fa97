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
        "A journey that is a `variant_of` another is the same process for another segment. "
        "For each such pair of audited journeys (judged once, whichever of the two names the "
        "other), the rule compares their customer effort index (the analysis's `effort` "
        "metric) and reports the journey with more effort when its `segment` is one of the "
        "`loyal` segments: loyal customers make more effort than others for the same thing. "
        "The finding belongs to that journey and names the other in `related_journeys`; "
        "equal efforts are not reported. A variant that is not in the audited set is "
        "reported by `missing-counterpart`."
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

    no_fix = (
        "The effort comes from the journey's own findings: their fixes lower it, and a "
        "fix that resolves this finding lists it among the findings it resolves."
    )

    def check_portfolio(self, contexts, options):
        loyal = set(options.get("loyal") or ())
        judged: set[frozenset[str]] = set()
        for journey_id, context in contexts.items():
            other_id = context.journey.variant_of
            pair = frozenset((journey_id, other_id))
            if other_id is None or other_id not in contexts or len(pair) < 2 or pair in judged:
                continue
            judged.add(pair)
            efforts = {j: contexts[j].analysis.metrics.get("effort") for j in (journey_id, other_id)}
            if None in efforts.values() or efforts[journey_id] == efforts[other_id]:
                continue
            heavy, light = sorted(pair, key=lambda j: -efforts[j])
            segment = contexts[heavy].journey.segment
            if segment not in loyal:
                continue
            other_segment = contexts[light].journey.segment
            segment_text = f"segment '{other_segment}'" if other_segment else "no segment"
            yield RawFinding(
                message=(
                    f"loyal customers (segment '{segment}') make more effort: {number(efforts[heavy])} points "
                    f"against {number(efforts[light])} in '{light}' ({contexts[light].journey.title}, {segment_text})"
                ),
                related_journeys=(light,),
                journey=heavy,
            )
