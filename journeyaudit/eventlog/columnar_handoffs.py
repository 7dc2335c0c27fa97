"""The hand-off report in one pass over the events: one GROUP BY case, the figures from its per-case lists.

Same definitions as handoffs.measure_handoffs (the reference), in SQL:
- the pass groups the events by case (a hash aggregate: no sort of the log),
  keeping of each case its first position in the file (the reference's case
  order), its event count and the list of (order key, file position,
  department) of the events that have a department;
- sorting that small list gives the department sequence (ties keep file
  order: the position is the second sort key); the collapsed sequence, the
  length of each run and the ping-pong test are list functions of it;
- the matrix and the per-department event counts come from the per-case
  table (`case_paths`), whose size is the number of hand-offs, not events.

The order key is the timestamp; an event without one sorts right after the
event before it in the file, so when a log has such events the key is the
last timestamp seen before it in the case (a window in file order), which
costs one more sort; a log without them never pays it.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import NamedTuple

from journeyaudit.eventlog.columnar_load import Scan, scan_error
from journeyaudit.eventlog.columnar_session import QueryProgress, Session, needs_python, out_of_memory
from journeyaudit.eventlog.csv_pieces import cut_points, pieces_read
from journeyaudit.eventlog.handoffs import VARIANTS, CaseHandoffs, HandoffReport, Variant

# key: the case (id or number); first: its first file position; seq: file position; ts: POSIX seconds; d: department
FORWARD_FILLED = (
    "coalesce(ts, last_value(ts IGNORE NULLS) OVER (PARTITION BY key ORDER BY seq "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), '-infinity'::DOUBLE)"
)


def case_paths_sql(source: str, forward_fill: bool) -> str:
    """CREATE case_paths from `source` (columns key, seq, ts, d): one row per case, its collapsed sequence.

    Besides the path: `runs` (events in each entry), `gaps` (seconds from the last event of an entry to the
    first of the next; NULL when one has no timestamp) and `throughput` (first to last timestamp of the case).
    """
    order_key = FORWARD_FILLED if forward_fill else "ts"
    # the timestamp itself rides along only when the order key is not it
    visit = "{'k': order_key, 's': seq, 'd': d, 't': ts}" if forward_fill else "{'k': order_key, 's': seq, 'd': d}"
    timestamp = "v.t" if forward_fill else "v.k"
    return f"""
    CREATE OR REPLACE TEMP TABLE case_paths AS
    SELECT key, first, events, missing_ts, throughput, path,
           list_transform(range(1, len(starts) + 1), lambda i: coalesce(starts[i + 1], len(ds) + 1) - starts[i]) AS runs,
           list_transform(starts[2:], lambda i: times[i] - times[i - 1]) AS gaps,
           coalesce(list_bool_or(list_transform(range(3, len(path) + 1), lambda i: path[i] = path[i - 2])), false)
             AS ping_pong
    FROM (
      SELECT *, list_filter(range(1, len(ds) + 1), lambda i: i = 1 OR ds[i] <> ds[i - 1]) AS starts,
             list_filter(ds, lambda x, i: i = 1 OR x <> ds[i - 1]) AS path
      FROM (
        SELECT key, first, events, missing_ts, throughput,
               coalesce(list_transform(sorted, lambda v: v.d), []) AS ds,
               coalesce(list_transform(sorted, lambda v: {timestamp}), []) AS times
        FROM (
          SELECT key, min(seq) AS first, count(*) AS events, count(*) - count(ts) AS missing_ts,
                 max(ts) - min(ts) AS throughput,
                 list_sort(list({visit}) FILTER (WHERE d IS NOT NULL)) AS sorted
          FROM (SELECT key, seq, ts, d, {order_key} AS order_key FROM ({source}))
          GROUP BY key)))
    """


def build_case_paths(session: Session, source: str) -> int:
    """case_paths from the source; the number of events without a timestamp (they need the forward-filled key)."""
    session.execute(case_paths_sql(source, forward_fill=False))
    missing = session.scalar("SELECT coalesce(sum(missing_ts), 0) FROM case_paths")
    if missing:
        session.execute(case_paths_sql(source, forward_fill=True))
    return int(missing)


# --------------------------------------------------------------------------
# the packed pass: each event one 128-bit integer, so the per-case lists hold no strings

# bits 127-75: the timestamp in microseconds, biased to be positive (within 2^52 µs of 1970: 1828 to 2112);
# bits 74-40: the file position (2^35 rows); bits 39-0: the department as 40 bits of its hash
_TIME_BIAS = 1 << 52
_TIME_LIMIT_S = (1 << 52) // 1_000_000
_SEQ_LIMIT = 1 << 35
_CODE_MASK = (1 << 40) - 1


def packed_paths_sql(source: str) -> str:
    """case_paths as case_paths_sql makes them (no missing timestamps), the departments as codes (`hash(d) >> 24`).

    `packed_ok` says whether every timestamp of the case packs and unpacks to itself and every position fits;
    when one does not, or two departments share a code, the caller uses case_paths_sql instead.
    """
    packed = (
        f"CASE WHEN abs(ts) < {_TIME_LIMIT_S} THEN (CAST(CAST(round(ts * 1000000) AS BIGINT) + {_TIME_BIAS} AS UHUGEINT) << 75)"
        " + (CAST(seq AS UHUGEINT) << 40) + (hash(d) >> 24) END"
    )
    exact = (
        f"bool_and(ts IS NULL OR (abs(ts) < {_TIME_LIMIT_S} AND CAST(round(ts * 1000000) AS BIGINT) / 1000000.0 = ts))"
        f" AND max(seq) < {_SEQ_LIMIT}"
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE case_paths AS
    SELECT key, first, events, missing_ts, throughput, packed_ok, path,
           list_transform(range(1, len(starts) + 1), lambda i: coalesce(starts[i + 1], len(ds) + 1) - starts[i]) AS runs,
           list_transform(starts[2:], lambda i: times[i] - times[i - 1]) AS gaps,
           coalesce(list_bool_or(list_transform(range(3, len(path) + 1), lambda i: path[i] = path[i - 2])), false)
             AS ping_pong
    FROM (
      SELECT *, list_select(ds, starts) AS path
      FROM (
        SELECT *, list_filter(range(1, len(ds) + 1), lambda i: i = 1 OR ds[i] <> ds[i - 1]) AS starts
        FROM (
          SELECT key, first, events, missing_ts, throughput, packed_ok,
                 coalesce(list_transform(sorted, lambda v: CAST(v & {_CODE_MASK} AS UBIGINT)), []) AS ds,
                 coalesce(list_transform(sorted, lambda v: (CAST(v >> 75 AS BIGINT) - {_TIME_BIAS}) / 1000000.0), [])
                   AS times
          FROM (
            SELECT key, min(seq) AS first, count(*) AS events, count(*) - count(ts) AS missing_ts,
                   max(ts) - min(ts) AS throughput, {exact} AS packed_ok,
                   list_sort(list({packed}) FILTER (WHERE d IS NOT NULL)) AS sorted
            FROM ({source})
            GROUP BY key))))
    """


