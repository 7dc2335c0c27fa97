"""`--engine spark`: the hand-off report as Spark DataFrame/SQL jobs, on any path Spark reads (local, HDFS, S3).

The same definitions and the same report as the reference reader, computed
the way the DuckDB engine computes them (columnar_handoffs.py): one group-by
case keeping each case's list of (order key, file position, department),
sorted and collapsed with Spark's array functions; the matrix, the event
counts per department, the hand-off gaps and the variants are aggregates of
those per-case rows. Only the report comes back to the driver.

Installed as an extra (`pip install 'journeyaudit[spark]'`, Java 17 from the
system); on a cluster, `spark-submit` gives the session its master and
configuration (docs/event-logs.md). Reads CSV (header, comma, semicolon or
tab) and Parquet; XES is read by the other engines. File order is Spark's
`monotonically_increasing_id()` of the scan, increasing with the position in
the file (and across files in their listing order).
"""

from __future__ import annotations

import os
from collections import Counter

from journeyaudit.eventlog.cases import (
    CASE_PREFIX,
    CaseBuilder,
    EventLogError,
    ReadOptions,
    parse_timestamp,
)
from journeyaudit.eventlog.columnar_session import PYTHON_WHITESPACE
from journeyaudit.eventlog.csv_log import choose_columns
from journeyaudit.eventlog.handoffs import VARIANTS, CaseHandoffs, HandoffReport, Variant

_PLAIN_STAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}$"
_BLANKS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_WHITESPACE) + "]"


def spark_session():
    """The active session (spark-submit's), else a local one; timestamps in UTC like the other engines."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EventLogError("--engine spark needs pyspark: pip install 'journeyaudit[spark]' (and Java 17)") from None
    builder = SparkSession.builder.appName("journeyaudit handoffs")
    if not os.environ.get("SPARK_HOME") and "MASTER" not in os.environ:
        builder = builder.master("local[*]").config("spark.ui.enabled", "false")
    spark = (builder.config("spark.sql.session.timeZone", "UTC").config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def _format_of(path: str) -> str:
    lowered = path.lower().rstrip("/")
    if lowered.endswith((".xes", ".xes.gz", ".xml", ".xml.gz")):
        raise EventLogError(f"{path}: --engine spark reads CSV and Parquet; XES is read by --engine duckdb or expat")
    return "parquet" if lowered.endswith(".parquet") or "." not in os.path.basename(lowered) else "csv"


def _clean(column):
    """cases.clean: stripped of Python's whitespace, NULL when empty, EMPTY or NaN (any case)."""
    from pyspark.sql import functions as F

    stripped = F.regexp_replace(F.regexp_replace(column, f"^{_BLANKS}+", ""), f"{_BLANKS}+$", "")
    return F.when((stripped == "") | (stripped == "EMPTY") | (F.lower(stripped) == "nan"), None).otherwise(stripped)


def _read(spark, path: str, fmt: str):
    """(DataFrame with every column as text or its Parquet type, the header as the reference reads it)."""
    from pyspark.sql import functions as F

    try:
        if fmt == "parquet":
            frame = spark.read.parquet(path)
            return frame, frame.columns, ","
        first = spark.read.text(path).limit(1).collect()
    except Exception as exc:  # Spark's own messages: a missing path, a file it cannot read
        raise EventLogError(f"{path}: Spark cannot read it: {str(exc).splitlines()[0]}") from None
    if not first:
        raise EventLogError(f"{path}: empty file")
    line = first[0][0].lstrip("\ufeff")
    delimiter = max((",", ";", "\t"), key=line.count)
    frame = spark.read.csv(path, header=True, sep=delimiter, quote='"', escape='"', inferSchema=False,
                           multiLine=True, encoding="UTF-8")
    header = [name.lstrip("\ufeff").strip() for name in frame.columns]
    frame = frame.select([F.col(f"`{old}`").alias(f"c{i}") for i, old in enumerate(frame.columns)])
    return frame, header, delimiter


