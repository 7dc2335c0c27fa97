"""The audit: load journeys, analyse them, run the rules, apply waivers.

`run_audit(paths, config)` is what `audit`, `check`, `diff` and the reports
share. Its result carries the loaded journeys with their analysis and
findings, and the input problems (files that could not be used).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.findings import Finding, Problem, Summary
from journeyaudit.model import Journey


@dataclass(slots=True)
class JourneyResult:
    journey: Journey
    analysis: JourneyAnalysis
    findings: list[Finding]  # sorted: line, then rule, then fingerprint

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
