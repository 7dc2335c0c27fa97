"""Terminal output: findings grouped by journey (errors first), key figures, the top fixes,
one summary line; wrapped to the terminal's width with hanging indents (reports/terminal.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from journeyaudit.common.durations import format_duration, format_figure, format_share
from journeyaudit.common.text import printable as safe
from journeyaudit.model.findings import SEVERITY_RANK
from journeyaudit.reports.fix_effect import fix_view
from journeyaudit.reports.terminal import hanging, terminal_width

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


TOP_FIXES = 3


def top_fixes_line(fixes: list[dict], limit: int = TOP_FIXES) -> str:
    """The journey's best fixes on one line: `top fixes: Stop asking ... (score +6, 2 asks fewer); ...`."""
    shown = []
    for fix in fixes[:limit]:
        view = fix_view(fix)
        effect = view["effect"]
        shown.append(f"{view['summary']} ({effect})" if effect else view["summary"])
    return "top fixes: " + "; ".join(shown)


def _order(findings, gate):
    """Errors first, then warnings, then info; waived and baselined ones last; then by place."""
    def key(finding):
        state = gate.status(finding)
        return (state != "open", -SEVERITY_RANK[finding.severity], finding.line, finding.column, finding.rule)

    return sorted(findings, key=key)


def render(result: AuditResult, options: RenderOptions) -> str:
    style = (lambda text, **kw: click.style(text, **kw)) if options.color else (lambda text, **kw: text)
    width = options.width if options.width is not None else terminal_width()
    lines: list[str] = []
    gate = options.gate()
    all_fixes = (options.extra or {}).get("fixes") or {}
    for journey_result in result.journeys:
        journey = journey_result.journey
        header = safe(f"{journey.file}: {journey.title} ({journey.id})")
        lines += [style(line, bold=True) for line in hanging("", header, width, 4)]
        lines += [style(line, dim=True) for line in hanging("  ", key_figures(journey_result.metrics), width, 4)]
        fixes = all_fixes.get(journey.id) or []
        if fixes:
            lines += [style(line, fg="green") for line in hanging("  ", safe(top_fixes_line(fixes)), width, 13)]
        for finding in _order(journey_result.findings, gate):
            state = gate.status(finding)  # waived, in the baseline of check --baseline, or open
            severity = {"waived": "waived", "baselined": "baseline"}.get(state, finding.severity)
            colour = "bright_black" if state != "open" else _COLOURS[finding.severity]
            where = f"{finding.line}:{finding.column}"
            message = safe(finding.message + (f" (waived: {finding.waiver_reason})" if finding.waived else ""))
            prefix = f"  {where:>7}  {severity:<7}  {finding.rule:<22} "
            wrapped = hanging(prefix, message, width)
            first = wrapped[0][len(prefix):]
            lines.append(
                f"  {where:>7}  {style(f'{severity:<7}', fg=colour)}  {style(f'{finding.rule:<22}', bold=True)} {first}"
            )
            lines += wrapped[1:]
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
