"""Helpers the CI formats share (not a format: the registry skips `_` modules).

What fails, and which findings are waived or in the baseline, formats ask
`options.gate()` (journeyaudit.audit.gate); budgets and the baseline of
`check` are `options.budgets` and `options.baseline`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from journeyaudit import __version__
from journeyaudit.model.findings import SEVERITY_RANK

TOOL_NAME = "journeyaudit"
INFORMATION_URI = "https://pypi.org/project/journeyaudit/"


@dataclass(slots=True)
class RuleInfo:
    id: str
    summary: str
    description: str
    fix: str
    default_severity: str  # as configured: error, warning, info or off
    category: str = ""


def rule_catalog(config=None) -> list[RuleInfo]:
    """Every rule (sorted by id) plus `budget`: stable ids and indexes from run to run."""
    from journeyaudit.audit.budgets import BUDGET_RULE
    from journeyaudit.rules.registry import all_rules

    catalog = []
    for rule_id, rule in all_rules().items():
        severity = config.severity(rule) if config is not None else rule.default_severity
        catalog.append(
            RuleInfo(
                rule_id,
                rule.summary or rule_id,
                rule.description or rule.summary or rule_id,
                rule.fix,
                severity,
                rule.category,
            )
        )
    catalog.append(
        RuleInfo(
            BUDGET_RULE,
            "A journey figure is over its budget",
            "A figure of the journey (hand-offs, expected time, score, ...) breaks a budget set in "
            "[tool.journeyaudit.budgets] or with --budget.",
            "Bring the figure back within the budget, or change the budget in the configuration.",
            "error",
            "budget",
        )
    )
    catalog.sort(key=lambda info: info.id)
    return catalog


def worst_first(findings):
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.file, f.line, f.column, f.rule, f.fingerprint))


def _repo_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repo_relative(path: str) -> str:
    """The path relative to the enclosing git repository (or the working folder), `/`-separated."""
    absolute = Path(os.path.abspath(path))
    root = _repo_root(Path.cwd().resolve())
    base = root if root is not None else Path.cwd()
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:
        relative = str(absolute)
    return relative.replace(os.sep, "/")


def uri(path: str) -> str:
    """A relative URI reference for the path (spaces and the like percent-encoded)."""
    return quote(repo_relative(path), safe="/")


def version() -> str:
    return __version__
