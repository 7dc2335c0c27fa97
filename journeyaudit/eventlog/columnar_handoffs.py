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

from journeyaudit.eventlog.cases import EventLogError
from journeyaudit.eventlog.columnar_load import Scan
from journeyaudit.eventlog.columnar_session import QueryProgress, Session
from journeyaudit.eventlog.handoffs import CaseHandoffs, HandoffReport

# key: the case (id or number); first: its first file position; seq: file position; ts: POSIX seconds; d: department
FORWARD_FILLED = (
    "coalesce(ts, last_value(ts IGNORE NULLS) OVER (PARTITION BY key ORDER BY seq "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), '-infinity'::DOUBLE)"
)


def case_paths_sql(source: str, forward_fill: bool) -> str:
    """CREATE case_paths from `source` (columns key, seq, ts, d): one row per case, its collapsed sequence."""
    order_key = FORWARD_FILLED if forward_fill else "ts"
    return f"""
    CREATE OR REPLACE TEMP TABLE case_paths AS
    SELECT key, first, events, missing_ts, path,
           list_transform(range(1, len(starts) + 1), lambda i: coalesce(starts[i + 1], len(ds) + 1) - starts[i]) AS runs,
           coalesce(list_bool_or(list_transform(range(3, len(path) + 1), lambda i: path[i] = path[i - 2])), false)
             AS ping_pong
    FROM (
      SELECT *, list_filter(range(1, len(ds) + 1), lambda i: i = 1 OR ds[i] <> ds[i - 1]) AS starts,
             list_filter(ds, lambda x, i: i = 1 OR x <> ds[i - 1]) AS path
      FROM (
        SELECT key, first, events, missing_ts,
               coalesce(list_transform(list_sort(visits), lambda v: v.d), []) AS ds
        FROM (
          SELECT key, min(seq) AS first, count(*) AS events, count(*) - count(ts) AS missing_ts,
                 list({{'k': order_key, 's': seq, 'd': d}}) FILTER (WHERE d IS NOT NULL) AS visits
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


def report_from_case_paths(session: Session, cases_sql: str, base: dict, worst: int) -> HandoffReport:
    """The report from case_paths. cases_sql: (key, case_id, first) of every case, events or not, in log order."""
    matrix = Counter(
        {
            (a, b): count
            for a, b, count in session.execute(
                "SELECT a, b, count(*) FROM (SELECT unnest(path[:-2]) AS a, unnest(path[2:]) AS b FROM case_paths) "
                "GROUP BY ALL"
            ).fetchall()
        }
    )
    department_events = Counter(
        {
            name: int(count)
            for name, count in session.execute(
                "SELECT d, sum(r) FROM (SELECT unnest(path) AS d, unnest(runs) AS r FROM case_paths) GROUP BY ALL"
            ).fetchall()
        }
    )
    with_department, with_handoff, ping_pong = session.execute(
        "SELECT count(*) FILTER (WHERE len(path) > 0), count(*) FILTER (WHERE len(path) > 1), "
        "count(*) FILTER (WHERE ping_pong) FROM case_paths"
    ).fetchone()
    ranked = session.execute(
        f"SELECT c.case_id, len(p.path) - 1, p.events, p.ping_pong, p.path FROM case_paths p "
        f"JOIN ({cases_sql}) c USING (key) WHERE len(p.path) > 1 ORDER BY len(p.path) DESC, c.first LIMIT ?",
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
        worst=[CaseHandoffs(case_id, count, events, pong, list(path)) for case_id, count, events, pong, path in ranked],
    )


def case_level_paths_sql(source: str) -> str:
    """case_paths for a case attribute department: the first value in the file holds for all the case's events."""
    return f"""
    CREATE OR REPLACE TEMP TABLE case_paths AS
    SELECT key, first, events, missing_ts, CASE WHEN value IS NULL THEN [] ELSE [value] END AS path,
           CASE WHEN value IS NULL THEN [] ELSE [events] END AS runs, false AS ping_pong, values
    FROM (SELECT key, min(seq) AS first, count(*) AS events, count(*) - count(ts) AS missing_ts,
                 first(d ORDER BY seq) FILTER (WHERE d IS NOT NULL) AS value, count(DISTINCT d) AS values
          FROM ({source}) GROUP BY key)
    """


def handoffs_in_one_pass(session: Session, scan: Scan, worst: int) -> HandoffReport:
    """A CSV or Parquet log's report straight from the scan: one GROUP BY case, nothing else loaded."""
    builder = scan.builder

    def source(department: str) -> str:
        # file order: the scan's row number (DuckDB keeps the file's order: preserve_insertion_order)
        return (
            f"SELECT {scan.column('case_raw')} AS key, row_number() OVER () AS seq, {scan.column('ts')} AS ts, "
            f"{scan.column(department)} AS d FROM {scan.scan}"
        )

    def build(department: str) -> int:
        try:
            with QueryProgress(session, f"reading {os.path.basename(scan.path)}"):
                if builder.case_level:
                    session.execute(case_level_paths_sql(source(department)))
                    missing = session.scalar("SELECT coalesce(sum(missing_ts), 0) FROM case_paths")
                else:
                    missing = build_case_paths(session, source(department))
        except session.duckdb_error as exc:
            raise EventLogError(f"{scan.path}: {scan.failure}: {str(exc).splitlines()[0]}") from None
        return int(missing)

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
    return report_from_case_paths(session, "SELECT key, key AS case_id, first FROM case_paths", base, worst)