def spark_handoffs(path: str, options: ReadOptions, worst: int = 10, variants: int = VARIANTS) -> HandoffReport:
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType

    spark = spark_session()
    fmt = _format_of(path)
    frame, header, delimiter = _read(spark, path, fmt)
    builder = CaseBuilder(path, fmt, options)
    chosen = choose_columns(path, delimiter, header, options, builder)

    def raw(index):
        if fmt == "parquet":
            return F.col(f"`{header[index]}`")
        return F.col(f"c{index}")

    stamp_column = raw(chosen.timestamp)
    types = dict(frame.dtypes)
    if fmt == "parquet" and types[header[chosen.timestamp]].startswith("timestamp"):
        stamp = stamp_column.cast("double")
    else:
        text = stamp_column.cast("string")
        python_stamp = F.udf(parse_timestamp, DoubleType())
        plain = F.try_to_timestamp(F.regexp_replace(text, "T", " "), F.lit("yyyy-MM-dd HH:mm:ss")).cast("double")
        # the usual form natively; any other text by the reference's own parse_timestamp
        stamp = F.when(text.rlike(_PLAIN_STAMP) & (F.substring(text, 1, 4) != "0000"), plain).otherwise(python_stamp(text))
    rows = frame.select(
        _clean(raw(chosen.case).cast("string")).alias("key"),
        F.monotonically_increasing_id().alias("seq"),
        stamp.alias("ts"),
        _clean(raw(chosen.department).cast("string")).alias("d"),
        (_clean(raw(chosen.fallback).cast("string")) if chosen.fallback is not None else F.lit(None).cast("string")).alias("f"),
    )
    per_case = _case_paths(rows, "d", builder.case_level)
    per_case.cache()
    totals = per_case.where(F.col("key").isNotNull()).agg(
        F.count("*"), F.sum("events"), F.sum("with_d"), F.sum("missing_ts")).collect()[0]
    builder.primary_values = int(totals[2] or 0)
    if builder.default_department and not builder.primary_values and chosen.fallback is not None:
        per_case.unpersist()
        per_case = _case_paths(rows, "f", False)
        per_case.cache()
        totals = per_case.where(F.col("key").isNotNull()).agg(
            F.count("*"), F.sum("events"), F.sum("with_d"), F.sum("missing_ts")).collect()[0]
        builder.fallback_values = int(totals[2] or 0)
    try:
        return _report(path, fmt, header, builder, per_case, totals, worst, variants)
    finally:
        per_case.unpersist()


