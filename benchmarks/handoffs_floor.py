"""Benchmark: where the time of `handoffs` on a CSV goes, step by step, beside the one-window DuckDB query.

`handoffs_scale.py` compares whole processes; this script explains its CSV
ratio. In one process, on one synthetic CSV (as handoffs_scale.py writes
it), it times:
- the reference: the DuckDB query with one window function that counts the
  hand-off pairs (handoffs_scale.py's), warm, in the same process; then the
  same query with ties in file order, as the report defines them (its rows
  numbered first: DuckDB numbers a CSV scan's rows on one thread);
- journeyaudit's report (`columnar_handoffs`, what `handoffs` runs), each of
  its DuckDB statements timed and summed by step: the departments' scan, the
  pass (scan, timestamps, per-case sorted lists, paths), the hand-off pairs
  with their median gaps, the variants with their median throughput, the
  rest;
- parts of the pass measured alone: the bare scan, the scan reading every
  timestamp as Python does (`stamp()`), and the scan with DuckDB's own typed
  reader (which accepts ` 024-03-15T12:34:56` as the year 24, where Python
  reads no timestamp: not exact, measured only to show the cost).

The last lines give the time the issue's target allows (1.3x the reference)
and what the steps an exact report needs add up to.

    python benchmarks/handoffs_floor.py [--events 1e7] [--temp-dir DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.handoffs_scale import DUCKDB_SQL, synthetic_csv

STEPS = [
    ("the departments' scan (names and codes)", re.compile(r"^SELECT v, clean\(v\)")),
    ("the pass: scan, timestamps, sorted lists per case, paths", re.compile(r"TEMP TABLE case_paths")),
    ("hand-off pairs and their median gaps", re.compile(r"quantile_disc\(g|gap_counts")),
    ("variants and their median throughput", re.compile(r"top_paths")),
]
OTHER = "the rest (counts, departments, worst cases)"


def timed_statements(log: dict[str, float]):
    """Wrap DuckDB's execute so every statement's time is added to its step in `log`."""
    import duckdb

    original = duckdb.DuckDBPyConnection.execute

    def execute(self, sql, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, sql, *args, **kwargs)
        finally:
            text = " ".join(str(sql).split())
            step = next((name for name, pattern in STEPS if pattern.search(text)), OTHER)
            log[step] += time.perf_counter() - started

    setattr(duckdb.DuckDBPyConnection, "execute", execute)  # noqa: B010 (a C type's method, for this run only)
    return lambda: setattr(duckdb.DuckDBPyConnection, "execute", original)


def report_steps(path: Path) -> tuple[float, dict[str, float]]:
    """The time of journeyaudit's report on a synthetic CSV, and of its DuckDB statements by step."""
    from journeyaudit.eventlog.cases import ReadOptions
    from journeyaudit.eventlog.columnar import columnar_handoffs

    steps: dict[str, float] = defaultdict(float)
    restore = timed_statements(steps)
    options = ReadOptions(case_key="case", activity_key="activity", timestamp_key="ts", department_key="dept")
    started = time.perf_counter()
    try:
        columnar_handoffs(str(path), options)
    finally:
        restore()
    return time.perf_counter() - started, steps


def seconds(connection, sql: str) -> float:
    started = time.perf_counter()
    connection.execute(sql).fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1e7", help="synthetic CSV size, events")
    parser.add_argument("--temp-dir", default=None)
    args = parser.parse_args()
    import duckdb

    from journeyaudit.eventlog.columnar_session import Session

    events = int(float(args.events))
    folder = Path(tempfile.mkdtemp(prefix="handoffs-floor-", dir=args.temp_dir))
    try:
        path = folder / f"synthetic-{events}.csv"
        synthetic_csv(path, events)
        print(f"synthetic CSV, {events:,} events, {path.stat().st_size / 1e6:,.0f} MB; one process, statements timed")

        query = DUCKDB_SQL.split("print(duckdb.execute(f'''", 1)[1].split("''').fetchone()", 1)[0]
        reference_sql = query.replace("{sys.argv[1]}", str(path))
        reference = duckdb.connect()
        reference.execute("SET enable_progress_bar = false")
        seconds(reference, reference_sql)  # warm: the file in the page cache for both
        reference_time = seconds(reference, reference_sql)
        # the same query with ties in file order (the report's definition): each row numbered first
        tied_sql = reference_sql.replace("ORDER BY ts)", "ORDER BY ts, n)").replace(
            f"FROM read_csv('{path}')", f"FROM (SELECT *, row_number() OVER () AS n FROM read_csv('{path}'))")
        assert tied_sql != reference_sql
        tied_time = seconds(reference, tied_sql)
        reference.close()

        report_time, steps = report_steps(path)

        session = Session()
        session.connection.execute("SET enable_progress_bar = false")
        columns = "{'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR'}"
        scan = f"read_csv('{path}', header = true, auto_detect = false, columns = {columns})"
        typed = scan.replace("'c2': 'VARCHAR'", "'c2': 'TIMESTAMP'").replace(
            "columns =", "timestampformat = '%Y-%m-%dT%H:%M:%S', columns =")
        bare = seconds(session.connection, f"SELECT count(c3) FROM {scan}")
        exact = seconds(session.connection, f"SELECT sum(stamp(c2)) FROM {scan}")
        loose = seconds(session.connection, f"SELECT sum(epoch_us(c2)) FROM {typed}")
        session.close()

        print(f"  {'reference: one window function, a count':<58} {reference_time:7.2f} s")
        print(f"  {'the same, ties in file order (rows numbered first)':<58} {tied_time:7.2f} s   "
              f"{tied_time / reference_time:.2f}x")
        print(f"  {'journeyaudit report, in-process':<58} {report_time:7.2f} s   {report_time / reference_time:.2f}x")
        for name in [name for name, _ in STEPS] + [OTHER]:
            print(f"    {name:<56} {steps[name]:7.2f} s")
        print(f"    {'outside DuckDB (Python: read the header, settle, build the report)':<56} "
              f"{report_time - sum(steps.values()):7.2f} s")
        print("  parts of the pass, alone:")
        print(f"    {'the scan, one column counted':<56} {bare:7.2f} s")
        print(f"    {'the scan, timestamps read as Python reads them':<56} {exact:7.2f} s")
        print(f"    {'the scan, DuckDB typed timestamps (not exact)':<56} {loose:7.2f} s")
        print(f"  the target allows 1.3x the reference: {1.3 * reference_time:.2f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
