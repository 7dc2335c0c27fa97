"""The columnar engine (--engine duckdb, the default) against the reference reader (--engine expat).

Both run through the real CLI; their outputs must be byte-identical: on every
real log, on Parquet copies of a CSV log, and on random logs full of the
cases the definitions name (missing values, missing timestamps, ties,
whitespace, lifecycle, case attributes, the org:resource fallback).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyaudit.commands.discover import command as discover_command
from journeyaudit.commands.handoffs import command as handoffs_command

LOGS = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "logs"
REAL_LOGS = ["06_bpic2013_closed.xes.gz", "07_bpic2013_incidents.xes.gz", "08_receipt.xes.gz", "bpic2012.xes.gz",
             "helpdesk.xes.gz", "receipt.csv"]


def run(command, *args) -> str:
    result = CliRunner().invoke(command, [str(a) for a in args])
    assert result.exit_code == 0, (result.exit_code, result.output)
    return result.stdout


def real(name: str) -> Path:
    path = LOGS / name
    if not path.is_file():
        pytest.fail(f"the shared real log is missing: {path}")
    return path


@pytest.mark.parametrize("name", REAL_LOGS)
@pytest.mark.parametrize("output_format", ["json", "text", "html"])
def test_handoffs_equal_the_reference_on_real_logs(name, output_format):
    path = real(name)
    columnar = run(handoffs_command, path, "--format", output_format)
    assert columnar == run(handoffs_command, path, "--format", output_format, "--engine", "expat")
    assert '"handoffs": 0' not in columnar  # every real log has hand-offs: the comparison is not of empty reports


@pytest.mark.parametrize("name", REAL_LOGS)
def test_discover_equals_the_reference_on_real_logs(name):
    path = real(name)
    assert run(discover_command, path) == run(discover_command, path, "--engine", "expat")


JOURNEYS = Path(__file__).resolve().parents[2] / "journeys"
CONFORM_CASES = [("permit-receipt", "08_receipt.xes.gz"), ("permit-receipt", "receipt.csv"),
                 ("it-incident", "07_bpic2013_incidents.xes.gz")]


@pytest.mark.parametrize(("journey", "name"), CONFORM_CASES)
@pytest.mark.parametrize("output_format", ["json", "text", "html"])
def test_conform_equals_the_reference_on_real_logs(journey, name, output_format):
    from journeyaudit.commands.conform import command as conform_command

    args = (JOURNEYS / f"{journey}.yaml", real(name), "--map", JOURNEYS / "evidence" / f"{journey}.map.yaml",
            "--format", output_format)
    columnar = run(conform_command, *args)
    assert columnar == run(conform_command, *args, "--engine", "expat")
    if output_format == "json":
        assert '"fitting_cases": 0,' not in columnar and '"cases": 0,' not in columnar


def test_conform_reads_parquet_as_the_csv_it_came_from(tmp_path):
    from journeyaudit.commands.conform import command as conform_command

    parquet = tmp_path / "receipt.parquet"
    connection = duckdb.connect()
    connection.execute(f"COPY (SELECT * FROM read_csv('{real('receipt.csv')}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    connection.close()
    args = ("--map", JOURNEYS / "evidence" / "permit-receipt.map.yaml", "--format", "json")
    import json

    from_csv = json.loads(run(conform_command, JOURNEYS / "permit-receipt.yaml", real("receipt.csv"), *args))
    from_parquet = json.loads(run(conform_command, JOURNEYS / "permit-receipt.yaml", parquet, *args))
    assert from_parquet.pop("log") != from_csv.pop("log")
    assert from_parquet == from_csv and from_csv["cases"] > 1000


def test_case_attribute_department_and_lifecycle_equal_the_reference():
    helpdesk = real("helpdesk.xes.gz")
    args = ("--department-key", "case:workgroup", "--format", "json")
    assert run(handoffs_command, helpdesk, *args) == run(handoffs_command, helpdesk, *args, "--engine", "expat")
    receipt = real("08_receipt.xes.gz")
    assert run(discover_command, receipt, "--lifecycle") == run(discover_command, receipt, "--lifecycle", "--engine", "expat")


@pytest.mark.parametrize(("typed_time", "extra"), [(False, ""), (True, ""), (False, ', 7 AS "File_Row_Number"')],
                         ids=["text-timestamps", "typed-timestamps", "own-file-row-number-column"])
def test_parquet_and_csv_of_the_same_log_agree(tmp_path, typed_time, extra):
    """Parquet numbers its rows itself (file_row_number), unless the log has a column of that name (any case)."""
    csv_path = real("receipt.csv")
    parquet = tmp_path / "receipt.parquet"
    # typed: as a data team exports it, the timestamp a TIMESTAMP WITH TIME ZONE column
    typed = ' REPLACE (CAST("time:timestamp" AS TIMESTAMPTZ) AS "time:timestamp")' if typed_time else ""
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT *{typed}{extra} FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    connection.close()
    import json

    from_csv = json.loads(run(handoffs_command, csv_path, "--format", "json"))
    from_parquet = json.loads(run(handoffs_command, parquet, "--format", "json"))
    assert from_parquet["format"] == "parquet"
    for key in ("log", "format"):
        from_csv.pop(key), from_parquet.pop(key)
    assert from_parquet == from_csv
    assert from_csv["handoffs"] > 1000


def test_the_reference_reader_says_parquet_needs_the_columnar_engine(tmp_path):
    parquet = tmp_path / "log.parquet"
    connection = duckdb.connect()
    connection.execute(f"COPY (SELECT 'c1' AS \"case:concept:name\") TO '{parquet}' (FORMAT parquet)")
    connection.close()
    result = CliRunner().invoke(handoffs_command, [str(parquet), "--engine", "expat"])
    assert result.exit_code == 2
    assert "--engine duckdb" in result.stderr


# --------------------------------------------------------------------------
# random logs

DEPARTMENTS = ["Sales", "Ops", " Ops ", "Légal", "EMPTY", "nan", "", "\u3000", None, "A;B", 'say "hi"']
STAMPS = ["2024-01-01T10:00:00", "2024-01-01T10:00:00", "2024-01-01 09:59:59.5", "2024-01-01T12:00:00+02:00",
          "2024-01-01T10:00:00Z", "2024-01-01", "not a date", "", "2024-02-30T10:00:00", " 2024-01-01T10:00:01 ",
          "20240101T100002", "2024-01-01T10:00:00.1234567"]
event = st.tuples(
    st.sampled_from(["Call", "Check", "Decide", "", "EMPTY"]),
    st.sampled_from(["complete", "start", "", None]),
    st.sampled_from(STAMPS),
    st.sampled_from(DEPARTMENTS),
    st.sampled_from(["r1", "r2", "", None]),
)
random_log = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3", " c4", "", "c\u00e9"]), st.lists(event, max_size=7)),
                      min_size=1, max_size=9)


def csv_text(cases, delimiter: str, with_group: bool) -> str:
    header = ["case:concept:name", "concept:name", "lifecycle:transition", "time:timestamp", "org:resource"]
    if with_group:
        header.append("org:group")

    def quoted(value) -> str:
        value = "" if value is None else value
        if any(c in value for c in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(header)]
    for case_id, events in cases:
        for activity, lifecycle, stamp, department, resource in events:
            row = [case_id, activity, lifecycle, stamp, resource] + ([department] if with_group else [])
            lines.append(delimiter.join(quoted(v) for v in row))
    return "\n".join(lines) + "\n"


def xes_text(cases) -> str:
    from xml.sax.saxutils import quoteattr

    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<log xes.version="1.0">']
    for n, (case_id, events) in enumerate(cases):
        out.append("<trace>")
        if n % 3:
            out.append(f'<string key="concept:name" value={quoteattr(case_id)}/>')  # else: an unnamed trace
        if n % 4 == 1:
            out.append('<string key="channel" value="web"/>')
        for activity, lifecycle, stamp, department, resource in events:
            out.append("<event>")
            for key, value in (("concept:name", activity), ("lifecycle:transition", lifecycle), ("time:timestamp", stamp),
                               ("org:group", department), ("org:resource", resource), ("channel", department)):
                if value is not None:
                    tag = "date" if key == "time:timestamp" else "string"
                    out.append(f"<{tag} key={quoteattr(key)} value={quoteattr(value)}/>")
            out.append("</event>")
        out.append("</trace>")
    out.append("</log>")
    return "\n".join(out) + "\n"


def outcome(command, *args) -> tuple[int, str]:
    result = CliRunner().invoke(command, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def assert_engines_agree(path: Path, *extra) -> None:
    for command, args in ((handoffs_command, ("--format", "json", "--top", "3")), (discover_command, ("--min-share", "0.2"))):
        assert outcome(command, path, *args, *extra) == outcome(command, path, *args, *extra, "--engine", "expat")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=random_log, delimiter=st.sampled_from([",", ";", "\t"]), with_group=st.booleans(), gzipped=st.booleans(),
       department=st.sampled_from([None, "org:resource", "case:org:resource"]))
def test_engines_agree_on_random_csv_logs(tmp_path_factory, cases, delimiter, with_group, gzipped, department):
    text = csv_text(cases, delimiter, with_group).encode()
    path = tmp_path_factory.mktemp("csv") / ("log.csv.gz" if gzipped else "log.csv")
    path.write_bytes(gzip.compress(text) if gzipped else text)
    assert_engines_agree(path, *(["--department-key", department] if department else []))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=random_log, lifecycle=st.booleans(), department=st.sampled_from([None, "channel", "case:channel"]))
def test_engines_agree_on_random_xes_logs(tmp_path_factory, cases, lifecycle, department):
    path = tmp_path_factory.mktemp("xes") / "log.xes"
    path.write_text(xes_text(cases), encoding="utf-8")
    extra = (["--department-key", department] if department else [])
    assert_engines_agree(path, *extra)
    if lifecycle:
        assert outcome(discover_command, path, "--lifecycle", *extra) == outcome(
            discover_command, path, "--lifecycle", *extra, "--engine", "expat"
        )


PLAIN_STAMPS = ["2024-01-01T10:00:00", "2024-01-01T10:00:00", "2024-01-01T09:59:59", "2024-01-02T00:00:00",
                "2023-12-31T23:59:59", "2024-01-01T10:00:00.250000", "2024-01-01T10:00:00+02:00"]
timed_event = st.tuples(st.sampled_from(["Call", "Check"]), st.sampled_from(["complete", None]), st.sampled_from(PLAIN_STAMPS),
                        st.sampled_from(DEPARTMENTS), st.sampled_from(["r1", "r2", "", None]))
timed_log = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3", " c2 ", "", "c\u00e9"]), st.lists(timed_event, max_size=9)),
                     min_size=1, max_size=9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=timed_log, with_group=st.booleans())
def test_the_packed_pass_equals_the_reference(tmp_path_factory, monkeypatch, cases, with_group):
    """Every timestamp readable: the pass packs each event into one integer (handoffs_in_one_pass); same report."""
    from journeyaudit.eventlog import columnar_handoffs

    used = []
    original = columnar_handoffs.department_codes
    monkeypatch.setattr(columnar_handoffs, "department_codes",
                        lambda *args: used.append(original(*args)) or used[-1])
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    path.write_text(csv_text(cases, ",", with_group), encoding="utf-8")
    args = ("--format", "json", "--top", "3")
    assert outcome(handoffs_command, path, *args) == outcome(handoffs_command, path, *args, "--engine", "expat")
    if any(events for _, events in cases):
        assert used and used[-1].names is not None  # the packed pass was the one used


def test_timestamps_beyond_what_packs_take_the_lists_of_names_and_equal_the_reference(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("case:concept:name,concept:name,time:timestamp,org:group\n"
                    "c1,a,1700-01-01T10:00:00,A\nc1,b,2200-01-01T10:00:00,B\nc1,c,1970-01-01T00:00:00,A\n"
                    "c2,a,2024-01-01T10:00:00,B\nc2,b,2024-01-01T10:00:00,A\n", encoding="utf-8")
    report = outcome(handoffs_command, path, "--format", "json")
    assert report == outcome(handoffs_command, path, "--format", "json", "--engine", "expat")
    assert '"handoffs": 2,' in report[1]  # c1: 1700 A, 1970 A, 2200 B; c2: a tie keeps the file's B, A


# --------------------------------------------------------------------------
# limits


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_gzip_bomb_stops_at_the_cap_and_the_cap_can_be_raised(tmp_path, engine):
    rows = b"c1,Call,2024-01-01T10:00:00,Sales\nc1,Check,2024-01-01T11:00:00,Ops\n" * 40_000  # 2.6 MiB
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"case:concept:name,concept:name,time:timestamp,org:group\n" + rows))
    assert os.path.getsize(path) < 100_000
    result = CliRunner().invoke(handoffs_command, [str(path), "--engine", engine, "--max-decompressed-size", "1"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "decompresses to more than 1 MiB" in result.stderr and "--max-decompressed-size" in result.stderr
    assert '"events": 80000' in run(handoffs_command, path, "--engine", engine, "--max-decompressed-size", "3",
                                      "--format", "json")


@pytest.mark.parametrize("engine", ["duckdb", "expat", "etree"])
def test_an_attribute_past_the_value_cap_is_refused(tmp_path, engine):
    path = tmp_path / "long.xes"
    path.write_text('<log><trace><string key="concept:name" value="c"/><event><string key="org:group" value="'
                    + "x" * (3 << 20) + '"/></event></trace></log>')
    result = CliRunner().invoke(handoffs_command, [str(path), "--engine", engine, "--max-value-size", "1"])
    assert result.exit_code == 2
    assert "longer than 1 MiB" in result.stderr and "--max-value-size" in result.stderr
    assert run(handoffs_command, path, "--engine", engine, "--max-value-size", "4").startswith("long.xes: 1 cases, 1 events")


def test_the_temporary_folder_goes_where_asked_and_is_removed(tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    report = run(handoffs_command, real("receipt.csv"), "--temp-dir", spill, "--memory-limit", "64", "--format", "json")
    assert '"cases": 1434' in report
    assert list(spill.iterdir()) == []
    result = CliRunner().invoke(handoffs_command, [str(real("receipt.csv")), "--temp-dir", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such folder" in result.stderr


@pytest.mark.parametrize("name", ["receipt.csv", "08_receipt.xes.gz"])
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_a_damaged_gzip_log_is_one_line_naming_the_damage_in_every_engine(tmp_path, name, damage):
    content = real(name).read_bytes()
    whole = gzip.compress(gzip.decompress(content) if name.endswith(".gz") else content)
    damaged = whole[: len(whole) // 2] if damage == "truncated" else whole[:100] + b"x" * 50 + whole[150:]
    path = tmp_path / (name.removesuffix(".gz") + ".gz")
    path.write_bytes(damaged)
    outcomes = []
    for engine in ("duckdb", "expat"):
        result = CliRunner().invoke(handoffs_command, [str(path), "--engine", engine])
        outcomes.append((result.exit_code, result.output))
    assert outcomes[0] == outcomes[1]
    code, message = outcomes[0]
    word = {"truncated": "truncated gzip data", "corrupt": "corrupt gzip data"}[damage]
    assert code == 2 and f"{path}: {word}" in message and message.count("\n") == 1, message


def test_no_progress_on_a_pipe():
    result = CliRunner().invoke(handoffs_command, [str(real("bpic2012.xes.gz")), "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == ""


def in_sql(macro: str, texts: list[str]) -> list:
    """The session's SQL `macro` applied to each text, in order."""
    from journeyaudit.eventlog.columnar_session import Session

    session = Session()
    try:
        rows = session.execute(f"SELECT {macro}(t) FROM unnest(?::VARCHAR[]) AS u(t)", [texts]).fetchall()
    finally:
        session.close()
    return [value for (value,) in rows]


