"""The fixes of audited journeys: planned, measured one by one, ranked, and all applied together.

`measure_journey(result, config, rules, related)` plans a fix for every
finding that has a safe edit (catalogue.py, silence.py, promise.py), measures
each with the what-if engine (whatif.py), keeps those that resolve the
findings they were made for, ranks them (score gain, then expected time
saved, then hand-offs removed, then id) and measures their combination.

Work budget: a journey of thousands of steps with thousands of findings
would take minutes to measure fix by fix, so the work on one journey stops
at `WORK_BUDGET` units (a whole analysis costs one unit per step and branch;
an edit that changes only asks or waits costs a share of it,
whatif.ASPECT_COST), planning taking at most `PLANNING_SHARE` of it. Work
is counted, never timed, so the fixes are the same on every machine. A plan
that does not fit in what is left is passed over (a cheaper one may still
fit) and counted (`not_measured`), never guessed at; plans are measured in
order of promise (journey-wide fixes first, then by the effort they should
save). `match-promise` and the combination are measured whatever is left
(one measurement each). A journey a person writes never comes near the
budget: the shipped journeys use at most 450 units; a generated 150-step
journey with 344 findings (benchmarks/synthetic.py) fits in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from journeyaudit.fixes.catalogue import plans_for
from journeyaudit.fixes.model import Combined, Fix, JourneyFixes, Plan
from journeyaudit.fixes.ops import NotApplicable
from journeyaudit.fixes.promise import ALTERNATIVES, keep_promise, match_promise
from journeyaudit.fixes.whatif import ASPECT_COST, Baseline, FixFailed, OverBudget

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult, JourneyResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

WORK_BUDGET = 40_000
PLANNING_SHARE = 0.5  # planning may spend at most this share: what is left measures
CHEAPEST = min(ASPECT_COST.values())  # the least a measurement can cost (a share of an analysis)


def related_results(result: JourneyResult, results: Sequence[JourneyResult]) -> list[JourneyResult]:
    """The journeys portfolio rules judge this one with: those it names and those naming it."""
    journey = result.journey
    names = {journey.counterpart, journey.variant_of} - {None}
    return [
        other for other in results
        if other is not result
        and (other.journey.id in names or journey.id in (other.journey.counterpart, other.journey.variant_of))
    ]


def _plan_all(base: Baseline) -> tuple[list[Plan], int]:
    """The plans for the journey's findings, and how many findings the budget left unplanned."""
    plans: list[Plan] = []
    seen: dict[tuple, int] = {}
    ids: set[str] = set()
    unplanned = 0
    for finding in base.result.findings:
        try:
            found = plans_for(base, finding)
        except OverBudget:
            unplanned += 1
            continue
        except (NotApplicable, FixFailed):
            continue
        for plan in found:
            shape = tuple((type(op).__name__, *(v for k, v in _fields(op) if k != "note")) for op in plan.ops)
            if shape in seen:  # the same edit for another finding: one fix, made for both
                index = seen[shape]
                earlier = plans[index]
                plans[index] = Plan(earlier.id, earlier.kind, earlier.rule, earlier.title, earlier.reason,
                                    earlier.targets + tuple(t for t in plan.targets if t not in earlier.targets),
                                    earlier.ops, max(earlier.estimate, plan.estimate), earlier.includes)
                continue
            if plan.id in ids:
                continue
            seen[shape] = len(plans)
            ids.add(plan.id)
            plans.append(plan)
    return plans, unplanned


def _fields(op) -> list[tuple[str, object]]:
    return [(name, getattr(op, name)) for name in op.__dataclass_fields__]


def _measured(base: Baseline, plan: Plan) -> Fix | None:
    try:
        outcome = base.measure([plan])
    except (NotApplicable, FixFailed):
        return None
    if not set(plan.targets) <= set(outcome.resolved):
        return None  # it does not resolve what it was made for
    return Fix(plan, outcome.resolved, outcome.new, outcome.impact, outcome.analysis.metrics)