class DepartmentValues(NamedTuple):
    names: dict[int, str] | None  # code -> department; None when two departments share a code
    clean: bool  # every value is already as clean() leaves it: the pass may skip clean() on each row


def department_codes(session: Session, values_sql: str) -> DepartmentValues:
    """The departments `values_sql` yields (one column of raw values): their codes (`hash(d) >> 24`) and names."""
    rows = session.execute(
        f"SELECT v, clean(v), hash(clean(v)) >> 24 FROM (SELECT DISTINCT v FROM ({values_sql}) t(v)) WHERE v IS NOT NULL"
    ).fetchall()
    names = {int(code): name for _, name, code in rows if name is not None}
    departments = {name for _, name, _ in rows if name is not None}
    return DepartmentValues(names if len(names) == len(departments) else None,
                            all(raw == name for raw, name, _ in rows))


def lower_medians_sql(counts: str, keys: list[str]) -> str:
    """(keys, median): the lower median of each group (handoffs.lower_median), its NULL values left out.

    `counts` yields (keys, v, c): each distinct value `v` of a group and how many times it occurs. The median is
    the smallest value whose running count reaches the middle position: memory grows with the distinct values, not
    with the rows (quantile_disc held every value and ran out of memory at 10^8 events).
    """
    group = ", ".join(keys)
    return (
        f"SELECT {group}, min(v) AS median FROM (SELECT {group}, v, sum(c) OVER (PARTITION BY {group} ORDER BY v "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto, sum(c) OVER (PARTITION BY {group}) AS n "
        f"FROM ({counts}) WHERE v IS NOT NULL) WHERE upto >= (n - 1) // 2 + 1 GROUP BY ALL"
    )


