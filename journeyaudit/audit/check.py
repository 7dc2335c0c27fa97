"""The `check` pipeline after the audit: the baseline matched, budgets applied, the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeyaudit.audit.baseline import Baseline, BaselineMatch, match
from journeyaudit.audit.budgets import (
    BUDGET_RULE,
    Budget,
    BudgetCheck,
    add_findings,
    budget_findings,
    evaluate,
    unknown_budget_journeys,
)
from journeyaudit.audit.gate import CheckVerdict, Gate

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config


@dataclass(slots=True)
class CheckOutcome:
    result: AuditResult  # broken budgets added as findings of rule `budget`
    budgets: list[Budget]
    checks: list[BudgetCheck]  # every budget applied to every journey it covers
    baseline: BaselineMatch | None
    gate: Gate  # which findings fail: fail-on and the baseline's fingerprints
    verdict: CheckVerdict
    unknown_journeys: list[str]  # journey ids budgets name that were not audited

    def extra(self) -> dict[str, Any]:
        """What the formats show beside the audit (`RenderOptions.extra`): budgets, baseline."""
        extra: dict[str, Any] = {}
        if self.budgets:
            extra["budgets"] = self.checks
        if self.baseline is not None:
            extra["baseline"] = self.baseline
        return extra


def check_audit(
    result: AuditResult,
    config: Config,
    budgets: list[Budget],
    baseline: Baseline | None = None,
    *,
    fail_on_stale: bool = False,
) -> CheckOutcome:
    """Judge an audit as `check` does.

    The baseline is matched before budgets become findings: a broken budget is
    never "accepted". Budget findings are left out of the failing findings (a
    broken budget is counted once, as a broken budget).
    """
    baseline_match = match(baseline, result.all_findings()) if baseline is not None else None
    checks = evaluate(result, budgets)
    add_findings(result, budget_findings(result, checks))
    gate = Gate.of(config, baseline_match)
    failing = [finding for finding in gate.failing(result.all_findings()) if finding.rule != BUDGET_RULE]
    verdict = CheckVerdict(failing, checks, baseline_match.stale if baseline_match else [], fail_on_stale)
    return CheckOutcome(
        result,
        budgets,
        checks,
        baseline_match,
        gate,
        verdict,
        unknown_budget_journeys(result, budgets),
    )
