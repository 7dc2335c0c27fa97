"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

Every rule of the catalog is listed (sorted by id, plus `budget`) so rule ids
and indexes stay the same from run to run. Waived findings are results with
an `inSource` suppression whose justification is the waiver's reason; with
`check --baseline`, results carry `baselineState` (`unchanged` for findings in
the baseline, `new` for the others). Our fingerprint goes under
`partialFingerprints["journeyaudit/v1"]`; `primaryLocationLineHash` is left
to GitHub's upload action, which computes it. A run holds at most 25,000
results and at most 10 MB gzipped (GitHub rejects more or larger): the least
severe are left out, and a tool notification says how many.
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING

from journeyaudit.reports.formats._common import (
    INFORMATION_URI,
    TOOL_NAME,
    rule_catalog,
    uri,
    version,
    worst_first,
)

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "sarif"
DESCRIPTION = "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers"

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}
FINGERPRINT_KEY = "journeyaudit/v1"
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results
MAX_GZIP_BYTES = 10_000_000  # ... and an upload over 10 MB gzipped


def _rule_descriptor(info) -> dict:
    help_text = info.description + (f"\n\nHow to fix: {info.fix}" if info.fix else "")
    help_markdown = f"**{info.summary}**\n\n{info.description}" + (f"\n\n**How to fix:** {info.fix}" if info.fix else "")
    descriptor = {
        "id": info.id,
        "name": "".join(part.capitalize() for part in info.id.replace("_", "-").split("-")),
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {
            "level": LEVELS[info.default_severity],
            "enabled": info.default_severity != "off",
        },
        "properties": {"tags": ["customer-journey"] + ([info.category] if info.category else [])},
    }
    return descriptor


def _result(finding, rule_index: dict[str, int], gate, baselined: bool) -> dict:
    message = finding.message
    if finding.step:
        message = f"{finding.journey} / {finding.step}: {message}"
    else:
        message = f"{finding.journey}: {message}"
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(finding.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
                },
                "logicalLocations": [
                    {
                        "name": finding.step or finding.journey,
                        "fullyQualifiedName": f"{finding.journey}/{finding.step}" if finding.step else finding.journey,
                        "kind": "member" if finding.step else "module",
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"journey": finding.journey, "step": finding.step, "severity": finding.severity},
    }
    state = gate.status(finding)
    if state == "waived":
        result["suppressions"] = [{"kind": "inSource", "justification": finding.waiver_reason or "waived"}]
    if baselined:  # check --baseline
        result["baselineState"] = "unchanged" if state == "baselined" else "new"
    return result


def _within_limit(findings: list, gate, limit: int | None = None) -> tuple[list, int]:
    """At most `limit` (MAX_RESULTS) findings, in their order: open ones before waived or
    baselined, then errors before warnings before infos (GitHub rejects a larger run outright)."""
    limit = MAX_RESULTS if limit is None else limit
    if len(findings) <= limit:
        return findings, 0
    open_first = worst_first([f for f in findings if gate.status(f) == "open"])
    open_first += worst_first([f for f in findings if gate.status(f) != "open"])
    kept = {id(f) for f in open_first[:limit]}
    return [f for f in findings if id(f) in kept], len(findings) - limit


def build(result, options, limit: int | None = None) -> dict:
    catalog = rule_catalog(options.config)
    gate = options.gate()
    # A rule of another package that the catalog does not know still gets a descriptor.
    known = {info.id for info in catalog}
    for finding in result.all_findings():
        if finding.rule not in known:
            from journeyaudit.reports.formats._common import RuleInfo

            catalog.append(RuleInfo(finding.rule, finding.rule, finding.rule, finding.fix, finding.severity))
            known.add(finding.rule)
    rule_index = {info.id: index for index, info in enumerate(catalog)}
    findings, left_out = _within_limit(result.all_findings(), gate, limit)
    results = [_result(finding, rule_index, gate, options.baseline is not None) for finding in findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": problem.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(problem.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(problem.line, 1), "startColumn": max(problem.column, 1)},
                    }
                }
            ],
            "descriptor": {"id": problem.code},
        }
        for problem in result.problems
    ]
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} of {len(findings) + left_out} results left out, the least severe first: "
                    f"GitHub code scanning rejects a run of more than {MAX_RESULTS:,} results "
                    f"or a file over {MAX_GZIP_BYTES // 1_000_000} MB gzipped; "
                    "the JSON output (--format json) has them all"
                },
                "descriptor": {"id": "results-limit"},
            }
        )
    run = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "informationUri": INFORMATION_URI,
                "version": version(),
                "semanticVersion": version(),
                "rules": [_rule_descriptor(info) for info in catalog],
            }
        },
        "invocations": [{"executionSuccessful": not result.problems, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _gzipped_size(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8", "backslashreplace"), compresslevel=6))


def render(result: AuditResult, options: RenderOptions) -> str:
    text = _dump(build(result, options))
    size = _gzipped_size(text)
    if size <= MAX_GZIP_BYTES:
        return text
    # Too large for GitHub's upload: keep fewer results (the worst), shrinking until it fits.
    kept = len(build(result, options)["runs"][0]["results"])
    while size > MAX_GZIP_BYTES and kept > 0:
        kept = min(kept - 1, int(kept * MAX_GZIP_BYTES / size * 0.95))
        text = _dump(build(result, options, limit=max(kept, 0)))
        size = _gzipped_size(text)
    return text