def medians_fit_in_memory(session: Session, values: int) -> bool:
    """Whether quantile_disc, which holds every value of a group, may hold `values` within half the memory limit."""
    return values * 16 < session.memory_limit_mb << 19


def _pairs_with_median_gaps(session: Session) -> list[tuple]:
    """(from, to, hand-offs, lower median gap) of every pair: quantile_disc when the gaps fit in memory (the faster),
    else counts of each pair's distinct gaps, whose size grows with the distinct gaps, not the hand-offs."""
    pairs = "SELECT unnest(path[:-2]) AS a, unnest(path[2:]) AS b, unnest(gaps) AS g FROM case_paths"
    handoffs = session.scalar("SELECT coalesce(sum(len(path) - 1), 0) FROM case_paths WHERE len(path) > 1")
    if medians_fit_in_memory(session, int(handoffs)):
        try:
            # quantile_disc(…, 0.5) is the lower median, as handoffs.lower_median
            return session.execute(f"SELECT a, b, count(*), quantile_disc(g, 0.5) FROM ({pairs}) GROUP BY ALL").fetchall()
        except session.duckdb_error as error:
            if not out_of_memory(error):
                raise
    session.execute(f"CREATE OR REPLACE TEMP TABLE gap_counts AS SELECT a, b, g, count(*) AS c FROM ({pairs}) GROUP BY ALL")
    return session.execute(
        f"SELECT n.a, n.b, n.count, m.median FROM (SELECT a, b, sum(c) AS count FROM gap_counts GROUP BY ALL) n "
        f"LEFT JOIN ({lower_medians_sql('SELECT a, b, g AS v, c FROM gap_counts', ['a', 'b'])}) m USING (a, b)"
    ).fetchall()


