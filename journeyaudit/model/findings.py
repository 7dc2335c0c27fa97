"""Findings: what a rule reports, and the stable fingerprint CI tools key on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")  # most severe first
FAIL_ON_CHOICES = (*SEVERITIES, "never")  # the lowest severity that fails a run; never: nothing does
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


def severity_at_least(severity: str, threshold: str) -> bool:
    """True when `severity` is at or above `threshold` (error > warning > info)."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


@dataclass(slots=True)
class Finding:
    """One finding, as printed and as written to JSON (see shared/spec/output.md)."""

    rule: str
    severity: str
    journey: str
    step: str | None  # None: about the whole journey
    message: str
    file: str
    line: int
    column: int
    fingerprint: str = ""
    waived: bool = False
    waiver_reason: str | None = None
    # What the finding is about, for fingerprints, diagrams and diffs.
    steps: tuple[str, ...] = ()  # every step involved (the way, the pair of an edge, ...)
    data: tuple[str, ...] = ()  # data ids involved
    related_journeys: tuple[str, ...] = ()  # portfolio rules: the other journey
    fix: str = ""  # how to fix it, one sentence (the rule's default when empty)
    key: str = ""  # distinguishes findings of one rule on the same steps and data

    def fingerprint_key(self) -> str:
        """Everything the fingerprint depends on: never line numbers or wording."""
        return "\x1f".join(
            [
                self.rule,
                self.journey,
                self.step or "",
                ",".join(self.steps),
                ",".join(self.data),
                ",".join(self.related_journeys),
            ]
            + ([self.key] if self.key else [])
        )

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "journey": self.journey,
            "step": self.step,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "fingerprint": self.fingerprint,
            "waived": self.waived,
            "waiver_reason": self.waiver_reason,
            "steps": list(self.steps),
            "data": list(self.data),
            "related_journeys": list(self.related_journeys),
        }


def assign_fingerprints(findings: list[Finding]) -> None:
    """Give every finding a 12-hex-digit fingerprint, unique within the list.

    The hash covers (rule, journey, step ids, data ids, and the rule's own key
    when it reports several things about the same place); identical keys get an
    ordinal in their order of appearance, so duplicates stay distinguishable
    (GitLab collapses equal fingerprints).
    """
    seen: dict[str, int] = {}
    for finding in findings:
        key = finding.fingerprint_key()
        ordinal = seen.get(key, 0)
        seen[key] = ordinal + 1
        material = key if ordinal == 0 else f"{key}\x1f#{ordinal}"
        finding.fingerprint = hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]


@dataclass(slots=True)
class Problem:
    """Input that could not be used: a file, a config, a command-line value.

    Printed as `file:line:column: message [code]`; any Problem makes the
    command exit 2.
    """

    file: str
    line: int
    column: int
    message: str
    code: str = "invalid"

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} [{self.code}]"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message, "code": self.code}


@dataclass(slots=True)
class Summary:
    journeys: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    waived: int = 0
    problems: int = 0
