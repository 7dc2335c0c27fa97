"""Problems and findings as LSP diagnostics, each underlining what it is about.

A format problem underlines the value or key the loader located it at (the
whole scalar: an unknown `next` target, a misspelt department). A finding
underlines the offending value where there is one (the asked data item of a
`repeated-ask`, the `wait` of a `long-wait`, the `counterpart` of a portfolio
finding, the `promise` a journey breaks), else its step's key, else the
journey's `title` key. Severities map
error/warning/info to Error/Warning/Information; a waived finding is a Hint
that carries its waiver's reason. The rule id is the diagnostic's code, with
a link to its page in docs/rules.md.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from journeyaudit.common.text import display_path, printable
from journeyaudit.lsp.checking import Checked
from journeyaudit.lsp.positions import Positions
from journeyaudit.lsp.symbols import DATA, JOURNEY, FileIndex, Span
from journeyaudit.lsp.text_lines import LineMap
from journeyaudit.model.findings import Finding, Problem

SOURCE = "journeyaudit"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
# The field of the finding's step that holds the offending value, for rules whose
# finding is about one value of the step rather than the step as a whole.
OFFENDING_STEP_FIELD = {"long-wait": "wait", "business-only-step": "value", "channel-switch": "channel"}
# The top-level key a journey-wide finding is about.
OFFENDING_TOP_KEY = {
    "broken-promise": "promise",
    "departments-touched": "departments",
    "exit-without-human": "stage",
    "no-follow-up": "stage",
}
MAX_RELATED = 20  # steps of a long way listed beside a finding


def word_span(lines: list[str], line: int, column: int) -> Span:
    """The run of non-blank characters at a position, or one character: where there is no node."""
    text = lines[line] if 0 <= line < len(lines) else ""
    column = min(max(column, 0), len(text))
    end = column
    while end < len(text) and not text[end].isspace():
        end += 1
    if end == column:
        if column < len(text):
            end = column + 1
        elif column > 0:
            column -= 1
    return Span(line, column, end)


def problem_span(problem: Problem, lines: list[str], index: FileIndex | None, line_map: LineMap) -> Span:
    """Where a problem located by the loader (YAML's line and column) is underlined."""
    line, column = problem.line - 1, problem.column - 1
    if index is not None:
        span = index.spans_at.get((line, column))
        if span is not None:
            return span
    return word_span(lines, *line_map.from_yaml(line, column))


def finding_span(checked: Checked, finding: Finding) -> Span:
    index = checked.index
    if index is not None:
        if finding.step is not None:
            asked = [
                occurrence.span
                for data in finding.data
                for occurrence in index.of(DATA, data)
                if occurrence.role == "asks" and occurrence.step == finding.step
            ]
            if asked:
                return min(asked)  # the first in the file
            step_field = OFFENDING_STEP_FIELD.get(finding.rule)
            if step_field is not None and step_field in index.step_values.get(finding.step, {}):
                return index.step_values[finding.step][step_field]
            step_key = index.definition("step", finding.step)
            if step_key is not None:
                return step_key.span
        else:
            for journey in finding.related_journeys:
                for occurrence in index.of(JOURNEY, journey):
                    if not occurrence.definition:
                        return occurrence.span
            for top_key in (OFFENDING_TOP_KEY.get(finding.rule), "title"):  # else the journey's title
                if top_key in index.top_keys:
                    return index.top_keys[top_key]
    return problem_span(Problem(finding.file, finding.line, finding.column, ""), checked.lines, index, checked.line_map)


def problem_diagnostic(
    problem: Problem, positions: Positions, index: FileIndex | None = None, line_map: LineMap | None = None
) -> dict:
    span = problem_span(problem, positions.lines, index, line_map or LineMap(""))
    return {
        "range": positions.range_json(span),
        "severity": int(types.DiagnosticSeverity.Error),
        "code": problem.code,
        "source": SOURCE,
        "message": printable(problem.message),
    }


def finding_diagnostic(checked: Checked, finding: Finding, positions: Positions, uri: str, docs_base: str | None) -> dict:
    message = printable(finding.message)
    if finding.waived:
        message += f"\nWaived: {printable(finding.waiver_reason or '')}"
    elif finding.fix:
        message += f"\nFix: {finding.fix}"
    span = finding_span(checked, finding)
    severity = types.DiagnosticSeverity.Hint if finding.waived else SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning)
    diagnostic: dict = {
        "range": positions.range_json(span),
        "severity": int(severity),
        "code": finding.rule,
        "source": SOURCE,
        "message": message,
        "data": {"fingerprint": finding.fingerprint, "rule": finding.rule},
    }
    if docs_base:
        diagnostic["codeDescription"] = {"href": f"{docs_base}#{finding.rule}"}
    related = []
    if checked.index is not None:
        for step in finding.steps[:MAX_RELATED]:
            definition = checked.index.definition("step", step)
            if definition is not None and definition.span != span:
                title = checked.journey.steps[step].title if checked.journey and step in checked.journey.steps else step
                related.append(
                    {
                        "location": {"uri": uri, "range": positions.range_json(definition.span)},
                        "message": printable(f"step '{step}': {title}"),
                    }
                )
    if related:
        diagnostic["relatedInformation"] = related
    return diagnostic


def config_diagnostic(file: Path, first: Problem) -> dict:
    """On the journey: its configuration cannot be used (its problems are shown in it)."""
    return {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "severity": int(types.DiagnosticSeverity.Warning),
        "code": "config",
        "source": SOURCE,
        "message": printable(
            f"the configuration {display_path(file)} cannot be used ({first.message}); the rules run with their defaults"
        ),
    }


def diagnostics_of(checked: Checked, positions: Positions, uri: str, docs_base: str | None) -> list[dict]:
    """Every diagnostic of a checked document, problems first, then findings in file order,
    as the JSON of LSP's `Diagnostic`: a file has hundreds, and lsprotocol's classes and
    their conversion to JSON cost more than the check itself."""
    if not checked.is_journey:
        return []
    result = [problem_diagnostic(problem, positions, checked.index, checked.line_map) for problem in checked.problems]
    result += [finding_diagnostic(checked, finding, positions, uri, docs_base) for finding in checked.findings]
    return result
