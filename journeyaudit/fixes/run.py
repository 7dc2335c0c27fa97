"""The fixes of audited journeys: planned, measured one by one, ranked, and all applied together.

`measure_journey(result, config, rules, related)` plans a fix for every
finding that has a safe edit (catalogue.py, silence.py, promise.py), measures
each with the what-if engine (whatif.py), keeps those that resolve the
findings they were made for, ranks them (score gain, then expected time
saved, then hand-offs removed, then id) and measures their combination.

Work budget: a journey of thousands of steps with thousands of findings
would take minutes to measure fix by fix, so the measurements of one journey
stop after `WORK_BUDGET` units (a whole analysis costs one unit per step
and branch; an edit that changes only asks or waits costs a share of it,
whatif.ASPECT_COST). The plans left are counted (`not_measured`), never
guessed at; plans are measured in order of promise (journey-wide fixes
first, then by the effort they should save), so what is left is what buys
the least. A journey a person writes never comes near the budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from journeyaudit.fixes.catalogue import plans_for
from journeyaudit.fixes.model import Combined, Fix, JourneyFixes, Plan
from journeyaudit.fixes.ops import NotApplicable
from journeyaudit.fixes.promise import ALTERNATIVES, keep_promise, match_promise
from journeyaudit.fixes.whatif import Baseline, FixFailed

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult, JourneyResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

WORK_BUDGET = 300_000


def related_results(result: JourneyResult, results: Sequence[JourneyResult]) -> list[JourneyResult]:
    """The journeys portfolio rules judge this one with: those it names and those naming it."""
    journey = result.journey
    names = {journey.counterpart, journey.variant_of} - {None}
    return [
        other for other in results
        if other is not result
        and (other.journey.id in names or journey.id in (other.journey.counterpart, other.journey.variant_of))
    ]


def _plan_all(base: Baseline) -> list[Plan]:
    plans: list[Plan] = []
    seen: dict[tuple, int] = {}
    for finding in base.result.findings:
        try:
            found = plans_for(base, finding)
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
            if any(p.id == plan.id for p in plans):
                continue
            seen[shape] = len(plans)
            plans.append(plan)
    return plans


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
    plans = _plan_all(base)
    ordered = sorted(plans, key=lambda plan: (-plan.estimate, plan.id))
    fixes: list[Fix] = []
    not_measured = 0
    for plan in ordered:
        if base.spent > budget:
            not_measured += 1
            continue
        fix = _measured(base, plan)
        if fix is not None:
            fixes.append(fix)
    promised = [f for f in result.findings if f.rule == "broken-promise" and not f.waived and f.key]
    if promised:
        for plan in keep_promise(base, promised, fixes) + match_promise(base, promised):
            fix = _measured(base, plan)
            if fix is not None:
                fixes.append(fix)
                plans.append(plan)
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


def attach_fixes(result: AuditResult, config: Config | None = None, rules: Mapping[str, Rule] | None = None) -> None:
    """Measure the fixes of every journey of `result` and keep them on it (the JSON's `fixes`)."""
    found = fixes_for_result(result, config, rules)
    for journey_result in result.journeys:
        journey_result.fixes = found.get(journey_result.journey.id)
