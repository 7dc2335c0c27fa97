"""A log is read from the file named, whatever its name: DuckDB expands `*?[...]` in paths and takes only UTF-8."""

from __future__ import annotations

import gzip
import json
import os

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main

HEADER = "case:concept:name,concept:name,time:timestamp,org:group\n"
ONE_CASE = HEADER + "1,A,2020-01-01T00:00:00,X\n1,B,2020-01-01T01:00:00,Y\n"
OTHER = HEADER + "".join(f"{i},A,2020-01-01T00:00:00,X\n" for i in range(2, 9))


def cases(path, engine):
    result = CliRunner().invoke(main, ["handoffs", str(path), "--engine", engine, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["cases"]


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
@pytest.mark.parametrize("name", ["export*.csv", "export?.csv", "export[1].csv", "export*.csv.gz"])
def test_a_name_with_glob_characters_reads_that_file_only(tmp_path, engine, name):
    # DuckDB read every export-….csv beside `export*.csv`
    data = ONE_CASE.encode()
    (tmp_path / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    (tmp_path / "exportX.csv").write_text(OTHER)
    (tmp_path / "export1.csv").write_text(OTHER)
    assert cases(tmp_path / name, engine) == 1


@pytest.mark.parametrize("engine", ["duckdb", "expat"])
def test_a_log_whose_name_is_not_utf8_is_read(tmp_path, engine):
    # "bad CSV: Invalid Input Error: Python Conversion Failure: cannot encode str as UTF-8"
    path = tmp_path / os.fsdecode(b"journal-\xe9t\xe9.csv")
    path.write_text(ONE_CASE)
    assert cases(path, engine) == 1


def test_a_parquet_log_with_glob_characters_reads_that_file_only(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    for name, text in (("log*.parquet", ONE_CASE), ("logX.parquet", OTHER)):
        csv_file = tmp_path / "source.csv"
        csv_file.write_text(text)
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv_file}', all_varchar = true)) TO '{tmp_path / name}' (FORMAT parquet)")
    assert cases(tmp_path / "log*.parquet", "duckdb") == 1


def test_a_header_that_is_not_utf8_is_located_by_its_line_in_every_engine(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"case:concept:name,concept:name\xff,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n")
    for engine in ("duckdb", "expat"):
        result = CliRunner().invoke(main, ["handoffs", str(path), "--engine", engine])
        assert result.exit_code == 2
        assert result.stderr == f"journeyaudit: error: {path}:1: not UTF-8 text (byte 0xff): is it really a CSV event log?\n"


def test_a_journey_discovered_from_a_log_whose_name_is_not_utf8_validates(tmp_path):
    path = tmp_path / os.fsdecode(b"journal-\xe9t\xe9.csv")
    path.write_text(ONE_CASE)
    target = tmp_path / "found.yaml"
    result = CliRunner().invoke(main, ["discover", str(path), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "journal-\\\\xe9t\\\\xe9.csv" in target.read_text()
    assert CliRunner().invoke(main, ["validate", str(target)]).exit_code == 0
