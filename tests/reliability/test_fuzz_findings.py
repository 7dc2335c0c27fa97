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


@pytest.mark.parametrize("engine", ["expat", "etree", "duckdb"])
def test_an_xes_log_declaring_an_encoding_that_does_not_exist_is_one_located_line(tmp_path, engine):
    # "internal error: LookupError: unknown encoding: UTF-6"
    log = tmp_path / "log.xes"
    log.write_text('<?xml version="1.0" encoding="UTF-6"?>\n<log></log>\n')
    result = CliRunner().invoke(main, ["handoffs", str(log), "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr == (
        f"journeyaudit: error: {log}:1: the XML declaration names an encoding that does not exist (UTF-6): save it as UTF-8\n"
    )


def test_a_line_separator_in_a_csv_column_name_stays_on_the_message_line(tmp_path):
    # a U+2028 in the header was printed as is: a line break in editors and CI log viewers
    log = tmp_path / "log.csv"
    log.write_text("c\u2028ase:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n")
    result = CliRunner().invoke(main, ["handoffs", str(log), "--engine", "expat"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "c\\u2028ase:concept:name" in result.stderr


@pytest.mark.parametrize("engine", ["expat", "duckdb"])
def test_a_gzip_log_of_nothing_is_an_empty_file(tmp_path, engine):
    # "internal error: UnsupportedOperation: File or stream is not seekable."
    import gzip

    log = tmp_path / "log.xes.gz"
    log.write_bytes(gzip.compress(b"", mtime=0))
    result = CliRunner().invoke(main, ["handoffs", str(log), "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr == f"journeyaudit: error: {log}: empty file\n"


def test_a_bpmn_model_declaring_an_encoding_that_does_not_exist_is_one_line(tmp_path):
    # "internal error: LookupError: unknown encoding: I-SO-8859-1"
    model = tmp_path / "model.bpmn"
    model.write_text('<?xml version="1.0" encoding="I-SO-8859-1"?>\n<definitions/>\n')
    result = CliRunner().invoke(main, ["import", "bpmn", str(model)])
    assert result.exit_code == 2
    assert result.stderr == f"journeyaudit import: {model}: cannot decode the XML: unknown encoding: I-SO-8859-1\n"


def test_an_endless_bpmn_model_is_read_only_up_to_the_limit():
    result = CliRunner().invoke(main, ["import", "bpmn", "/dev/zero"])
    assert result.exit_code == 2
    assert result.stderr == "journeyaudit import: /dev/zero: larger than 100 MiB: is it really a BPMN model?\n"