def report_from_case_paths(session: Session, cases_sql: str | None, base: dict, worst: int,
                           variants: int = VARIANTS, names: dict[int, str] | None = None) -> HandoffReport:
    """The report from case_paths.

    cases_sql: (key, case_id, first) of every case, events or not, in log order; None when case_paths has every
    case and its key is the case id (CSV, Parquet). names: code -> department when the paths hold codes.
    """
    def named(department):
        return department if names is None else names[department]

    def named_path(path) -> list:
        return list(path) if names is None else [names[code] for code in path]

    matrix: Counter = Counter()
    gaps = {}
    for a, b, count, gap in _pairs_with_median_gaps(session):
        matrix[named(a), named(b)] = count
        if gap is not None:
            gaps[named(a), named(b)] = gap
    # cases without events (XES traces) have the empty sequence and no throughput time
    without_events = base["cases"] - session.scalar("SELECT count(*) FROM case_paths")
    if cases_sql is None:
        by_path = "SELECT path, count(*) AS cases, min(first) AS first FROM case_paths"
    else:
        by_path = "SELECT p.path, count(*) AS cases, min(c.first) AS first FROM case_paths p JOIN ({cases_sql}) c USING (key)"
        by_path = by_path.format(cases_sql=cases_sql)
    # the most frequent sequences first; their median throughput after, for those few only (a median per
    # sequence of the log, most of them one case's, cost more than the rest of the report)
    session.execute(
        f"CREATE OR REPLACE TEMP TABLE top_paths AS SELECT path, cases, first, count(*) OVER () AS distinct_paths "
        f"FROM ({by_path} GROUP BY path) ORDER BY cases DESC, first LIMIT {int(variants) + 1}"
    )
    throughputs = ("SELECT path, throughput AS v, count(*) AS c FROM (SELECT p.path, p.throughput FROM case_paths p "
                   "SEMI JOIN top_paths USING (path)) GROUP BY ALL")
    variant_rows = session.execute(
        f"SELECT t.path, t.cases, m.median, t.first, t.distinct_paths FROM top_paths t LEFT JOIN "
        f"({lower_medians_sql(throughputs, ['path'])}) m USING (path) ORDER BY t.cases DESC, t.first"
    ).fetchall()
    variant_count = variant_rows[0][4] if variant_rows else 0
    variant_rows = [(named_path(path), count, median, first) for path, count, median, first, _ in variant_rows]
    top_variants = _with_cases_without_events(variant_rows, without_events, session, cases_sql or "", variants)
    if without_events and not session.scalar("SELECT count(*) FROM case_paths WHERE len(path) = 0"):
        variant_count += 1
    department_events = Counter(
        {
            named(code): int(count)
            for code, count in session.execute(
                "SELECT d, sum(r) FROM (SELECT unnest(path) AS d, unnest(runs) AS r FROM case_paths) GROUP BY ALL"
            ).fetchall()
        }
    )
    with_department, with_handoff, ping_pong = session.execute(
        "SELECT count(*) FILTER (WHERE len(path) > 0), count(*) FILTER (WHERE len(path) > 1), "
        "count(*) FILTER (WHERE ping_pong) FROM case_paths"
    ).fetchone()
    worst_sql = "SELECT key, len(path) - 1 AS n, events, ping_pong, path, first FROM case_paths WHERE len(path) > 1"
    if cases_sql is None:
        ranked = session.execute(f"{worst_sql} ORDER BY n DESC, first LIMIT ?", [worst]).fetchall()
    else:
        # the worst by the case's own order, named after the limit: a join of a few rows
        ranked = session.execute(
            f"SELECT c.case_id, p.n, p.events, p.ping_pong, p.path, c.first FROM ({worst_sql}) p JOIN ({cases_sql}) c "
            "USING (key) ORDER BY p.n DESC, c.first LIMIT ?",
            [worst],
        ).fetchall()
    cases = base["cases"]
    return HandoffReport(
        **base,
        handoffs=sum(matrix.values()),
        cases_with_handoff=with_handoff,
        cases_with_ping_pong=ping_pong,
        cases_without_department=cases - with_department,
        matrix=matrix,
        departments=sorted(department_events, key=lambda d: (-department_events[d], d)),
        department_events=department_events,
        worst=[CaseHandoffs(case_id, count, events, pong, named_path(path))
               for case_id, count, events, pong, path, _ in ranked],
        handoff_gaps=gaps,
        variants=top_variants,
        variant_count=variant_count,
    )