def test_sql_timestamps_are_the_reference_timestamps_character_by_character():
    """stamp() reads plain timestamps with strptime: every odd character at every position reads as Python reads it."""
    import itertools

    from journeyaudit.eventlog.cases import parse_timestamp
    from journeyaudit.eventlog.columnar_session import PYTHON_WHITESPACE

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == PYTHON_WHITESPACE
    texts = []
    for base in ("2024-01-01T10:00:00", "2024-01-01 10:00:00", "0000-01-01T10:00:00", "2023-02-29T23:59:59",
                 "2024-01-01T24:00:00", "2024-01-01T10:00:60", "2024-01-01T10:00:00.5+02:00", "0001-01-01T00:00:00",
                 "9999-12-31 23:59:59"):
        for position, character in itertools.product(range(19), " +-a\t.,\u0660٣09T:\u3000\n\r\x0b\x0c\uff10"):
            changed = base[:position] + character + base[position + 1:]
            texts += [changed, changed + " ", " " + changed, changed[:-1], changed + "0"]
        for first, second in itertools.combinations(range(19), 2):
            texts.append(base[:first] + " " + base[first + 1:second] + " " + base[second + 1:])
            texts.append(base[:first] + "+" + base[first + 1:second] + "-" + base[second + 1:])
    read = in_sql("stamp", texts)
    assert read == [parse_timestamp(text) for text in texts]
    assert sum(value is not None for value in read) > 100