def _case_paths(rows, department: str, case_level: bool):
    """One row per case (the NULL key: rows without a case id): its collapsed sequence, runs, gaps, throughput."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rows = rows.withColumn("d", F.col(department))
    in_file_order = Window.partitionBy("key").orderBy("seq").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    if case_level:
        grouped = rows.groupBy("key").agg(
            F.min("seq").alias("first"), F.count("*").alias("events"), (F.count("*") - F.count("ts")).alias("missing_ts"),
            (F.max("ts") - F.min("ts")).alias("throughput"),
            F.min_by("d", F.when(F.col("d").isNotNull(), F.col("seq"))).alias("value"),
            F.countDistinct("d").alias("values"))
        return grouped.select(
            "key", "first", "events", "missing_ts", "throughput", "values",
            F.when(F.col("value").isNull(), F.array().cast("array<string>")).otherwise(F.array("value")).alias("path"),
            F.when(F.col("value").isNull(), F.array().cast("array<bigint>")).otherwise(F.array("events")).alias("runs"),
            F.array().cast("array<double>").alias("gaps"), F.lit(False).alias("ping_pong"),
            F.when(F.col("value").isNull(), 0).otherwise(F.col("events")).alias("with_d"))
    # an event without a timestamp sorts right after the event before it in the file
    order_key = F.coalesce(F.col("ts"), F.last("ts", ignorenulls=True).over(in_file_order), F.lit(float("-inf")))
    rows = rows.withColumn("k", order_key)
    grouped = rows.groupBy("key").agg(
        F.min("seq").alias("first"), F.count("*").alias("events"), (F.count("*") - F.count("ts")).alias("missing_ts"),
        (F.max("ts") - F.min("ts")).alias("throughput"), F.count("d").alias("with_d"),
        F.sort_array(F.collect_list(F.when(F.col("d").isNotNull(), F.struct("k", "seq", "d", "ts")))).alias("sorted"))
    return grouped.selectExpr(
        "key", "first", "events", "missing_ts", "throughput", "with_d",
        "transform(sorted, v -> v.d) AS ds", "transform(sorted, v -> v.ts) AS times",
    ).selectExpr(
        # sequence(a, b) counts down when b < a: every one is guarded by the list's size
        "*", "IF(size(ds) > 0, filter(sequence(0, size(ds) - 1), i -> i = 0 OR ds[i] <> ds[i - 1]), array()) AS starts",
    ).selectExpr(
        "key", "first", "events", "missing_ts", "throughput", "with_d",
        "transform(starts, i -> ds[i]) AS path",
        "IF(size(starts) > 0, transform(sequence(0, size(starts) - 1), "
        "j -> IF(j + 1 < size(starts), starts[j + 1], size(ds)) - starts[j]), array()) AS runs",
        "transform(filter(starts, i -> i > 0), i -> times[i] - times[i - 1]) AS gaps",
    ).selectExpr(
        "*", "IF(size(path) > 2, exists(sequence(2, size(path) - 1), i -> path[i] = path[i - 2]), false) AS ping_pong",
    )


def _report(path, fmt, header, builder: CaseBuilder, per_case, totals, worst: int, variants: int) -> HandoffReport:
    from pyspark.sql import functions as F

    cases_row = per_case.where(F.col("key").isNotNull())
    without_case = per_case.where(F.col("key").isNull()).agg(F.sum("events"), F.sum("missing_ts")).collect()[0]
    cases, events, with_department, missing_ts = (int(value or 0) for value in totals)
    if not events:
        raise builder.no_events_error()
    if builder.case_level:
        builder.case_attribute_seen = cases
        builder.case_attribute_varies = cases_row.where(F.col("values") > 1).count()
    event_keys = set(header) if not builder.case_level else set()
    event_keys.add(builder.department_key)
    department_key, level, fallback_used = builder.settle_department(
        event_keys, {c for c in header if c.startswith(CASE_PREFIX)})
    notes = builder.notes(department_key, level, fallback_used)
    rows_without_case = int(without_case[0] or 0)
    if rows_without_case:
        notes.append(f"{rows_without_case} rows without a case id were skipped")
    sides = cases_row.select(F.slice("path", 1, F.greatest(F.size("path") - 1, F.lit(0))).alias("a"),
                             F.slice("path", 2, F.size("path")).alias("b"), "gaps")
    pairs = sides.select(F.explode(F.arrays_zip("a", "b", "gaps")).alias("p")).select("p.a", "p.b", "p.gaps")
    matrix: Counter = Counter()
    gaps = {}
    # percentile_disc(0.5) is the lower median, as handoffs.lower_median
    lower_median = "percentile_disc(0.5) WITHIN GROUP (ORDER BY {})"
    for a, b, count, gap in pairs.groupBy("a", "b").agg(F.count("*"), F.expr(lower_median.format("gaps"))).collect():
        matrix[a, b] = count
        if gap is not None:
            gaps[a, b] = gap
    department_events = Counter({
        name: int(count) for name, count in cases_row.select(F.explode(F.arrays_zip("path", "runs")).alias("r"))
        .groupBy("r.path").agg(F.sum("r.runs")).collect()})
    with_dept, with_handoff, ping_pong = cases_row.agg(
        F.count(F.when(F.size("path") > 0, 1)), F.count(F.when(F.size("path") > 1, 1)),
        F.count(F.when(F.col("ping_pong"), 1))).collect()[0]
    ranked = (cases_row.where(F.size("path") > 1).orderBy(F.size("path").desc(), "first").limit(worst)
              .select("key", "path", "events", "ping_pong").collect())
    grouped_variants = cases_row.groupBy("path").agg(
        F.count("*").alias("cases"), F.expr(lower_median.format("throughput")).alias("median"),
        F.min("first").alias("first"))
    top_variants = grouped_variants.orderBy(F.col("cases").desc(), "first").limit(variants).collect()
    return HandoffReport(
        log=path, format=fmt, department_key=department_key, department_level=level, department_fallback=fallback_used,
        cases=cases, events=events, handoffs=sum(matrix.values()), cases_with_handoff=with_handoff,
        cases_with_ping_pong=ping_pong, cases_without_department=cases - with_dept,
        events_missing_department=events - with_department,
        events_missing_timestamp=missing_ts,
        matrix=matrix, departments=sorted(department_events, key=lambda d: (-department_events[d], d)),
        department_events=department_events,
        worst=[CaseHandoffs(key, len(p) - 1, n, pong, list(p)) for key, p, n, pong in ranked],
        notes=notes, handoff_gaps=gaps,
        variants=[Variant(list(p), n, median) for p, n, median, _ in top_variants],
        variant_count=grouped_variants.count(),
    )