def _with_cases_without_events(rows: list, without_events: int, session: Session, cases_sql: str,
                               limit: int) -> list[Variant]:
    """The top variants, the empty one counting the cases without events too (as the reference counts them)."""
    entries = [[path, cases, median, first] for path, cases, median, first in rows]
    if without_events:
        # the first case without events, in log order: the empty variant's tie-break
        first_empty = session.scalar(
            f"SELECT min(c.first) FROM ({cases_sql}) c ANTI JOIN case_paths p USING (key)"
        )
        empty = next((entry for entry in entries if not entry[0]), None)
        if empty is None:
            counted = session.execute(
                f"SELECT count(*), quantile_disc(p.throughput, 0.5), min(c.first) FROM case_paths p JOIN ({cases_sql}) c "
                "USING (key) WHERE len(p.path) = 0"
            ).fetchone()
            empty = [[], counted[0], counted[1], counted[2] if counted[0] else first_empty]
            entries.append(empty)
        empty[1] += without_events
        empty[3] = min(empty[3], first_empty)
        entries.sort(key=lambda entry: (-entry[1], entry[3]))
    return [Variant(path, cases, median) for path, cases, median, _ in entries[:limit]]


def case_level_paths_sql(source: str) -> str:
    """case_paths for a case attribute department: the first value in the file holds for all the case's events."""
    return f"""
    CREATE OR REPLACE TEMP TABLE case_paths AS
    SELECT key, first, events, missing_ts, throughput, CASE WHEN value IS NULL THEN [] ELSE [value] END AS path,
           CASE WHEN value IS NULL THEN [] ELSE [events] END AS runs, []::DOUBLE[] AS gaps, false AS ping_pong, values
    FROM (SELECT key, min(seq) AS first, count(*) AS events, count(*) - count(ts) AS missing_ts,
                 max(ts) - min(ts) AS throughput,
                 first(d ORDER BY seq) FILTER (WHERE d IS NOT NULL) AS value, count(DISTINCT d) AS values
          FROM ({source}) GROUP BY key)
    """


