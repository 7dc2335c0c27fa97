"""QA: a log without events: handoffs said "0 cases" (exit 0) for a CSV and blamed a missing
org:group for an XES; discover blamed the activity column. One message, exit 2, for both."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main

LOGS = {
    "header.csv": "case:concept:name,concept:name,time:timestamp,org:group\n",
    "empty.xes": '<?xml version="1.0"?>\n<log xes.version="1.0"></log>\n',
    "traces.xes": '<log><trace><string key="concept:name" value="c1"/></trace></log>\n',
}


@pytest.mark.parametrize("name", sorted(LOGS))
@pytest.mark.parametrize("command", ["handoffs", "discover"])
def test_a_log_without_events_says_so(tmp_path, name, command):
    log = tmp_path / name
    log.write_text(LOGS[name])
    result = CliRunner().invoke(main, [command, str(log)])
    assert result.exit_code == 2, result.output
    assert f"{name}: the log has no events" in result.output
    assert "org:group" not in result.output


XES_UTF8 = (
    '<?xml version="1.0" encoding="UTF-16"?><log><trace><string key="concept:name" value="c1"/>'
    '<event><string key="concept:name" value="A"/><string key="org:group" value="Desk"/>'
    '<date key="time:timestamp" value="2020-01-01T00:00:00"/></event>'
    '<event><string key="concept:name" value="B"/><string key="org:group" value="Office"/>'
    '<date key="time:timestamp" value="2020-01-01T01:00:00"/></event></trace></log>'
)


@pytest.mark.parametrize("engine", ["expat", "etree"])
def test_a_utf16_xes_log_is_read(tmp_path, engine):
    # Windows tools export UTF-16 with a byte-order mark: it is XML, not "not XML"
    log = tmp_path / "export.xes"
    log.write_bytes(XES_UTF8.encode("utf-16"))
    result = CliRunner().invoke(main, ["handoffs", str(log), "--engine", engine, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"handoffs": 1' in result.stdout


def test_a_utf16_csv_log_says_to_save_it_as_utf8(tmp_path):
    log = tmp_path / "export.csv"
    log.write_bytes("case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01,X\n".encode("utf-16"))
    result = CliRunner().invoke(main, ["handoffs", str(log)])
    assert result.exit_code == 2
    assert "export.csv:1:1: the file is UTF-16 text: save it as UTF-8" in result.output
