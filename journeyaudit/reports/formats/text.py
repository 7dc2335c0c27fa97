"""Terminal output: findings grouped by journey, key figures, one summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from journeyaudit.common.durations import format_duration, format_figure, format_share
from journeyaudit.common.text import printable as safe

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "text"
DESCRIPTION = "findings grouped by journey, for people (coloured on a terminal)"

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _figure(value: float, word: str) -> str:
    text = format_figure(value)
    return f"{text} {word}{'' if text == '1' else 's'}"


def key_figures(metrics: dict) -> str:
    parts = [
        f"score {metrics.get('score')}",
        f"expected time {format_duration(metrics.get('expected_duration_s', 0.0))}",
        f"{_figure(metrics.get('expected_handoffs', 0), 'hand-off')} expected "
        f"({'at most ' if metrics.get('approximate') else ''}{metrics.get('max_handoffs', 0)} worst)",
        f"{_figure(metrics.get('expected_asks', 0), 'ask')} ({metrics.get('repeated_asks', 0)} repeated)",
        f"success {format_share(metrics.get('success_rate', 0))}",
    ]
    return ", ".join(parts)


def render(result: AuditResult, options: RenderOptions) -> str:
    style = (lambda text, **kw: click.style(text, **kw)) if options.color else (lambda text, **kw: text)
    lines: list[str] = []
    gate = options.gate()
    for journey_result in result.journeys:
        journey = journey_result.journey
        header = safe(f"{journey.file}: {journey.title} ({journey.id})")
        lines.append(style(header, bold=True))
        lines.append("  " + style(key_figures(journey_result.metrics), dim=True))
        for finding in journey_result.findings:
            state = gate.status(finding)  # waived, in the baseline of check --baseline, or open
            severity = {"waived": "waived", "baselined": "baseline"}.get(state, finding.severity)
            colour = "bright_black" if state != "open" else _COLOURS[finding.severity]
            where = f"{finding.line}:{finding.column}"
            message = safe(finding.message + (f" (waived: {finding.waiver_reason})" if finding.waived else ""))
            lines.append(
                f"  {where:>7}  {style(f'{severity:<7}', fg=colour)}  {style(f'{finding.rule:<22}', bold=True)} {message}"
            )
        if not journey_result.findings:
            lines.append("  " + style("no findings", fg="green"))
        lines.append("")
    summary = result.summary()
    counts = [
        _plural(summary.errors, "error"),
        _plural(summary.warnings, "warning"),
        f"{summary.infos} info",
    ]
    text = f"{_plural(summary.journeys, 'journey')} audited: {', '.join(counts)}"
    if summary.waived:
        text += f", {summary.waived} waived"
    if summary.problems:
        text += f"; {_plural(summary.problems, 'file problem')} (see above)"
    lines.append(style(text, bold=True))
    return "\n".join(lines) + "\n"
