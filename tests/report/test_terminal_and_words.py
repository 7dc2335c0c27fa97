"""The terminal output (wrapped to the width with hanging indents, errors first, top fixes),
`--help` with whole summaries, and the words and files of the deliverable."""

from __future__ import annotations

from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.reports import RenderOptions, render

from .helpers import EXAMPLES, audit_texts

WARNINGS_AND_AN_ERROR = """journeyaudit: 1
title: Mixed findings
departments: {a: {title: Desk}}
steps:
  first: {title: Call and hold for a very long time indeed, department: a, channel: phone, wait: 40m, next: stuck}
  stuck: {title: Nobody says what happens next, department: a, channel: phone}
"""


def test_findings_are_wrapped_to_the_width_with_a_hanging_indent(examples_result):
    text = render("text", examples_result, RenderOptions(width=72))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 72
    continuation = [line for line in lines if line.startswith(" " * 43) and line.strip()]
    assert continuation  # long messages go on under themselves, not under the line number
    # every word of every message is there, none cut in the middle
    joined = " ".join(text.split())
    for journey in examples_result.journeys:
        for finding in journey.findings:
            assert " ".join(finding.message.split()) in joined


def test_without_a_width_each_finding_is_one_line(examples_result):
    text = render("text", examples_result, RenderOptions(width=0))
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    for finding in payoff.findings:
        assert any(finding.message in line and finding.rule in line for line in text.splitlines())


def test_errors_come_first():
    result = audit_texts(WARNINGS_AND_AN_ERROR)
    lines = [line for line in render("text", result, RenderOptions(width=0)).splitlines() if line[:9].strip().count(":")]
    severities = [line.split()[1] for line in lines]
    assert "error" in severities and "warning" in severities
    assert severities == sorted(severities, key=lambda s: {"error": 0, "warning": 1, "info": 2}.get(s, 3))


def test_a_journey_with_fixes_gets_its_top_fixes_line(examples_result):
    fixes = {"loan-payoff": [
        {"summary": "Stop asking for Full name at 'loans-desk'", "impact": {"score": 6, "expected_asks": -2.0}},
        {"summary": "Cut the hold at 'call' to 5m", "impact": {"score": 3, "expected_duration_s": -780.0}},
        {"summary": "A third", "impact": {"score": 1}},
        {"summary": "A fourth, not shown", "impact": {"score": 1}},
    ]}
    text = render("text", examples_result, RenderOptions(width=0, extra={"fixes": fixes}))
    (line,) = [line for line in text.splitlines() if "top fixes:" in line]
    assert line.strip() == (
        "top fixes: Stop asking for Full name at 'loans-desk' (score +6, 2 asks fewer); "
        "Cut the hold at 'call' to 5m (score +3, 13m less time); A third (score +1)"
    )
    assert "top fixes" not in render("text", examples_result, RenderOptions(width=0))


def test_audit_wraps_to_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES / "loan-payoff.yaml"), "--no-color"])
    assert max(len(line) for line in result.output.splitlines()) <= 70


def test_help_lists_every_command_with_its_whole_summary(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split("Commands:")[1].split())
    assert "..." not in text.replace("PATH...", "")  # nothing cut short
    assert "Write the findings of PATH... (not waived, any severity) to a baseline file." in text
    assert "Explain a rule in plain words: what it looks for, why it matters, how to fix it" in text


def test_explain_speaks_plainly_and_names_the_article(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    result = CliRunner().invoke(main, ["explain", "handoffs"])
    assert result.exit_code == 0
    head = " ".join(result.output.split("What it looks for")[0].split())
    assert head.startswith("handoffs: The customer is passed from department to department too often Reported as a warning")
    assert "“Don't Lose Your Customers”, from Pivot Point Solutions" in " ".join(result.output.split())
    assert "000_25f2e47d2d27e5e7.txt" not in result.output
    assert max(len(line) for line in result.output.split("A journey it reports")[0].splitlines()) <= 60
