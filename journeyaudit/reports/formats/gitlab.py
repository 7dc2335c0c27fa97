"""GitLab Code Quality: one JSON array of Code Climate issues (no BOM).

Severity: error → critical, warning → major, info → minor; a file that could
not be used (a problem: exit 2) is a blocker. The fingerprint
is ours (unique per finding within a run, stable across runs), so the
merge-request widget shows what appeared and what was fixed. Waived findings
are left out (they are accepted); baselined ones stay in (GitLab compares
with the target branch itself).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from journeyaudit.reports.formats._common import repo_relative

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "gitlab"
DESCRIPTION = "GitLab Code Quality JSON (artifacts:reports:codequality)"

SEVERITY = {"error": "critical", "warning": "major", "info": "minor"}


def issue(finding) -> dict:
    where = f" ({finding.journey}/{finding.step})" if finding.step else f" ({finding.journey})"
    return {
        "type": "issue",
        "description": finding.message + where,
        "check_name": finding.rule,
        "fingerprint": finding.fingerprint,
        "severity": SEVERITY[finding.severity],
        "categories": ["Style"],
        "location": {"path": repo_relative(finding.file), "lines": {"begin": max(finding.line, 1)}},
    }


def problem_issue(problem) -> dict:
    """A file that could not be used (exit 2): a blocker, so the merge-request widget shows why."""
    import hashlib

    path = repo_relative(problem.file)
    material = "\x1f".join(["problem", path, problem.code, problem.message])  # no line: stable as lines move
    return {
        "type": "issue",
        "description": f"{problem.message} [{problem.code}]",
        "check_name": f"journeyaudit/{problem.code}",
        "fingerprint": hashlib.sha256(material.encode("utf-8")).hexdigest()[:12],
        "severity": "blocker",
        "categories": ["Bug Risk"],
        "location": {"path": path, "lines": {"begin": max(problem.line, 1)}},
    }


def render(result: AuditResult, options: RenderOptions) -> str:
    issues: list[dict] = []
    seen: set[str] = set()
    gate = options.gate()
    for problem in result.problems:
        entry = problem_issue(problem)
        if entry["fingerprint"] in seen:
            entry["fingerprint"] = f"{entry['fingerprint']}-{len(seen)}"
        seen.add(entry["fingerprint"])
        issues.append(entry)
    for finding in result.all_findings():
        if gate.status(finding) == "waived":
            continue
        entry = issue(finding)
        if entry["fingerprint"] in seen:  # never happens with our fingerprints; GitLab would merge them
            entry["fingerprint"] = f"{entry['fingerprint']}-{len(seen)}"
        seen.add(entry["fingerprint"])
        issues.append(entry)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
