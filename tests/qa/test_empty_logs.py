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
