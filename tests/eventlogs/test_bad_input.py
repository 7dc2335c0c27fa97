"""Bad input: one line naming the file (and line/column when known), exit 2, no traceback."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner

from journeyaudit.commands.discover import command as discover_command
from journeyaudit.commands.handoffs import command as handoffs_command

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE log [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<log><trace><string key="concept:name" value="&lol3;"/></trace></log>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<log><trace><string key="concept:name" value="&secret;"/></trace></log>
"""

BROKEN = """<?xml version="1.0"?>
<log>
  <trace>
    <event><string key="concept:name" value="a"></event>
  </trace>
</log>
"""


def invoke(command, *args):
    return CliRunner().invoke(command, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture(params=[handoffs_command, discover_command], ids=["handoffs", "discover"])
def command(request):
    return request.param


def test_missing_file(command, tmp_path):
    path = tmp_path / "nope.xes.gz"
    assert_one_line_error(invoke(command, path), str(path), "no such file")


def test_not_gzip(command, tmp_path):
    path = tmp_path / "plain.xes.gz"
    path.write_text("<log/>")
    assert_one_line_error(invoke(command, path), str(path), "not a gzip file")


def test_truncated_gzip(command, tmp_path):
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(gzip.compress(BROKEN.encode() * 50)[:60])
    assert_one_line_error(invoke(command, path), str(path), "gzip")


def test_not_xml(command, tmp_path):
    path = tmp_path / "words.xes"
    path.write_text("this is not a log\n")
    assert_one_line_error(invoke(command, path), f"{path}:1:1", "not XML")


@pytest.mark.parametrize("engine", ["expat", "etree"])
def test_malformed_xml_names_line_and_column(command, tmp_path, engine):
    path = tmp_path / "broken.xes"
    path.write_text(BROKEN)
    # the <string> on line 4 is never closed: </event> at column 55 mismatches
    assert_one_line_error(invoke(command, path, "--engine", engine), f"{path}:4:", "not well-formed")


@pytest.mark.parametrize("engine", ["expat", "etree"])
@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_attacks_are_refused(command, tmp_path, engine, document):
    path = tmp_path / "attack.xes"
    path.write_text(document)
    # located where the declaration is (line 3, or line 2 for the one-line DOCTYPE), whichever XML parser
    location = f"{path}:3:" if document is BILLION_LAUGHS else f"{path}:2:"
    assert_one_line_error(invoke(command, path, "--engine", engine), location, "entity")


def test_xml_that_is_not_xes(command, tmp_path):
    path = tmp_path / "model.xml"
    path.write_text('<?xml version="1.0"?><definitions/>')
    assert_one_line_error(invoke(command, path), str(path), "not an XES log", "<definitions>")


def test_csv_without_the_named_columns_lists_them_and_suggests(command, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("case_id,concept:name,time:timestamp,org:group\n1,a,2024-01-01T09:00:00,X\n")
    line = assert_one_line_error(invoke(command, path), str(path), "'case:concept:name'", "case_id")
    assert "did you mean 'case_id'" in line
    result = invoke(command, path, "--case-key", "case_id")
    assert result.exit_code == 0, result.output


def test_unknown_department_key_suggests(command, tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(
        '<log><trace><string key="concept:name" value="1"/><event><string key="concept:name" value="a"/>'
        '<date key="time:timestamp" value="2024-01-01T09:00:00"/><string key="org:group" value="X"/></event></trace></log>'
    )
    assert_one_line_error(invoke(command, path, "--department-key", "org:grop"), str(path), "did you mean 'org:group'")


def test_csv_that_is_binary(command, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage\x80\x81\n")
    assert_one_line_error(invoke(command, path), str(path))


def test_empty_file(command, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert_one_line_error(invoke(command, path), str(path), "empty")


@pytest.mark.parametrize("failure", ["out of memory", "other"])
def test_a_columnar_engine_failure_after_the_read_is_one_line(tmp_path, monkeypatch, failure):
    """DuckDB can refuse a statement of the report itself (at 10^8 events a median ran out of memory): the
    command still ends with one line and exit 2, never a traceback."""
    import duckdb

    from journeyaudit.eventlog import columnar_handoffs

    def refuse(*args, **kwargs):
        if failure == "out of memory":
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB\n\nmore")
        raise duckdb.InvalidInputException("Invalid Input Error: something\nmore lines")

    monkeypatch.setattr(columnar_handoffs, "report_from_case_paths", refuse)
    path = tmp_path / "log.csv"
    path.write_text("case:concept:name,concept:name,time:timestamp,org:group\nc1,a,2024-01-01T10:00:00,A\n",
                    encoding="utf-8")
    result = CliRunner().invoke(handoffs_command, [str(path), "--memory-limit", "120"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and str(path) in result.stderr
    expected = "out of memory within --memory-limit 120 MiB: raise it" if failure == "out of memory" else "something"
    assert expected in result.stderr


def test_out_of_memory_names_the_option_only_where_the_command_has_it():
    import duckdb

    from journeyaudit.commands._eventlog_options import engine_failure

    error = duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
    assert engine_failure("log.csv", error, 400).startswith("log.csv: out of memory within --memory-limit 400 MiB")
    assert "--memory-limit" not in engine_failure("log.csv", error, None)  # conform has no --memory-limit


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_device_is_refused_not_read_forever(command, engine):
    assert_one_line_error(invoke(command, "/dev/zero", "--engine", engine), "/dev/zero: not a regular file (a device)")


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_header_line_longer_than_the_value_cap_is_refused_before_it_is_read_whole(command, tmp_path, engine):
    # a gzip of one endless line (here 3 MiB of one character) is refused at --max-value-size, not held in memory
    path = tmp_path / "one-line.csv.gz"
    path.write_bytes(gzip.compress(b"a" * (3 << 20)))
    assert_one_line_error(invoke(command, path, "--engine", engine, "--max-value-size", "1"),
                          f"{path}:1: the header line is longer than --max-value-size (1 MiB)")


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_header_field_over_the_csv_module_default_limit_is_read_by_both_engines(tmp_path, engine):
    # Python's csv module refuses fields over 128 KiB unless told: the columnar engine reads the header with it too
    path = tmp_path / "long-header.csv"
    path.write_text(f"case:concept:name,concept:name,time:timestamp,org:group,{'x' * 200_000}\n"
                    "c1,a,2024-01-01T00:00:00,A,1\nc1,b,2024-01-01T01:00:00,B,2\n")
    result = invoke(handoffs_command, path, "--engine", engine)
    assert result.exit_code == 0, result.output
    assert "hand-offs: 1" in result.output


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_used_column_named_twice_is_refused_not_guessed(command, tmp_path, engine):
    path = tmp_path / "twice.csv"
    path.write_text("case:concept:name,concept:name,time:timestamp,org:group,org:group\n"
                    "c1,a,2024-01-01T00:00:00,A,B\nc1,b,2024-01-01T01:00:00,B,B\n")
    assert_one_line_error(invoke(command, path, "--engine", engine),
                          f"{path}:1: the column 'org:group' appears 2 times (columns 4, 5): rename all but one")
    # a repeated column the reader does not use is no problem
    path.write_text("case:concept:name,concept:name,time:timestamp,org:group,note,note\n"
                    "c1,a,2024-01-01T00:00:00,A,x,y\nc1,b,2024-01-01T01:00:00,B,x,y\n")
    assert invoke(command, path, "--engine", engine).exit_code == 0