def test_sql_cleaning_is_the_reference_cleaning_character_by_character():
    """clean() in SQL strips and nulls as cases.clean does: every whitespace and odd character at either end."""
    from journeyaudit.eventlog.cases import clean
    from journeyaudit.eventlog.columnar_session import PYTHON_WHITESPACE

    odd = PYTHON_WHITESPACE + "!~\x00\x7f\x80é\u0301\u200b\ufeffa"
    texts = ["", "EMPTY", "empty", " EMPTY ", "nan", "NaN", "nAN", " nan\t", "n\u0391n", "nana", "NaNa", "na", "x"]
    for character in odd:
        for core in ("Sales", "EMPTY", "nan", "", "a b"):
            texts += [character + core, core + character, character + core + character, character * 2 + core]
    assert in_sql("clean", texts) == [clean(text) for text in texts]


def _stderr_on_a_terminal(*args, ci: bool, after: str = "1") -> str:
    """What the CLI writes to stderr when stderr is a real pseudo-terminal (stdout still a file)."""
    import subprocess
    import sys

    master, slave = os.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    environment["JOURNEYAUDIT_PROGRESS_AFTER"] = after
    if ci:
        environment["CI"] = "true"
    try:
        process = subprocess.Popen([sys.executable, "-m", "journeyaudit.commands.handoffs", *map(str, args)],
                                   stdout=subprocess.DEVNULL, stderr=slave, env=environment)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=300) == 0
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_and_never_in_ci():
    log = real("bpic2012.xes.gz")
    assert _stderr_on_a_terminal(log, "--format", "json", ci=False, after="600") == ""  # a read shorter than the delay
    shown = _stderr_on_a_terminal(log, "--format", "json", ci=False, after="0")
    assert "reading bpic2012.xes.gz: " in shown and " events (" in shown and "/s)" in shown
    assert shown.endswith("\r\x1b[K")  # the line is erased at the end
    assert _stderr_on_a_terminal(log, "--format", "json", ci=True, after="0") == ""


