"""GitHub-flavoured Markdown: a pull-request comment or `$GITHUB_STEP_SUMMARY`.

Compact: a summary table (one row per journey), then the findings grouped
per journey in collapsed `<details>` blocks, budgets and baseline state when
`check` gives them. For `diff`: what changed per journey, figure deltas with
their direction, new and fixed findings, and a Mermaid flowchart of each
changed journey (GitHub renders Mermaid). Text from journey files is
escaped: Markdown and HTML characters, `@mentions`, and Mermaid labels.
Output stays well under the 1 MiB step-summary limit (long lists are cut).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from journeyaudit.common.durations import (
    format_duration,
    format_duration_exact,
    format_figure,
    format_shares,
)
from journeyaudit.common.text import printable

if TYPE_CHECKING:
    from journeyaudit.audit.diff import DiffResult
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "markdown"
DESCRIPTION = "GitHub-flavoured Markdown for pull-request comments and $GITHUB_STEP_SUMMARY"

MAX_ROWS = 200  # findings listed per journey before "... and N more"
MAX_BYTES = 900_000  # below GitHub's 1 MiB step-summary limit
ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵", "waived": "⚪", "baselined": "⚪"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # what formats inline text; line starts never hold user text


def md(text) -> str:
    """Escape text for a Markdown table cell or paragraph: no formatting, no HTML, no mentions."""
    text = printable(str(text).replace("\r", " ").replace("\n", " "))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "&#64;")


def html_text(text) -> str:
    """Escape text for HTML lines (`<summary>`), where Markdown escapes would show."""
    import html

    return html.escape(printable(str(text).replace("\r", " ").replace("\n", " ")), quote=True).replace("@", "&#64;")


def code(text) -> str:
    """Inline code that survives backticks and pipes in the text."""
    text = printable(str(text).replace("\r", " ").replace("\n", " ")).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def mermaid_label(text) -> str:
    """A Mermaid label inside "...": entity codes for what would end or break it."""
    text = printable(str(text).replace("\r", " ").replace("\n", " "))
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
                    "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;", "|": "#124;"}
    return "".join(replacements.get(ch, ch) for ch in text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _figures(metrics: dict) -> list[str]:
    return [
        str(metrics.get("score", "–")),
        format_duration(metrics.get("expected_duration_s", 0.0)),
        f"{format_figure(metrics.get('expected_handoffs', 0))} ({'at most ' if metrics.get('approximate') else ''}{metrics.get('max_handoffs', 0)} worst)",
        f"{format_figure(metrics.get('expected_asks', 0))} ({metrics.get('repeated_asks', 0)} repeated)",
    ]


def _finding_rows(findings, gate) -> list[str]:
    rows = ["| | Rule | Where | Message |", "|---|---|---|---|"]
    for finding in findings[:MAX_ROWS]:
        state = gate.status(finding)
        icon = ICONS[state] if state != "open" else ICONS[finding.severity]
        where = f"{finding.file}:{finding.line}" + (f" ({finding.step})" if finding.step else "")
        message = md(finding.message)
        if state == "waived":
            message = f"~~{message}~~ waived: {md(finding.waiver_reason or '')}"
        elif state == "baselined":
            message += " *(in the baseline)*"
        rows.append(f"| {icon} | {code(finding.rule)} | {md(where)} | {message} |")
    if len(findings) > MAX_ROWS:
        rows.append(f"| | | | … and {len(findings) - MAX_ROWS} more (see the JSON or SARIF output) |")
    return rows


def render(result: AuditResult, options: RenderOptions) -> str:
    summary = result.summary()
    gate = options.gate()
    failing = gate.failing(result.all_findings())
    verdict = "❌ failing" if failing or result.problems else "✅ passing"
    lines = [
        f"### journeyaudit: {verdict}",
        "",
        f"{_plural(summary.journeys, 'journey')} · {_plural(summary.errors, 'error')} · "
        f"{_plural(summary.warnings, 'warning')} · {summary.infos} info · {summary.waived} waived · "
        f"fail-on: {gate.fail_on}",
        "",
        "| Journey | Score | Expected time | Hand-offs | Asks | Errors | Warnings |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for journey_result in result.journeys:
        journey = journey_result.journey
        open_findings = [f for f in journey_result.findings if gate.status(f) == "open"]
        errors = sum(f.severity == "error" for f in open_findings)
        warnings = sum(f.severity == "warning" for f in open_findings)
        lines.append(
            f"| {md(journey.title)} ({code(journey.id)}) | " + " | ".join(md(x) for x in _figures(journey_result.metrics))
            + f" | {errors} | {warnings} |"
        )
    lines.append("")
    for problem in result.problems:
        lines.append(f"- ⛔ {md(problem.format())}")
    if result.problems:
        lines.append("")
    budgets = options.budgets
    broken = [check for check in budgets if not check.passed]
    if budgets:
        lines.append(f"**Budgets:** {len(budgets) - len(broken)} of {len(budgets)} met" + (":" if broken else "."))
        for check in broken:
            lines.append(f"- 🔴 {code(check.journey)}: {md(check.message())}")
        lines.append("")
    match = options.baseline
    if match is not None:
        lines.append(
            f"**Baseline** {code(match.file)}: {len(match.baselined)} findings accepted, {len(match.stale)} stale entries"
            + (" (fixed: remove them by regenerating the baseline with `journeyaudit baseline`)." if match.stale else ".")
        )
        lines.append("")
    for journey_result in result.journeys:
        if not journey_result.findings:
            continue
        journey = journey_result.journey
        open_count = sum(gate.status(f) == "open" for f in journey_result.findings)
        lines.append(
            f"<details><summary>{html_text(journey.title)} ({html_text(journey.id)}): {open_count} findings</summary>"
        )
        lines.append("")
        lines.extend(_finding_rows(journey_result.findings, gate))
        lines.append("")
        lines.append("</details>")
        lines.append("")
    return _cap("\n".join(lines) + "\n")


def _cap(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_BYTES:
        return text
    cut = data[:MAX_BYTES].decode("utf-8", "ignore")
    cut = cut[: cut.rfind("\n") + 1]
    if cut.count("<details>") > cut.count("</details>"):  # close the block cut in half, or the note hides in it
        cut += "\n</details>\n"
    return cut + "\n\n… (cut to stay under GitHub's 1 MiB step-summary limit; see the JSON output)\n"


def mermaid(journey, highlights: dict[str, str] | None = None) -> list[str]:
    """A Mermaid flowchart of a journey: one node per step, edges with their chance."""
    highlights = highlights or {}
    ids = {step_id: f"s{index}" for index, step_id in enumerate(journey.steps)}
    lines = ["```mermaid", "flowchart TD"]
    for step_id, step in journey.steps.items():
        department = journey.department_title(step.department)
        label = mermaid_label(step.title) + "<br/>" + mermaid_label(f"{department} · {step.channel}")
        shape = ('(["', '"])') if step.end else ('["', '"]')
        lines.append(f"    {ids[step_id]}{shape[0]}{label}{shape[1]}")
    for step in journey.steps.values():
        shares = format_shares([edge.probability for edge in step.next])  # they add up to 100 %
        for edge, share in zip(step.next, shares):
            if edge.target not in ids:
                continue
            arrow = "-->" if step.department == journey.steps[edge.target].department else "==>"
            chance = "" if abs(edge.probability - 1) < 1e-9 else f'|"{share}"|'
            lines.append(f"    {ids[step.id]} {arrow}{chance} {ids[edge.target]}")
    lines.append("    classDef added fill:#dafbe1,stroke:#1a7f37")
    lines.append("    classDef changed fill:#fff8c5,stroke:#9a6700")
    lines.append("    classDef finding stroke:#cf222e,stroke-width:2px")
    for step_id, css in highlights.items():
        if step_id in ids:
            lines.append(f"    class {ids[step_id]} {css}")
    lines.append("```")
    return lines


def render_diff(diff: DiffResult, options: RenderOptions) -> str:
    counts = diff.counts()
    regressions = diff.regressions()
    verdict = "❌ worse for customers" if regressions else "✅ no regression"
    lines = [
        f"### journeyaudit diff: {verdict}",
        "",
        f"{code(diff.old_label)} → {code(diff.new_label)} · {_plural(counts['journeys'], 'journey')} · {counts['added']} added · "
        f"{counts['removed']} removed · {counts['changed']} changed · {counts['new_findings']} new findings · "
        f"{counts['fixed_findings']} fixed",
        "",
    ]
    changed = [j for j in diff.journeys if j.status != "unchanged"]
    if not changed:
        lines.append("No journey changed.")
        return "\n".join(lines) + "\n"
    lines += ["| Journey | Change | Verdict | Score | Hand-offs (worst way) | Expected time |", "|---|---|---|---:|---:|---:|"]
    icons = {"worse": "🔴 worse", "better": "🟢 better", "mixed": "🟠 mixed", "changed": "⚪ changed", "unchanged": "unchanged",
             "new": "🆕 new", "gone": "➖ gone"}
    for journey in changed:
        def figure(metric, formatter=str, journey=journey):
            old = journey.old.metrics.get(metric) if journey.old else None
            new = journey.new.metrics.get(metric) if journey.new else None
            show = lambda v: "–" if v is None else formatter(v)  # noqa: E731
            if old == new:
                return show(new)
            if old is not None and new is not None and show(old) == show(new) and formatter is format_duration:
                # a change below the short form
                return f"{format_duration_exact(old)} → {format_duration_exact(new)}"
            return f"{show(old)} → {show(new)}"

        lines.append(
            f"| {md(journey.title)} ({code(journey.id)}) | {journey.status} | {icons[journey.verdict]} | "
            f"{md(figure('score'))} | {md(figure('max_handoffs'))} | {md(figure('expected_duration_s', format_duration))} |"
        )
    lines.append("")
    for journey in changed:
        lines.append(f"#### {md(journey.title)} ({code(journey.id)}): {journey.status}, {journey.verdict}")
        lines.append("")
        if journey.renamed_from:
            lines.append(f"- id changed: {code(journey.renamed_from)} → {code(journey.id)}")
        for reason in journey.regressions:
            lines.append(f"- 🔴 **regression:** {md(reason)}")
        if journey.metrics:
            lines += ["", "| Figure | Before | After | Change | |", "|---|---:|---:|---:|---|"]
            for delta in journey.metrics:
                old, new = delta.text().split(" → ")
                mark = {"better": "🟢 better", "worse": "🔴 worse", "changed": "changed"}[delta.direction]
                if delta.regression:
                    mark += " (beyond tolerance)"
                lines.append(f"| {code(delta.metric)} | {md(old)} | {md(new)} | {md(delta.change_text())} | {mark} |")
            lines.append("")
        for change in journey.steps:
            sign = {"added": "➕", "removed": "➖", "changed": "✏️"}[change.change]
            detail = "; ".join(f"{name}: {md(old)} → {md(new)}" for name, (old, new) in change.fields.items())
            lines.append(f"- {sign} step {code(change.step)} {change.change}: {md(change.title)}" + (f" — {detail}" if detail else ""))
        for finding in journey.new_findings[:MAX_ROWS]:
            waived = " (waived)" if finding.waived else ""
            lines.append(f"- {ICONS[finding.severity]} new {code(finding.rule)}{waived}: {md(finding.message)}")
        for finding in journey.fixed_findings[:MAX_ROWS]:
            lines.append(f"- ✅ fixed {code(finding.rule)}: {md(finding.message)}")
        if journey.new is not None and (journey.steps or journey.status == "added"):
            highlights = {c.step: ("added" if c.change == "added" else "changed") for c in journey.steps if c.change != "removed"}
            for finding in journey.new_findings:
                for step_id in finding.steps or ((finding.step,) if finding.step else ()):
                    highlights.setdefault(step_id, "finding")
            lines.append("")
            lines.append("<details><summary>Flowchart (new version)</summary>")
            lines.append("")
            lines += mermaid(journey.new.journey, highlights)
            lines.append("")
            lines.append("</details>")
        lines.append("")
    return _cap("\n".join(lines) + "\n")
