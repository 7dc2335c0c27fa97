"""GitHub Actions workflow commands: annotations on the pull request's files.

`::error file=F,line=L,col=C,title=T::message` for error findings,
`::warning ...` for warnings. GitHub shows only 10 errors and 10 warnings per
step, so the worst are annotated first (errors, then warnings, by file and
line) and a final `::notice::` line says how many more findings are in the
summary (`--format markdown >> $GITHUB_STEP_SUMMARY`). Waived and baselined
findings and infos are never annotated (the notice counts the waived ones);
with `diff`, only new findings are.
Escaping follows the runner: `%`, CR and LF in messages, plus `:` and `,`
in properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyaudit.common.text import printable
from journeyaudit.reports.formats._common import repo_relative, worst_first

if TYPE_CHECKING:
    from journeyaudit.audit.diff import DiffResult
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "github"
DESCRIPTION = "GitHub Actions annotations (::error / ::warning workflow commands)"

LIMIT_PER_LEVEL = 10
COMMANDS = {"error": "error", "warning": "warning"}


def escape_data(text: str) -> str:
    """The runner's escapes, then other control characters as visible `\\xNN` (an
    ESC in a title would otherwise colour or clear the job log)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding) -> str:
    title = f"journeyaudit {finding.rule}: {finding.journey}" + (f"/{finding.step}" if finding.step else "")
    properties = ",".join(
        [
            f"file={escape_property(repo_relative(finding.file))}",  # GitHub wants repo-relative paths
            f"line={max(finding.line, 1)}",
            f"col={max(finding.column, 1)}",
            f"title={escape_property(title)}",
        ]
    )
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(finding.message)}"


def problem_annotation(problem) -> str:
    """A file that could not be used (the reason of exit 2), on the file itself."""
    properties = ",".join(
        [
            f"file={escape_property(repo_relative(problem.file))}",
            f"line={max(problem.line, 1)}",
            f"col={max(problem.column, 1)}",
            f"title={escape_property(f'journeyaudit: {problem.code}')}",
        ]
    )
    return f"::error {properties}::{escape_data(problem.message)}"


def annotate(findings, what: str = "findings", problems=(), waived: int = 0) -> str:
    candidates = worst_first(findings)
    lines, shown = [], {"error": 0, "warning": 0}
    for problem in list(problems)[:LIMIT_PER_LEVEL]:  # first: they are why the step failed
        shown["error"] += 1
        lines.append(problem_annotation(problem))
    annotated_problems = shown["error"]
    for finding in candidates:
        if finding.severity not in COMMANDS or shown[finding.severity] >= LIMIT_PER_LEVEL:
            continue
        shown[finding.severity] += 1
        lines.append(annotation(finding))
    annotated = sum(shown.values()) - annotated_problems
    more = len(candidates) - annotated
    summary = f"journeyaudit: {len(candidates)} {what}, {annotated} annotated"
    if more:
        summary += f"; {more} more (infos, or beyond GitHub's 10 errors + 10 warnings per step) are in the job summary"
    if waived:
        summary += f"; {waived} waived in the journey files (not annotated, listed as waived in the job summary)"
    lines.append(f"::notice::{escape_data(summary)}")
    return "\n".join(lines) + "\n"


def render(result: AuditResult, options: RenderOptions) -> str:
    gate = options.gate()
    findings = [f for f in result.all_findings() if gate.status(f) == "open"]
    waived = sum(gate.status(f) == "waived" for f in result.all_findings())
    return annotate(findings, problems=result.problems, waived=waived)


def render_diff(diff: DiffResult, options: RenderOptions) -> str:
    findings = [f for journey in diff.journeys for f in journey.new_findings if not f.waived]
    return annotate(findings, "new findings")
