"""What fuzzing found, each kept as a test of its own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.loading import load_text

XES_ATTRIBUTE_WITHOUT_KEY = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string value="case-2"/>
    <event><string key="concept:name" value="Register"/><string key="org:resource" value="ann"/>
      <string value="no key"/><date key="time:timestamp" value="2020-01-02T09:00:00"/></event>
  </trace>
</log>
"""


@pytest.mark.parametrize("engine", ["expat", "etree"])
def test_an_xes_attribute_without_a_key_is_ignored_not_an_internal_error(tmp_path, engine):
    # "internal error: TypeError: can only concatenate str (not "NoneType") to str"
    log = tmp_path / "log.xes"
    log.write_text(XES_ATTRIBUTE_WITHOUT_KEY)
    result = CliRunner().invoke(main, ["handoffs", str(log), "--engine", engine])
    assert result.exit_code == 0, result.output
    assert "log.xes: 1 cases, 1 events" in result.output


def test_a_syntax_error_at_the_end_of_a_file_without_a_final_line_break_is_on_its_last_line():
    # libyaml puts the end of the stream on the line after the last one: line 4 of a 3-line file
    problems = load_text("# a comment\njourneyaudit: 1\nt", "cut.yaml").problems
    assert [(p.line, p.column, p.code) for p in problems] == [(3, 2, "yaml-syntax")]
