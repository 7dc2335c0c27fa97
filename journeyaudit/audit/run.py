"""The audit: load journeys, analyse them, run the rules, apply waivers.

`run_audit(paths, config)` is what `audit`, `check`, `diff` and the reports
share. Its result carries the loaded journeys with their analysis and
findings, and the input problems (files that could not be used).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.model import Journey
from journeyaudit.model.findings import Finding, Problem, Summary

if TYPE_CHECKING:
    from journeyaudit.loading import LoadResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import JourneyCheck, JourneyContext, RawFinding, Rule


class HasJson(Protocol):
    def to_json(self) -> dict[str, Any]: ...


@dataclass(slots=True)
class JourneyResult:
    journey: Journey
    analysis: JourneyAnalysis
    findings: list[Finding]  # sorted: line, then rule, then fingerprint
    # The journey's fixes, best first, once the fixes stage measured them
    # (journeyaudit.fixes.attach_fixes: a JourneyFixes): the JSON's `fixes` and `fixes_combined`.
    fixes: HasJson | None = None

    @property
    def metrics(self) -> dict:
        return self.analysis.metrics

    def to_json(self) -> dict:
        journey = self.journey
        return {
            "id": journey.id,
            "file": journey.file,
            "title": journey.title,
            "segment": journey.segment,
            "stage": journey.stage,
            "counterpart": journey.counterpart,
            "variant_of": journey.variant_of,
            "metrics": dict(self.analysis.metrics),
            "findings": [finding.to_json() for finding in self.findings],
            **(self.fixes.to_json() if self.fixes is not None else {}),
        }


@dataclass(slots=True)
class AuditResult:
    journeys: list[JourneyResult]  # sorted by file path, then id
    problems: list[Problem] = field(default_factory=list)  # files that could not be used

    def all_findings(self) -> list[Finding]:
        return [finding for result in self.journeys for finding in result.findings]

    def summary(self) -> Summary:
        summary = Summary(journeys=len(self.journeys), problems=len(self.problems))
        for finding in self.all_findings():
            if finding.waived:
                summary.waived += 1
            elif finding.severity == "error":
                summary.errors += 1
            elif finding.severity == "warning":
                summary.warnings += 1
            else:
                summary.infos += 1
        return summary

    def to_json(self) -> dict:
        summary = self.summary()
        return {
            "version": 1,
            "journeys": [result.to_json() for result in self.journeys],
            "problems": [problem.to_json() for problem in self.problems],
            "summary": {
                "journeys": summary.journeys,
                "errors": summary.errors,
                "warnings": summary.warnings,
                "infos": summary.infos,
                "waived": summary.waived,
                "problems": summary.problems,
            },
        }


def run_audit(
    paths,
    config: Config | None = None,
    *,
    rules: Mapping[str, Rule] | None = None,
    max_bytes: int | None = None,
    progress: Callable[[LoadResult], object] | None = None,
) -> AuditResult:
    """Audit every journey under `paths` with `config` (defaults when None).

    Files that cannot be used become problems; the other files are still
    audited. A rule that fails unexpectedly becomes a problem too, never a
    traceback.
    """
    from journeyaudit.loading import MAX_FILE_BYTES, load_paths
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.registry import all_rules

    config = config or Config()
    rules = rules if rules is not None else all_rules()
    results, problems = load_paths(
        paths,
        known_rules=frozenset(rules) or None,
        max_bytes=max_bytes or MAX_FILE_BYTES,
        progress=progress,
        exclude=config.is_excluded if config.exclude else None,
    )
    journeys = [result.journey for result in results if result.journey is not None]
    return audit_journeys(journeys, config, rules=rules, problems=problems)


def audit_at_ref(ref: str, paths, config: Config | None = None, *, max_bytes: int | None = None) -> tuple[str, AuditResult]:
    """Audit the journeys of `paths` as they were at a git ref: the commit, and the result.

    Raises journeyaudit.loading.gitrefs.GitError when the ref or the repository cannot be used.
    """
    from journeyaudit.loading.config import Config
    from journeyaudit.loading.gitrefs import load_at_ref
    from journeyaudit.rules.registry import all_rules

    config = config or Config()
    commit, journeys, problems = load_at_ref(
        ref,
        paths,
        known_rules=frozenset(all_rules()) or None,
        max_bytes=max_bytes,
        exclude=config.is_excluded if config.exclude else None,
    )
    return commit, audit_journeys(journeys, config, problems=problems)


def audit_journeys(
    journeys: Iterable[Journey],
    config: Config | None = None,
    *,
    rules: Mapping[str, Rule] | None = None,
    problems: Iterable[Problem] | None = None,
) -> AuditResult:
    """Audit already-loaded journeys together (portfolio rules see them all)."""
    from journeyaudit.analysis import analyze
    from journeyaudit.loading.config import Config
    from journeyaudit.model.findings import assign_fingerprints
    from journeyaudit.rules.base import JourneyContext, PortfolioRule
    from journeyaudit.rules.registry import all_rules

    config = config or Config()
    rules = rules if rules is not None else all_rules()
    problems = list(problems or [])
    contexts: dict[str, JourneyContext] = {}
    for journey in sorted(journeys, key=lambda j: (j.file, j.id)):
        try:
            contexts[journey.id] = JourneyContext(journey, analyze(journey))
        except Exception as error:  # one broken journey must not stop the run
            problems.append(_internal_problem(journey, f"analysis failed: {type(error).__name__}: {error}"))

    findings: dict[str, list[Finding]] = {journey_id: [] for journey_id in contexts}
    for rule in rules.values():
        severity = config.severity(rule)
        if severity == "off":
            continue
        options = config.options(rule)
        targets: list[tuple[JourneyContext | None, Callable[[], Iterable[RawFinding]]]]
        if isinstance(rule, PortfolioRule):
            targets = [(None, partial(rule.check_portfolio, contexts, options))]
        else:  # every other rule judges one journey at a time
            journey_rule = cast("JourneyCheck", rule)
            targets = [(ctx, partial(journey_rule.check, ctx, options)) for ctx in contexts.values()]
        for context, run in targets:
            try:
                raw_findings = list(run())
            except Exception as error:
                where = context.journey if context else next(iter(contexts.values())).journey
                problems.append(_internal_problem(where, f"rule '{rule.id}' failed: {type(error).__name__}: {error}"))
                continue
            for raw in raw_findings:
                journey_id = raw.journey or (context.journey.id if context else None)
                owner = contexts.get(journey_id) if journey_id is not None else None
                if journey_id is None or owner is None:
                    continue
                findings[journey_id].append(finding_from(rule, raw, severity, owner.journey))

    all_findings = [finding for journey_findings in findings.values() for finding in journey_findings]
    # Fingerprint ordinals follow an order that does not depend on line numbers.
    all_findings.sort(key=lambda f: (f.journey, f.fingerprint_key(), f.message))
    assign_fingerprints(all_findings)
    results = []
    for journey_id, context in contexts.items():
        journey_findings = sorted(
            findings[journey_id], key=lambda f: (f.line, f.column, f.rule, f.fingerprint)
        )
        results.append(JourneyResult(context.journey, context.analysis, journey_findings))
    return AuditResult(results, problems)


def finding_from(rule: Rule, raw: RawFinding, severity: str, journey: Journey) -> Finding:
    """The finding a rule's raw finding becomes in an audit: located, waived when a waiver covers it
    (no fingerprint yet: `assign_fingerprints` gives them to the run's findings together)."""
    step = journey.steps.get(raw.step) if raw.step else None
    location = step.location if step else journey.location
    finding = Finding(
        rule=rule.id,
        severity=raw.severity or severity,
        journey=journey.id,
        step=raw.step if step else None,
        message=raw.message,
        file=journey.file,
        line=location.line,
        column=location.column,
        steps=tuple(raw.steps),
        data=tuple(raw.data),
        related_journeys=tuple(raw.related_journeys),
        fix=rule.fix,
        key=raw.key,
    )
    waiver = _matching_waiver(journey, rule.id, finding.step)
    if waiver is not None:
        finding.waived = True
        finding.waiver_reason = waiver.reason
    return finding


def _matching_waiver(journey: Journey, rule_id: str, step_id: str | None):
    if step_id is not None:
        for waiver in journey.steps[step_id].waivers:
            if waiver.rule == rule_id:
                return waiver
    for waiver in journey.waivers:
        if waiver.rule == rule_id:
            return waiver
    return None


def _internal_problem(journey: Journey, message: str) -> Problem:
    return Problem(
        journey.file,
        journey.location.line,
        journey.location.column,
        f"internal error: {message} (please report it; run with --debug for details)",
        "internal",
    )
