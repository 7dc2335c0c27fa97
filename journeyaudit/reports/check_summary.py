"""What `check` says on stderr beside its output: stale baseline entries, why the job passes or fails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyaudit.audit.check import CheckOutcome


def unknown_journey_warnings(outcome: CheckOutcome) -> list[str]:
    return [
        f"journeyaudit: warning: budgets name journey '{journey_id}', which is not among the audited journeys"
        for journey_id in outcome.unknown_journeys
    ]


def summary_lines(outcome: CheckOutcome, paths: Sequence[str], *, machine_output: bool) -> list[str]:
    """Stale baseline entries (file:line:column), then the counts behind the verdict.

    `machine_output`: the output went to a file or is a machine format, so one
    line says why the job passes or fails; on a terminal the text output
    already shows the findings, and only budgets and the baseline are summed up.
    """
    lines = []
    baseline, verdict = outcome.baseline, outcome.verdict
    if baseline is not None and baseline.stale:
        shown_paths = " ".join(paths)
        for entry in baseline.stale:
            lines.append(
                f"{baseline.file}:{entry.line}:{entry.column}: stale baseline entry {entry.fingerprint} "
                f"({entry.describe()}): no longer found [stale-baseline]"
            )
        lines.append(
            f"{len(baseline.stale)} stale baseline entries: remove them with "
            f"`journeyaudit baseline {shown_paths} -o {baseline.file}`"
        )
    checks, broken = verdict.checks, verdict.broken
    if machine_output:
        parts = [f"{len(verdict.failing)} failing findings (fail-on {outcome.gate.fail_on})"]
        if outcome.budgets:
            parts.append(f"{len(broken)} of {len(checks)} budgets broken")
        if baseline is not None:
            parts.append(f"{len(baseline.baselined)} in the baseline, {len(baseline.stale)} stale")
        lines.append("journeyaudit check: " + ", ".join(parts))
    else:
        if outcome.budgets:
            lines.append(f"budgets: {len(checks) - len(broken)} of {len(checks)} met")
        if baseline is not None:
            lines.append(f"baseline {baseline.file}: {len(baseline.baselined)} findings accepted")
    return lines
