"""The audit stage: run the rules over analysed journeys, decide what fails, budgets, baselines, diffs."""

from journeyaudit.audit.run import AuditResult, JourneyResult, audit_journeys, run_audit

__all__ = ["AuditResult", "JourneyResult", "audit_journeys", "run_audit"]