def handoffs_in_one_pass(session: Session, scan: Scan, worst: int) -> HandoffReport:
    """A CSV or Parquet log's report straight from the scan: one GROUP BY case, nothing else loaded."""
    builder = scan.builder

    starts = None
    if scan.fmt == "csv":
        starts = cut_points(scan.source, int(session.scalar("SELECT current_setting('threads')")), scan.quoted)
    label = f"reading {os.path.basename(scan.path)}"

    # the case id is grouped as it is written and cleaned once per case after the pass (settle_case_ids); only
    # when two ids written apart are one case once cleaned (` c1` and `c1`) does every row go through clean()
    case_sql = {"key": scan.picked["case_raw"]}

    def pass_over_rows(department_sql: str, statement) -> None:
        """Run `statement(rows)`, `rows` the SQL of (key, seq, ts, d): the file's pieces side by side when it has
        some, else one scan (also when DuckDB refused a piece: the one scan's error names the file and line)."""

        def one_scan(source: str, header: bool, base: str) -> str:
            # file order: the scan's row number (DuckDB keeps the file's order: preserve_insertion_order)
            return (
                f"SELECT {case_sql['key']} AS key, {base} + {scan.row_number} AS seq, "
                f"{scan.column('ts')} AS ts, {department_sql} AS d FROM {scan.scan_of(source, header)}"
            )

        for cuts in ([starts, None] if starts is not None else [None]):
            python_retried = False
            while True:
                try:
                    with pieces_read(scan.source, cuts, session.folder, one_scan) as (rows, feed), \
                            QueryProgress(session, label, feed.fraction if feed is not None else None):
                        # not session.execute: a statement run again must get its pieces again
                        session.connection.execute(statement(rows))
                    if settle_case_ids():
                        return
                    case_sql["key"] = scan.column("case_raw")
                    continue
                except session.duckdb_error as error:
                    if needs_python(error) and not python_retried:
                        session.enable_python_stamp()
                        python_retried = True
                        continue
                    if cuts is None:
                        raise
                    break
                except OSError:  # no named pipes in the session's folder (a file system without them)
                    if cuts is None:
                        raise
                    break

    def settle_case_ids() -> bool:
        """The cases' ids through clean(); False when two of them become one (the pass must clean every row)."""
        if case_sql["key"] == scan.column("case_raw"):
            return True
        if not session.scalar("SELECT count(*) FROM case_paths WHERE key IS DISTINCT FROM clean(key)"):
            return True
        if session.scalar("SELECT count(DISTINCT clean(key)) <> count(clean(key)) FROM case_paths"):
            return False
        session.execute("UPDATE case_paths SET key = clean(key)")  # an id that cleans to nothing: rows without a case
        return True

    names: dict[int, str] | None = None

    def build(department: str) -> int:
        nonlocal names
        names = None
        try:
            if builder.case_level:
                pass_over_rows(scan.column(department), case_level_paths_sql)
                return int(session.scalar("SELECT coalesce(sum(missing_ts), 0) FROM case_paths"))
            # the departments first, a scan of that column alone: their codes and names, and whether the
            # values need cleaning at all
            with QueryProgress(session, label):
                values = department_codes(session, f"SELECT {scan.picked[department]} FROM {scan.scan}")
            department_sql = scan.picked[department] if values.clean else scan.column(department)
            missing = 0
            if values.names is not None:
                pass_over_rows(department_sql, packed_paths_sql)
                packed, missing = session.execute(
                    "SELECT coalesce(bool_and(packed_ok), true), coalesce(sum(missing_ts), 0) FROM case_paths"
                ).fetchone()
                if packed and not missing:
                    names = values.names
                    return 0
            # events without a timestamp (their order key is the one before them), a timestamp too far from
            # 1970 or two departments with one code: the lists of (time, position, name)
            pass_over_rows(department_sql, lambda rows: case_paths_sql(rows, forward_fill=bool(missing)))
            if values.names is None:
                missing = session.scalar("SELECT coalesce(sum(missing_ts), 0) FROM case_paths")
                if missing:
                    pass_over_rows(department_sql, lambda rows: case_paths_sql(rows, forward_fill=True))
            return int(missing)
        except session.duckdb_error as exc:
            raise scan_error(session, scan, exc) from None

    missing_timestamps = build("department")
    with_values = "SELECT coalesce(sum(list_sum(runs)), 0) FROM case_paths WHERE key IS NOT NULL"
    builder.primary_values = session.scalar(with_values)
    if builder.default_department and not builder.primary_values and scan.picked["fallback"] != "NULL":
        # no org:group value anywhere: the resource is the best department we have
        missing_timestamps = build("fallback")
        builder.fallback_values = session.scalar(with_values)
    if builder.case_level:
        builder.case_attribute_seen, builder.case_attribute_varies = session.execute(
            "SELECT count(*), count(*) FILTER (WHERE values > 1) FROM case_paths WHERE key IS NOT NULL"
        ).fetchone()
    without_case = session.execute(
        "SELECT coalesce(sum(events), 0), coalesce(sum(missing_ts), 0) FROM case_paths WHERE key IS NULL"
    ).fetchone()
    session.execute("DELETE FROM case_paths WHERE key IS NULL")
    rows_without_case = int(without_case[0])
    cases, events, with_department = session.execute(
        "SELECT count(*), coalesce(sum(events), 0), coalesce(sum(list_sum(runs)), 0) FROM case_paths"
    ).fetchone()
    if not events:
        raise builder.no_events_error()
    department_key, level, fallback_used = builder.settle_department(*scan.keys())
    notes = builder.notes(department_key, level, fallback_used)
    if rows_without_case:
        notes.append(f"{rows_without_case} rows without a case id were skipped")
    base = {
        "log": scan.path, "format": scan.fmt, "department_key": department_key, "department_level": level,
        "department_fallback": fallback_used, "cases": int(cases), "events": int(events),
        "events_missing_department": int(events - with_department),
        "events_missing_timestamp": missing_timestamps - int(without_case[1]), "notes": notes,
    }
    return report_from_case_paths(session, None, base, worst, names=names)