def test_a_statement_bound_before_another_thread_registered_python_timestamps_runs_again():
    """The XES workers meet timestamps only Python reads at once: one registers the function while the other's
    statement, bound before, stops at its own such value; that one must run again, not fail."""
    import threading
    import time

    from journeyaudit.eventlog.columnar_session import Session

    session = Session()
    long_cursor, quick_cursor = session.connection.cursor(), session.connection.cursor()
    rows = 10_000_000
    result: dict = {}

    def long_statement():
        try:
            # the sort runs first (seconds), so its timestamps are read after the other thread registered Python's
            result["long"] = session.execute_on(long_cursor, (
                "SELECT count(stamp(CASE WHEN i % 1000 = 0 THEN '20240101T100000' ELSE '2024-01-01T10:00:00' END)) "
                f"FROM (SELECT i FROM range({rows}) t(i) ORDER BY hash(i))")).fetchall()
        except Exception as error:  # the test reports it
            result["long"] = error

    try:
        worker = threading.Thread(target=long_statement)
        worker.start()
        time.sleep(0.3)  # the long statement is bound and running
        assert session.execute_on(quick_cursor, "SELECT stamp('20240101T100000')").fetchall() == [(1704103200.0,)]
        worker.join()
        assert session.python_stamp and result["long"] == [(rows,)]
    finally:
        long_cursor.close()
        quick_cursor.close()
        session.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=timed_log)
def test_median_gaps_from_counts_of_distinct_values_equal_the_reference(tmp_path_factory, monkeypatch, cases):
    """Past what quantile_disc may hold in memory (10^8 events), each pair's median gap comes from the counts of
    its distinct gaps: the same lower median."""
    from journeyaudit.eventlog import columnar_handoffs

    monkeypatch.setattr(columnar_handoffs, "medians_fit_in_memory", lambda session, values: False)
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    path.write_text(csv_text(cases, ",", True), encoding="utf-8")
    args = ("--format", "json", "--top", "3")
    assert outcome(handoffs_command, path, *args) == outcome(handoffs_command, path, *args, "--engine", "expat")
