"""The what-if engine: apply fixes to the in-memory journey, analyse it again, audit it again.

`Baseline` holds one audited journey (its analysis, its findings, the
configured rules). `measure(plans)` applies the plans' edits to a copy of the
journey (`ops.Draft`), analyses the edited journey with
`journeyaudit.analysis.reanalyze` (the parts the edit cannot change are
reused: the result is what `analyze` gives for the edited journey), runs
again the rules whose findings the edit can change (a rule's `reads`; the
others' findings are kept), and compares: the findings resolved, the
problems that are new, every figure's change.

A finding is resolved when neither its fingerprint nor its problem is left:
the same rule on the same step (on the journey, for rules reporting once per
journey: `handoffs`' worst way may change while it stays too long) at the
same severity or above. A warning that becomes an `info` is resolved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from journeyaudit.analysis import JourneyAnalysis, reanalyze
from journeyaudit.audit.run import JourneyResult, finding_from
from journeyaudit.fixes.model import Plan, impact_of
from journeyaudit.fixes.ops import Draft, NotApplicable
from journeyaudit.model import Journey
from journeyaudit.model.findings import SEVERITY_RANK, Finding, assign_fingerprints
from journeyaudit.rules.base import EVERY_ASPECT, JourneyContext

if TYPE_CHECKING:
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

# Edits of steps' own fields only: a per-step rule (`per_step`) need judge those steps alone.
LOCAL_ASPECTS = frozenset({"asks", "times", "after", "departments"})

# The part of the analysis each aspect makes run again, as a share of a whole analysis:
# what the work budget of a journey counts (journeyaudit.fixes.run).
ASPECT_COST = {"structure": 1.0, "roles": 0.6, "departments": 0.5, "after": 0.5, "times": 0.4, "asks": 0.3, "promise": 0.2}
# Keeping a duration promise is judged over every way and moment: on a journey with one, an edit
# of times costs about a whole analysis more (measured on 150 steps each linked to all others).
PROMISE_COST = 1.0
PROMISE_ASPECTS = frozenset({"structure", "times", "after", "promise"})


class OverBudget(Exception):
    """The work this would take does not fit in what is left of the journey's budget."""


class FixFailed(Exception):
    """A rule failed on the edited journey: the fix is not offered."""


@dataclass(slots=True)
class Outcome:
    journey: Journey
    analysis: JourneyAnalysis
    draft: Draft
    findings: list[Finding]  # this journey's after the edit (and the related journeys' portfolio findings)
    applied: list[str]
    skipped: list[str]
    resolved: tuple[str, ...]  # fingerprints of the findings before that are gone
    new: list[Finding]  # findings of problems the journey did not have
    impact: dict


def problem_of(finding: Finding, one_per_journey: frozenset[str]) -> tuple:
    """What stays the same problem when a finding's way or message changes."""
    if finding.step is None or finding.rule in one_per_journey:
        return (finding.journey, finding.rule, finding.key)
    return (finding.journey, finding.rule, finding.step, finding.key)


