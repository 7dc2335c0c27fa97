"""CSV event logs (plain or gzip; comma, semicolon or tab), read into a `CaseBuilder`.

One row is one event; the header names the columns (the XES keys by default).
Rows are grouped by case id in the order their cases first appear.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Any

from journeyaudit.eventlog.cases import (
    CASE_PREFIX,
    DEFAULT_DEPARTMENT_KEY,
    FALLBACK_DEPARTMENT_KEY,
    LIFECYCLE_KEY,
    CaseBuilder,
    EventLog,
    EventLogError,
    ReadOptions,
    clean,
    did_you_mean_column,
    where,
)


@dataclass
class CsvColumns:
    """Positions of the columns the reader uses (None: the log has no such column)."""

    delimiter: str
    header: list[str]
    case: int
    activity: int | None
    timestamp: int
    lifecycle: int | None
    department: int
    fallback: int | None  # org:resource, kept aside while the department is the default org:group


def read_header(path: str, text, max_value_bytes: int) -> tuple[str, list[str], Any]:
    """(delimiter, stripped column names, a reader positioned after the header) of a text stream.

    The header line is read up to --max-value-size: a file of one endless line (a gzip of a gigabyte of one
    character) is refused there, not read into memory."""
    csv.field_size_limit(max(max_value_bytes, csv.field_size_limit()))
    first = text.readline(max_value_bytes + 1)
    if len(first) > max_value_bytes:
        raise EventLogError(
            f"{where(path, 1)}: the header line is longer than --max-value-size "
            f"({max_value_bytes >> 20} MiB): is it really a CSV event log?"
        )
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(_chain_first(first, text), delimiter=delimiter)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise EventLogError(f"{path}: empty file") from None
    return delimiter, header, reader


def choose_columns(path: str, delimiter: str, header: list[str], options: ReadOptions, builder: CaseBuilder) -> CsvColumns:
    """The columns for each role, or a message naming the missing one (and a close name)."""
    columns = {name: i for i, name in enumerate(header)}
    standard = (options.case_key, options.activity_key, options.timestamp_key, DEFAULT_DEPARTMENT_KEY)

    def column(key: str, flag: str, role: str) -> int:
        if key in columns:
            return columns[key]
        taken = tuple(c for c in standard if c in columns and c != key)
        raise EventLogError(
            f"{path}: no column {key!r} (pass {flag} to name it){did_you_mean_column(key, header, role, taken)}"
            f" (columns: {', '.join(header)})"
        )

    case_col = column(options.case_key, "--case-key", "case")
    if options.require_activity or options.activity_key in columns:
        activity_col: int | None = column(options.activity_key, "--activity-key", "activity")
    else:
        activity_col = None
    timestamp_col = column(options.timestamp_key, "--timestamp-key", "timestamp")
    lifecycle_col = columns.get(LIFECYCLE_KEY)
    fallback_col = None
    if builder.default_department:
        group_col = columns.get(DEFAULT_DEPARTMENT_KEY)
        fallback_col = columns.get(FALLBACK_DEPARTMENT_KEY)
        if group_col is not None:
            department_col = group_col
        elif fallback_col is not None:
            department_col, fallback_col = fallback_col, None
            builder.department_key = FALLBACK_DEPARTMENT_KEY
        else:
            raise EventLogError(
                f"{path}: no column {DEFAULT_DEPARTMENT_KEY!r} or {FALLBACK_DEPARTMENT_KEY!r} "
                f"(pass --department-key to name it) (columns: {', '.join(header)})"
            )
    else:
        department_col = column(builder.department_key, "--department-key", "department")
    for used in (case_col, activity_col, timestamp_col, lifecycle_col, department_col, fallback_col):
        if used is not None and header.count(header[used]) > 1:  # which one is meant? never guessed
            positions = [str(i + 1) for i, name in enumerate(header) if name == header[used]]
            raise EventLogError(
                f"{where(path, 1)}: the column {header[used]!r} appears {len(positions)} times (columns "
                f"{', '.join(positions)}): rename all but one"
            )
    return CsvColumns(delimiter, header, case_col, activity_col, timestamp_col, lifecycle_col, department_col, fallback_col)


def read_csv(path: str, stream, options: ReadOptions) -> EventLog:
    builder = CaseBuilder(path, "csv", options)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = None
    try:
        delimiter, header, reader = read_header(path, text, options.max_value_bytes)
        chosen = choose_columns(path, delimiter, header, options, builder)
        case_col, activity_col, timestamp_col = chosen.case, chosen.activity, chosen.timestamp
        lifecycle_col, department_col, fallback_col = chosen.lifecycle, chosen.department, chosen.fallback
        width = len(header)
        by_case: dict[str, list] = {}
        skipped = 0
        for row in reader:
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue  # blank line
                row = row + [""] * (width - len(row))
            case_id = clean(row[case_col])
            if case_id is None:
                skipped += 1
                continue
            events = by_case.get(case_id)
            if events is None:
                events = by_case[case_id] = []
            department = row[department_col]
            events.append(
                (
                    row[activity_col] if activity_col is not None else None,
                    row[lifecycle_col] if lifecycle_col is not None else None,
                    row[timestamp_col],
                    department,
                    row[fallback_col] if fallback_col is not None else None,
                )
            )
    except UnicodeDecodeError as exc:
        # exc.object is the chunk being decoded: every line before it went to the reader
        line = (reader.line_num if reader is not None else 0) + exc.object[: exc.start].count(b"\n") + 1
        byte = exc.object[exc.start]
        raise EventLogError(f"{where(path, line)}: not UTF-8 text (byte 0x{byte:02x}): is it really a CSV event log?") from None
    except csv.Error as exc:
        raise EventLogError(f"{where(path, reader.line_num if reader else 1)}: bad CSV: {exc}") from None
    finally:
        text.detach()  # read_log closes the stream itself
    for case_id, events in by_case.items():
        # a case column: the first value given in the case holds for all its events
        value = builder.case_value(None, False, events) if builder.case_level else None
        builder.add_case(case_id, events, value)
    event_keys = set(header) if not builder.case_level else set()
    event_keys.add(builder.department_key)
    log = builder.finish(event_keys=event_keys, case_keys={c for c in header if c.startswith(CASE_PREFIX)})
    log.rows_without_case = skipped
    if skipped:
        log.notes.append(f"{skipped} rows without a case id were skipped")
    return log


def _chain_first(first: str, rest):
    # not a generator: one left suspended by a CSV error would, when collected, close `rest`
    # (the text wrapper, detached by then) and print "Exception ignored ... buffer has been detached"
    return itertools.chain((first,), rest)
