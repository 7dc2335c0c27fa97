"""Does this fail? The one answer every command and renderer asks.

A finding *fails* when it is open (neither waived in its journey file nor
accepted by the baseline of `check --baseline`) and its severity is at or
above fail-on (`never`: nothing fails). A budget is *broken* when its figure
is beyond its limit. A check fails on a failing finding, a broken budget,
or, with `--fail-on-stale-baseline`, a stale baseline entry. The exit code
adds the input: 2 when a file could not be used or nothing was audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeyaudit.common.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from journeyaudit.model.findings import Finding, severity_at_least

if TYPE_CHECKING:
    from journeyaudit.audit.baseline import BaselineEntry, BaselineMatch
    from journeyaudit.audit.budgets import BudgetCheck
    from journeyaudit.loading.config import Config

DEFAULT_FAIL_ON = "error"


@dataclass(frozen=True, slots=True)
class Gate:
    """Which findings fail: at or above `fail_on`, not waived, not in the baseline."""

    fail_on: str = DEFAULT_FAIL_ON
    baselined: frozenset[str] = frozenset()  # fingerprints the baseline accepts

    @classmethod
    def of(cls, config: Config | None = None, baseline: BaselineMatch | None = None) -> Gate:
        """The gate of a run: the config's fail-on (error without one), the baseline's fingerprints."""
        fail_on = getattr(config, "fail_on", None) or DEFAULT_FAIL_ON
        return cls(fail_on, frozenset(baseline.baselined) if baseline is not None else frozenset())

    def status(self, finding: Finding) -> str:
        """waived, baselined, or open."""
        if finding.waived:
            return "waived"
        if finding.fingerprint in self.baselined:
            return "baselined"
        return "open"

    def fails(self, finding: Finding) -> bool:
        if self.fail_on == "never":
            return False
        return self.status(finding) == "open" and severity_at_least(finding.severity, self.fail_on)

    def failing(self, findings: Iterable[Finding]) -> list[Finding]:
        return [finding for finding in findings if self.fails(finding)]


def broken_budgets(checks: Iterable[BudgetCheck]) -> list[BudgetCheck]:
    return [check for check in checks if not check.passed]


@dataclass(slots=True)
class CheckVerdict:
    """What `check` decides: the failing findings, broken budgets, stale baseline entries."""

    failing: list[Finding]  # budget findings aside: they are counted as broken budgets
    checks: list[BudgetCheck] = field(default_factory=list)
    stale: list[BaselineEntry] = field(default_factory=list)
    fail_on_stale: bool = False

    @property
    def broken(self) -> list[BudgetCheck]:
        return broken_budgets(self.checks)

    @property
    def fails(self) -> bool:
        return bool(self.failing or self.broken or (self.fail_on_stale and self.stale))


def exit_code(*, problems: bool, audited: bool, fails: bool) -> int:
    """2 when an input could not be used or nothing was audited, else 1 when the gate fails, else 0."""
    if problems or not audited:
        return EXIT_USAGE
    return EXIT_FINDINGS if fails else EXIT_OK
