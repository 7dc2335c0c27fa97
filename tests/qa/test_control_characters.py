"""QA: control characters from journey text never reach a CI log, a Markdown summary or the terminal raw.

YAML's double-quoted escapes ("\\e[2J", "\\0", "\\x9b") put terminal control
sequences into titles; every text-like output must show them as visible escapes.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main

JOURNEY = """\
journeyaudit: 1
title: "Cancel \\e[31mred\\x9b2J"
known: [name]
departments:
  a: {title: "Desk\\e[2J"}
  b: {title: "Back\\0office"}
data:
  name: {title: "Na\\ame"}
steps:
  s: {title: "S\\e]0;pwned\\a", department: a, asks: [name], next: t}
  t: {title: T, department: b, next: u}
  u: {title: U, department: a, asks: [name], end: success}
"""

# C0 (but tab, and the newline ending lines), DEL and C1 controls
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def journey(tmp_path):
    path = tmp_path / "ctrl.yaml"
    path.write_text(JOURNEY, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "github", "markdown"])
def test_audit_formats_show_control_characters_as_escapes(journey, fmt):
    result = CliRunner().invoke(main, ["audit", str(journey), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)
    assert "x1b" in result.stdout  # still visible, as an escape


def test_github_annotation_stays_on_one_line_and_escapes_control_characters(journey):
    result = CliRunner().invoke(main, ["audit", str(journey), "--format", "github"])
    ping_pong = [line for line in result.stdout.splitlines() if "ping-pong" in line]
    assert ping_pong and all(line.startswith("::warning ") for line in ping_pong)
    assert "Desk\\x1b[2J" in ping_pong[0]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_diff_shows_control_characters_as_escapes(tmp_path, journey, fmt):
    old = tmp_path / "old"
    old.mkdir()
    (old / "ctrl.yaml").write_text(JOURNEY.replace("Desk\\e[2J", "Desk"), encoding="utf-8")
    new = tmp_path / "new"
    new.mkdir()
    journey.rename(new / "ctrl.yaml")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Desk\\x1b" in result.stdout.replace("\\\\", "\\")  # Markdown doubles the backslash
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)


def test_html_diff_and_report_hold_no_control_characters(tmp_path, journey):
    old = tmp_path / "old"
    old.mkdir()
    (old / "ctrl.yaml").write_text(JOURNEY.replace("Desk\\e[2J", "Desk"), encoding="utf-8")
    new = tmp_path / "new"
    new.mkdir()
    journey.rename(new / "ctrl.yaml")
    diff = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html"])
    assert diff.exit_code == 0, diff.output
    assert "Desk\\x1b[2J" in diff.stdout
    assert not RAW_CONTROL.search(diff.stdout), repr(RAW_CONTROL.findall(diff.stdout))
    report = CliRunner().invoke(main, ["report", str(new), "-o", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output
    for page in (tmp_path / "report").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not RAW_CONTROL.search(text), (page.name, RAW_CONTROL.findall(text))
    assert "red\\x9b2J" in (tmp_path / "report" / "ctrl.html").read_text(encoding="utf-8")  # C1, visible
