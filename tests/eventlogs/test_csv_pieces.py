"""A CSV read as pieces side by side (csv_pieces.py) gives the reference's report, byte for byte."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyaudit.commands.handoffs import command as handoffs_command
from journeyaudit.eventlog import columnar_handoffs, csv_pieces
from tests.eventlogs.test_columnar import outcome

HEADER = "case:concept:name,concept:name,time:timestamp,org:group,org:resource"


@pytest.fixture
def pieces(monkeypatch):
    """Every CSV is cut (no minimum size) into `count` pieces; returns the cuts each pass was given."""
    monkeypatch.setattr(csv_pieces, "MIN_PIECE_BYTES", 1)
    seen: list[list[int] | None] = []
    original_read = csv_pieces.pieces_read

    def recorded(path, starts, folder, one_piece):
        seen.append(starts)
        return original_read(path, starts, folder, one_piece)

    monkeypatch.setattr(columnar_handoffs, "pieces_read", recorded)
    monkeypatch.setattr(columnar_handoffs, "cut_points",
                        lambda path, threads, quoted: csv_pieces.cut_points(path, 3, quoted))
    return seen


def engines(path) -> tuple[tuple[int, str], tuple[int, str]]:
    args = ("--format", "json", "--top", "4")
    return outcome(handoffs_command, path, *args), outcome(handoffs_command, path, *args, "--engine", "expat")


def test_cuts_fall_at_line_starts_after_the_header(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_pieces, "MIN_PIECE_BYTES", 1)
    path = tmp_path / "log.csv"
    path.write_bytes((HEADER + "\n" + "".join(f"c{n % 7},a,2024-01-01T10:00:{n % 60:02d},D{n % 3},r\n" for n in range(200))).encode())
    starts = csv_pieces.cut_points(str(path), 4)
    data = path.read_bytes()
    assert starts is not None and len(starts) == 4 and starts[0] == 0
    assert all(data[start - 1:start] == b"\n" and start > len(HEADER) for start in starts[1:])


@pytest.mark.parametrize("text", [
    HEADER + '\nc1,"a, b",2024-01-01T10:00:00,D,r\n' * 40,  # a quoted field may hold a line break: never cut
    HEADER,  # no line end
    HEADER + "\n",  # nothing after the header
])
def test_no_cut_where_one_could_change_the_reading(tmp_path, monkeypatch, text):
    monkeypatch.setattr(csv_pieces, "MIN_PIECE_BYTES", 1)
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    assert csv_pieces.cut_points(str(path), 4) is None


def test_small_files_are_one_scan(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\nc1,a,2024-01-01T10:00:00,D,r\n" * 1000, encoding="utf-8")
    assert csv_pieces.cut_points(str(path), 4) is None


STAMPS = ["2024-01-01T10:00:00", "2024-01-01T10:00:00", "2024-01-01T10:00:01", "2024-01-01T09:00:00+02:00",
          "2024-01-01T10:00:00.5", "20240101T100002", "", "not a date", "1700-01-01T00:00:00"]
row = st.tuples(st.sampled_from(["c1", "c2", "c3", " c3", "", "c\u00e9"]), st.sampled_from(STAMPS),
                st.sampled_from(["Sales", "Ops", " Ops", "EMPTY", "nan", "", "L\u00e9gal"]), st.sampled_from(["r1", "", "r2"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=40), line_end=st.sampled_from(["\n", "\r\n"]),
       last_line_end=st.booleans(), blank_lines=st.booleans(), with_group=st.booleans())
def test_pieces_equal_the_reference(tmp_path_factory, pieces, rows, line_end, last_line_end, blank_lines, with_group):
    """Cases spread over pieces, ties across a cut, timestamps only Python reads (the statement is run again with
    fresh pieces), missing ones (the second pass), CRLF, blank lines, no last line end, no org:group."""
    lines = [HEADER if with_group else HEADER.replace(",org:group", "")]
    for case, stamp, group, resource in rows:
        lines.append(",".join([case, "a", stamp] + ([group] if with_group else []) + [resource]))
        if blank_lines and len(lines) % 5 == 0:
            lines.append("")
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    path.write_bytes((line_end.join(lines) + (line_end if last_line_end else "")).encode())
    pieces.clear()
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference
    if csv_pieces.cut_points(str(path), 3) is not None:
        assert pieces and all(cuts is not None for cuts in pieces)  # read as pieces: no pass fell back to one scan


def test_a_refused_piece_gives_the_message_of_the_one_scan(tmp_path, pieces, monkeypatch):
    path = tmp_path / "log.csv"
    body = "".join(f"c{n % 9},a,2024-01-01T10:00:{n % 60:02d},D{n % 4},r\n" for n in range(300))
    path.write_bytes((HEADER + "\n" + body).encode() + b"c1,a,2024-01-01T11:00:00\xff\xfe,D1,r\n" + body.encode())
    split = outcome(handoffs_command, path, "--format", "json")
    assert [cuts is not None for cuts in pieces] == [True, False]  # the pieces, then the one scan
    monkeypatch.setattr(columnar_handoffs, "cut_points", lambda path, threads, quoted: None)
    assert split == outcome(handoffs_command, path, "--format", "json")
    assert split[0] == 2 and str(path) in split[1] and "piece-" not in split[1]
    assert not [t for t in threading.enumerate() if t.name.startswith("journeyaudit-piece")]  # no feeder left waiting


def test_a_timestamp_only_python_reads_in_the_last_piece_reads_the_pieces_again(tmp_path, pieces):
    path = tmp_path / "log.csv"
    body = "".join(f"c{n % 9},a,2024-01-01T10:00:{n % 60:02d},D{n % 4},r\n" for n in range(300))
    path.write_text(HEADER + "\n" + body + "c1,a,20240101T100002,D9,r\n", encoding="utf-8")
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference and duckdb_report[0] == 0
    assert len(pieces) == 2 and all(cuts is not None for cuts in pieces)  # stopped at it, then read again with Python's


def test_a_quoted_line_break_reads_as_the_reference_reads_it(tmp_path):
    """DuckDB's parallel CSV scanner refuses a quoted line break with null_padding: a file with quotes is read on
    one thread."""
    path = tmp_path / "log.csv"
    path.write_text('case:concept:name,concept:name,time:timestamp,org:group\nC1,A,2024-01-01T10:00:00,X\n'
                    'C1,B,2024-01-01T11:00:00,"multi\nline"\nC1,C,2024-01-01T12:00:00,X\n', encoding="utf-8")
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference and duckdb_report[0] == 0 and '"to": "multi\\nline"' in duckdb_report[1]


def test_a_byte_that_is_not_utf8_far_down_is_located_as_the_reference_locates_it(tmp_path):
    path = tmp_path / "log.csv"
    rows = "".join(f"C{n},A,2024-01-01T10:00:00,X\n" for n in range(50_000))
    path.write_bytes(f"{HEADER}\n{rows}".encode() + "C1,B,2024-01-01T11:00:00,Saées\n".encode("latin-1"))
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference
    assert duckdb_report[0] == 2 and f"{path}:50002: not UTF-8 text (byte 0xe9)" in duckdb_report[1]


def test_too_little_memory_says_which_option_to_change(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\n" + "".join(f"c{n % 5000},a,2024-01-01T10:{n % 60:02d}:00,D{n % 7},r\n"
                                             for n in range(400_000)), encoding="utf-8")
    code, output = outcome(handoffs_command, path, "--memory-limit", "50")
    assert code == 2 and "out of memory within --memory-limit 50 MiB: raise it" in output and "Traceback" not in output
    assert outcome(handoffs_command, path, "--format", "json")[0] == 0  # the default limit holds it


def test_a_folder_without_named_pipes_reads_the_one_scan(tmp_path, pieces, monkeypatch):
    made = []
    real_mkfifo = csv_pieces.os.mkfifo

    def refuse_the_second(path, mode=0o666):
        if made:
            raise PermissionError(1, "Operation not permitted", path)
        made.append(path)
        real_mkfifo(path, mode)

    monkeypatch.setattr(csv_pieces.os, "mkfifo", refuse_the_second)
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\n" + "".join(f"c{n % 9},a,2024-01-01T10:00:{n % 60:02d},D{n % 4},r\n" for n in range(300)),
                    encoding="utf-8")
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference and duckdb_report[0] == 0
    assert [cuts is not None for cuts in pieces] == [True, False]  # tried the pieces, then read the one scan
    assert not [t for t in threading.enumerate() if t.name.startswith("journeyaudit-piece")]  # the first feeder ended


def test_no_piece_holds_more_rows_than_its_part_of_a_position_numbers(tmp_path, monkeypatch):
    """Positions are piece << PIECE_SHIFT plus the row number in the piece: a file is cut into more pieces than
    threads when one would hold more rows (scaled down here: 3 bits of row number, pieces of 8 bytes)."""
    monkeypatch.setattr(csv_pieces, "MIN_PIECE_BYTES", 1)
    monkeypatch.setattr(csv_pieces, "PIECE_SHIFT", 3)
    monkeypatch.setattr(csv_pieces, "MAX_PIECE_BYTES", 1 << 3)
    monkeypatch.setattr(csv_pieces, "MAX_PIECES", 1 << 20)
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\n" + "".join(f"c{n % 4},a,2024-01-01T10:00:0{n % 3},D{n % 5},r\n" for n in range(60)),
                    encoding="utf-8")
    starts = csv_pieces.cut_points(str(path), 2)
    assert starts is not None and len(starts) > 2  # more pieces than the two threads asked for
    duckdb_report, reference = engines(path)
    assert duckdb_report == reference and duckdb_report[0] == 0
