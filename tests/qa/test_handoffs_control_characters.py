"""QA: case ids and departments from an event log reached the terminal raw (ESC, BEL)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.commands._eventlog_options import read_options
from journeyaudit.eventlog.handoffs import handoffs_from_file
from journeyaudit.reports.handoffs import print_rich

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CSV = (
    "case:concept:name,concept:name,time:timestamp,org:group\n"
    "\x1b[2J,A,2020-01-01T00:00:00,Desk\x07\n"
    "\x1b[2J,B,2020-01-01T01:00:00,Back\x1b[31m\n"
)


def test_plain_text_report_escapes_control_characters(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(CSV)
    result = CliRunner().invoke(main, ["handoffs", str(log)])
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)
    assert "\\x1b[2J: 1 hand-offs" in result.stdout and "Desk\\x07" in result.stdout


def test_terminal_tables_escape_control_characters(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(CSV)
    options = read_options("case:concept:name", "concept:name", "time:timestamp", None, "expat")
    options.require_activity = False
    print_rich(handoffs_from_file(str(log), options, worst=5), 5)
    shown = capsys.readouterr().out
    assert "Desk\\x07" in shown
    assert "\x07" not in shown and "\x1b[2J" not in shown and "\x1b[31m" not in shown


def test_one_line_errors_escape_control_characters_from_the_log(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("a\x1b[2J,b\n1,2\n")
    for command in ("handoffs", "discover"):
        result = CliRunner().invoke(main, [command, str(log)])
        assert result.exit_code == 2
        assert "columns: a\\x1b[2J, b" in result.output
        assert "\x1b" not in result.output


def test_diff_escapes_control_characters_in_problems_of_the_old_version(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "bin\x1b[2J.yaml").write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert "bin\\x1b[2J.yaml:1:1: this is a binary file" in result.output
    assert "\x1b" not in result.output


def test_html_report_escapes_control_characters(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(CSV)
    result = CliRunner().invoke(main, ["handoffs", str(log), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), RAW_CONTROL.findall(result.stdout)
    assert "Desk\\x07" in result.stdout