def measure_journey(result: JourneyResult, config: Config, rules: Mapping[str, Rule],
                    related: Sequence[JourneyResult] = (), budget: float = WORK_BUDGET) -> JourneyFixes:
    base = Baseline(result, config, rules, related)
    base.budget = budget * PLANNING_SHARE
    plans, not_measured = _plan_all(base)
    base.budget = budget
    ordered = sorted(plans, key=lambda plan: (-plan.estimate, plan.id))
    fixes: list[Fix] = []
    for index, plan in enumerate(ordered):
        if not base.affords(CHEAPEST):  # nothing fits any more
            not_measured += len(ordered) - index
            break
        try:  # a plan too costly for what is left is passed over: a cheaper one may still fit
            fix = _measured(base, plan)
        except OverBudget:
            not_measured += 1
            continue
        if fix is not None:
            fixes.append(fix)
    promised = [f for f in result.findings if f.rule == "broken-promise" and not f.waived and f.key]
    if promised:
        try:
            kept = keep_promise(base, promised, fixes)
        except OverBudget:
            kept, not_measured = [], not_measured + 1
        base.budget = float("inf")  # one measurement each, whatever the journey's size
        for plan in kept + match_promise(base, promised):
            fix = _measured(base, plan)
            if fix is not None:
                fixes.append(fix)
                plans.append(plan)
    base.budget = float("inf")
    fixes.sort(key=Fix.rank_key)
    return JourneyFixes(result.journey.id, fixes, combine(base, fixes), not_measured, plans)


def combine(base: Baseline, fixes: Sequence[Fix]) -> Combined | None:
    """Every fix but the alternatives (keep-promise is others together, match-promise the other way out),
    in rank order, each applied unless it changes what one before it changed."""
    plans = [fix.plan for fix in fixes if fix.kind not in ALTERNATIVES]
    if not plans:
        return None
    try:
        outcome = base.measure(plans, skip_clashes=True)
    except FixFailed:
        return None
    return Combined(outcome.applied, outcome.skipped, outcome.resolved, outcome.new, outcome.impact, outcome.analysis.metrics)


def fixes_for_result(result: AuditResult, config: Config | None = None,
                     rules: Mapping[str, Rule] | None = None) -> dict[str, JourneyFixes]:
    """Journey id -> its fixes, best first, for every journey of an audit."""
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.registry import all_rules

    config = config or Config()
    rules = rules if rules is not None else all_rules()
    return {
        journey_result.journey.id: measure_journey(journey_result, config, rules, related_results(journey_result, result.journeys))
        for journey_result in result.journeys
    }


def fixes_json(result: AuditResult, config: Config | None = None,
               rules: Mapping[str, Rule] | None = None) -> dict[str, list[dict]]:
    """Journey id -> its fixes, best first, each exactly one entry of the JSON's `fixes` list
    (what the HTML report's "What to fix first" renders). Fixes already kept on the result
    (`attach_fixes`) are used as they are, not measured again."""
    from journeyaudit.fixes.model import JourneyFixes

    kept: dict[str, JourneyFixes] = {}
    for journey_result in result.journeys:
        if isinstance(journey_result.fixes, JourneyFixes):
            kept[journey_result.journey.id] = journey_result.fixes
    found = kept if len(kept) == len(result.journeys) else fixes_for_result(result, config, rules)
    return {journey_id: [fix.to_json() for fix in fixes.fixes] for journey_id, fixes in found.items()}


def attach_fixes(result: AuditResult, config: Config | None = None, rules: Mapping[str, Rule] | None = None) -> None:
    """Measure the fixes of every journey of `result` and keep them on it (the JSON's `fixes`)."""
    found = fixes_for_result(result, config, rules)
    for journey_result in result.journeys:
        journey_result.fixes = found.get(journey_result.journey.id)
