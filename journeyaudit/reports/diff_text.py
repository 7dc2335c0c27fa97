"""The terminal form of a diff (`journeyaudit diff`, --format text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from journeyaudit.common.text import printable

if TYPE_CHECKING:
    from journeyaudit.audit.diff import DiffResult


def render_text(diff: DiffResult, color: bool = False) -> str:
    """The terminal form of a diff."""
    def style(text, **kw):  # every line passes here or through printable: journey text is never raw
        text = printable(text)
        return click.style(text, **kw) if color else text

    colours = {"worse": "red", "better": "green", "mixed": "yellow", "changed": "cyan", "unchanged": "bright_black", "new": "cyan", "gone": "cyan"}
    lines = [style(f"journeyaudit diff: {diff.old_label} → {diff.new_label}", bold=True), ""]
    for journey in diff.journeys:
        if journey.status == "unchanged":
            continue
        verdict = journey.verdict
        renamed = f", id was '{journey.renamed_from}'" if journey.renamed_from else ""
        lines.append(
            style(f"{journey.file}: {journey.title} ({journey.id}{renamed})", bold=True)
            + "  "
            + style(f"[{journey.status}, {verdict}]", fg=colours.get(verdict))
        )
        for change in journey.steps:
            mark = {"added": "+", "removed": "-", "changed": "~"}[change.change]
            lines.append(printable(f"  {mark} step {change.step} ({change.change}): {change.title}"))
            for name, (old, new) in change.fields.items():
                lines.append(printable(f"      {name}: {old} → {new}"))
        for delta in journey.metrics:
            arrow = {"better": "better", "worse": "worse", "changed": "changed"}[delta.direction]
            flag = "  (beyond tolerance)" if delta.regression else ""
            lines.append(
                f"  {delta.metric:<26} {delta.text():<22} {delta.change_text():>9}  "
                + style(arrow, fg={"better": "green", "worse": "red"}.get(delta.direction))
                + flag
            )
        for finding in journey.new_findings:
            where = f" at {finding.step}" if finding.step else ""
            state = "waived " if finding.waived else ""
            lines.append(style(f"  + new {state}{finding.severity} {finding.rule}{where}: {finding.message}", fg="red" if not finding.waived else None))
        for finding in journey.fixed_findings:
            where = f" at {finding.step}" if finding.step else ""
            lines.append(style(f"  - fixed {finding.rule}{where}: {finding.message}", fg="green"))
        for reason in journey.regressions:
            lines.append(style(f"  ! regression: {reason}", fg="red", bold=True))
        lines.append("")
    counts = diff.counts()
    if not diff.changed:
        lines.append("no journey changed")
    lines.append(
        style(
            f"{counts['journeys']} journey{'' if counts['journeys'] == 1 else 's'} compared: {counts['added']} added, {counts['removed']} removed, "
            f"{counts['changed']} changed; {counts['new_findings']} new findings, {counts['fixed_findings']} fixed; "
            f"{counts['regressions']} regressions",
            bold=True,
        )
    )
    return "\n".join(lines) + "\n"