class Baseline:
    """One audited journey, ready to be edited and audited again."""

    def __init__(self, result: JourneyResult, config: Config, rules: Mapping[str, Rule],
                 related: Sequence[JourneyResult] = ()):
        self.result = result
        self.journey = result.journey
        self.analysis = result.analysis
        self.config = config
        self.related = [other for other in related if other.journey.id != result.journey.id]
        self.journey_rules: list[tuple[Rule, str, dict]] = []
        self.portfolio_rules: list[tuple[Rule, str, dict]] = []
        self.rules: dict[str, Rule] = dict(rules)
        for rule in rules.values():
            severity = config.severity(rule)
            if severity == "off":
                continue
            (self.portfolio_rules if rule.portfolio else self.journey_rules).append((rule, severity, config.options(rule)))
        self.one_per_journey = frozenset(rule.id for rule in rules.values() if getattr(rule, "one_per_journey", False))
        portfolio_ids = {rule.id for rule, _, _ in self.portfolio_rules}
        self.before: list[Finding] = list(result.findings)
        # the related journeys' portfolio findings about this one (an effort asymmetry judged against it)
        self.before += [
            f for other in self.related for f in other.findings
            if f.rule in portfolio_ids and self.journey.id in f.related_journeys
        ]
        self.by_rule: dict[str, list[Finding]] = {}
        for finding in result.findings:
            self.by_rule.setdefault(finding.rule, []).append(finding)
        self.before_fingerprints = {f.fingerprint for f in self.before}
        self.before_problems = {problem_of(f, self.one_per_journey) for f in self.before}
        self.size = len(self.journey.steps) + sum(len(step.next) for step in self.journey.steps.values())
        self.spent = 0.0  # work units used by measurements (see ASPECT_COST)
        self.budget = float("inf")  # units it may spend (journeyaudit.fixes.run.WORK_BUDGET)
        self._options: dict[str, dict[str, Any]] = {}
        self.taken_ids = set(self.journey.steps)  # step ids, and those the plans' new steps took

    def options(self, rule_id: str) -> dict[str, Any]:
        if rule_id not in self._options:  # resolved once: thousands of findings of one rule ask
            rule = self.rules.get(rule_id)
            self._options[rule_id] = self.config.options(rule) if rule is not None else {}
        return self._options[rule_id]

    def findings_of(self, rule_id: str) -> list[Finding]:
        return self.by_rule.get(rule_id, [])

    def affords(self, share: float) -> bool:
        return self.spent + self.size * share <= self.budget

    def charge(self, share: float) -> None:
        """Count `share` of a whole analysis as spent; raise OverBudget (spending nothing) when it does not fit."""
        units = self.size * share
        if self.spent + units > self.budget:
            raise OverBudget
        self.spent += units

    # -- measuring ------------------------------------------------------------
    def edit(self, plans: Sequence[Plan], skip_clashes: bool = False) -> tuple[Draft, list[str], list[str]]:
        draft = Draft(self.journey)
        applied, skipped = [], []
        for plan in plans:
            try:
                draft.apply(plan.id, plan.ops)
            except NotApplicable:
                if not skip_clashes:
                    raise
                skipped.append(plan.id)
            else:
                applied.append(plan.id)
        return draft, applied, skipped

    def analyse(self, draft: Draft) -> tuple[Journey, JourneyAnalysis]:
        """The edited journey and its analysis (the cost counted in the work budget)."""
        journey = draft.journey()
        if not draft.aspects:
            return journey, self.analysis
        share = min(1.0, sum(ASPECT_COST.get(a, 1.0) for a in draft.aspects))
        if journey.promise is not None and journey.promise.duration_s is not None and draft.aspects & PROMISE_ASPECTS:
            share += PROMISE_COST
        self.charge(share)
        return journey, reanalyze(journey, self.analysis, draft.aspects)

    def measure(self, plans: Sequence[Plan], skip_clashes: bool = False) -> Outcome:
        """Apply `plans` in order (raising NotApplicable on a clash, unless `skip_clashes`) and audit the result."""
        draft, applied, skipped = self.edit(plans, skip_clashes)
        journey, analysis = self.analyse(draft)
        findings, rerun = self._audit(journey, analysis, frozenset(draft.aspects), {c.step for c in draft.changes if c.step})
        # the findings of the rules not run again are the same objects as before: only the others can differ
        changed_after = [f for f in findings if f.rule in rerun]
        after_fingerprints = {f.fingerprint for f in changed_after}
        worst_after: dict[tuple, int] = {}
        for finding in changed_after:
            key = problem_of(finding, self.one_per_journey)
            worst_after[key] = max(worst_after.get(key, 0), SEVERITY_RANK[finding.severity])
        resolved = tuple(
            f.fingerprint
            for f in self.before
            if f.rule in rerun
            and f.fingerprint not in after_fingerprints
            and worst_after.get(problem_of(f, self.one_per_journey), 0) < SEVERITY_RANK[f.severity]
        )
        new = [
            f for f in changed_after
            if f.fingerprint not in self.before_fingerprints and problem_of(f, self.one_per_journey) not in self.before_problems
        ]
        impact = impact_of(self.analysis.metrics, analysis.metrics)
        return Outcome(journey, analysis, draft, findings, applied, skipped, resolved, new, impact)

    def _audit(self, journey: Journey, analysis: JourneyAnalysis, aspects: frozenset[str],
               steps: set[str]) -> tuple[list[Finding], set[str]]:
        """The edited journey's findings (those of rules the edit cannot concern are kept, as they
        were: the same objects), and the ids of the rules run again. `steps`: the steps edited."""
        context = JourneyContext(journey, analysis)
        after: list[Finding] = []
        rerun: set[str] = set()
        local = aspects <= LOCAL_ASPECTS
        for rule, severity, options in self.journey_rules:
            if not aspects & getattr(rule, "reads", EVERY_ASPECT):
                after += self.by_rule.get(rule.id, [])
                continue
            if local and getattr(rule, "per_step", False):
                found = self._per_step(rule, severity, options, journey, analysis, steps)
                if found is not None:
                    rerun.add(rule.id)
                    after += found
                    continue
            try:
                raw_findings = list(cast("Any", rule).check(context, options))
            except Exception as error:  # a rule that fails on the edit: the fix is not offered
                raise FixFailed(f"rule '{rule.id}' failed: {type(error).__name__}: {error}") from error
            rerun.add(rule.id)
            after += _fingerprinted(
                [finding_from(rule, raw, severity, journey) for raw in raw_findings if (raw.journey or journey.id) == journey.id]
            )
        portfolio_ids = {rule.id for rule, _, _ in self.portfolio_rules}
        if self.portfolio_rules and self.related and aspects:
            contexts = {journey.id: context, **{r.journey.id: JourneyContext(r.journey, r.analysis) for r in self.related}}
            owners = {journey.id: journey, **{r.journey.id: r.journey for r in self.related}}
            for rule, severity, options in self.portfolio_rules:
                try:
                    raw_findings = list(cast("Any", rule).check_portfolio(contexts, options))
                except Exception as error:
                    raise FixFailed(f"rule '{rule.id}' failed: {type(error).__name__}: {error}") from error
                rerun.add(rule.id)
                found = []
                for raw in raw_findings:
                    owner = owners.get(raw.journey) if raw.journey is not None else None
                    if owner is not None and (owner is journey or journey.id in raw.related_journeys):
                        found.append(finding_from(rule, raw, severity, owner))
                after += _fingerprinted(found)
        elif self.portfolio_rules:
            after += [f for f in self.before if f.rule in portfolio_ids]
        return after, rerun

    def _per_step(self, rule: Rule, severity: str, options: dict, journey: Journey, analysis: JourneyAnalysis,
                  steps: set[str]) -> list[Finding] | None:
        """A per-step rule judged again on the edited steps only; None when a new finding's
        fingerprint key meets a kept one's (then the rule runs on the whole journey)."""
        view = dataclasses.replace(journey, steps={s: journey.steps[s] for s in journey.steps if s in steps})
        try:
            raw_findings = list(cast("Any", rule).check(JourneyContext(view, analysis), options))
        except Exception as error:
            raise FixFailed(f"rule '{rule.id}' failed: {type(error).__name__}: {error}") from error
        kept = [f for f in self.by_rule.get(rule.id, []) if f.step not in steps]
        new = _fingerprinted([finding_from(rule, raw, severity, journey) for raw in raw_findings])
        if {f.fingerprint_key() for f in kept} & {f.fingerprint_key() for f in new}:
            return None
        return kept + new


def _fingerprinted(findings: list[Finding]) -> list[Finding]:
    """Fingerprints as the audit gives them: a fingerprint's key names its rule, so the ordinals
    of equal keys are counted among one rule's findings, in the audit's order."""
    findings.sort(key=lambda f: (f.journey, f.fingerprint_key(), f.message))
    assign_fingerprints(findings)
    return findings
