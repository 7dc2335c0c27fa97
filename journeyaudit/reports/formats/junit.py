"""JUnit XML for GitLab's unit test reports, Jenkins, Azure DevOps and friends.

One `testcase` per journey (classname `journeyaudit.<file>`, name the journey
id: unique, since a journey id is used by one file only). A journey fails
when it has findings that would fail `check` (open, at or above fail-on, or a
broken budget): one `failure` element per such finding (Jenkins' and GitLab's
JUnit schemas allow several), `message` = `rule: message`, `type` = the rule
id, text = `file:line:column: severity rule at 'step': message`. Waived and baselined findings, and those below fail-on, do not
make the case `skipped` (the journey was audited, and it passed): they are
listed in `system-out`. A file that could not be used is a testcase with an
`error`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from journeyaudit.reports.formats._common import TOOL_NAME, repo_relative

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "junit"
DESCRIPTION = "JUnit XML: one test case per journey, for GitLab/Jenkins test reports"


def _line(finding) -> str:
    where = f" at '{finding.step}'" if finding.step else ""
    return f"{finding.file}:{finding.line}:{finding.column}: {finding.severity} {finding.rule}{where}: {finding.message}"


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped: replace them."""
    return "".join(ch if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff") else "\ufffd" for ch in text)


def build(result, options) -> ET.Element:
    suites = ET.Element("testsuites", name=TOOL_NAME)
    suite = ET.SubElement(suites, "testsuite", name=TOOL_NAME)
    tests = failures = errors = 0
    gate = options.gate()
    for journey_result in result.journeys:
        journey = journey_result.journey
        tests += 1
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_clean(f"{TOOL_NAME}.{journey.file}"),
            name=_clean(journey.id),
            file=_clean(repo_relative(journey.file)),  # GitLab links it within the repository
            time="0",
        )
        failing = [f for f in journey_result.findings if gate.fails(f)]
        others = [f for f in journey_result.findings if not gate.fails(f)]
        if failing:
            failures += 1  # the testsuite counts failed test cases, i.e. journeys
        for finding in failing:
            failure = ET.SubElement(
                case, "failure", message=_clean(f"{finding.rule}: {finding.message}"), type=_clean(finding.rule)
            )
            failure.text = _clean(_line(finding))
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = _clean(
                "\n".join(
                    _line(f) + {"waived": f" (waived: {f.waiver_reason})", "baselined": " (in the baseline)", "open": ""}[gate.status(f)]
                    for f in others
                )
            )
    names: set[str] = set()
    for problem in result.problems:
        tests += 1
        errors += 1
        name = f"{problem.file}:{problem.line}:{problem.column} [{problem.code}]"
        ordinal = 1
        while name in names:  # name + classname must stay unique
            ordinal += 1
            name = f"{problem.file}:{problem.line}:{problem.column} [{problem.code}] #{ordinal}"
        names.add(name)
        case = ET.SubElement(suite, "testcase", classname=_clean(f"{TOOL_NAME}.{problem.file}"),
                             name=_clean(name),
                             file=_clean(problem.file), time="0")
        error = ET.SubElement(case, "error", message=_clean(problem.message), type=problem.code)
        error.text = _clean(problem.format())
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
        element.set("skipped", "0")
        element.set("time", "0")
    return suites


def render(result: AuditResult, options: RenderOptions) -> str:
    root = build(result, options)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
