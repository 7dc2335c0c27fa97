"""Options and error handling shared by the event-log commands (discover, handoffs)."""

from __future__ import annotations

import functools
import sys

import click

from journeyaudit.commands._common import refuse_output
from journeyaudit.common.bounded_read import MAX_MIB
from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.eventlog.cases import (
    DEFAULT_ACTIVITY_KEY,
    DEFAULT_CASE_KEY,
    DEFAULT_MAX_DECOMPRESSED_MB,
    DEFAULT_MAX_VALUE_MB,
    DEFAULT_TIMESTAMP_KEY,
    EventLogError,
    ReadOptions,
)
from journeyaudit.eventlog.columnar_session import DEFAULT_MEMORY_LIMIT_MB, out_of_memory
from journeyaudit.eventlog.engines import DEFAULT_ENGINE, ENGINES


def log_options(function):
    """--case-key, --activity-key, --timestamp-key, --department-key, --engine and its limits."""
    decorators = [
        click.option("--case-key", default=DEFAULT_CASE_KEY, show_default=True,
                     help="Case id: a trace attribute (XES) or a column (CSV)."),
        click.option("--activity-key", default=DEFAULT_ACTIVITY_KEY, show_default=True,
                     help="Event attribute or column naming the activity."),
        click.option("--timestamp-key", default=DEFAULT_TIMESTAMP_KEY, show_default=True,
                     help="Event attribute or column with the ISO 8601 timestamp."),
        click.option("--department-key", default=None, metavar="KEY",
                     help="Event attribute or column naming the department [default: org:group, "
                          "else org:resource]. case:KEY uses a case attribute (constant within a case)."),
        click.option("--engine", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
                     help="duckdb: columnar, out of core (CSV, Parquet, XES); expat or etree: the reference reader "
                          "in memory with that XML parser (XES, CSV); spark: hand-offs as Spark jobs on any path Spark reads "
                          "(CSV, Parquet; pip install 'journeyaudit[spark]'). See docs/event-logs.md."),
        click.option("--memory-limit", type=click.IntRange(min=50, max=MAX_MIB), default=DEFAULT_MEMORY_LIMIT_MB, show_default=True,
                     metavar="MiB", help="duckdb engine: memory for sorting and grouping; past it, it spills to --temp-dir."),
        click.option("--temp-dir", type=click.Path(file_okay=False), default=None,
                     help="duckdb engine: where its temporary folder goes (removed at the end) [default: the system's]."),
        click.option("--max-decompressed-size", type=click.IntRange(min=1, max=MAX_MIB), default=DEFAULT_MAX_DECOMPRESSED_MB,
                     show_default=True, metavar="MiB", help="Largest content a gzip log may decompress to (gzip bombs)."),
        click.option("--max-value-size", type=click.IntRange(min=1, max=MAX_MIB), default=DEFAULT_MAX_VALUE_MB, show_default=True,
                     metavar="MiB", help="Largest XML element or attribute, or CSV field or line."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def read_options(case_key, activity_key, timestamp_key, department_key, engine, lifecycle=False,
                 max_decompressed_size=DEFAULT_MAX_DECOMPRESSED_MB, max_value_size=DEFAULT_MAX_VALUE_MB) -> ReadOptions:
    return ReadOptions(
        case_key=case_key,
        activity_key=activity_key,
        timestamp_key=timestamp_key,
        department_key=department_key,
        lifecycle=lifecycle,
        engine=engine,
        max_decompressed_bytes=max_decompressed_size << 20,
        max_value_bytes=max_value_size << 20,
    )


def engine_options(memory_limit: int, temp_dir: str | None):
    from journeyaudit.eventlog.columnar import EngineOptions

    return EngineOptions(memory_limit_mb=memory_limit, temp_dir=temp_dir)


def fail(message: str) -> None:
    from journeyaudit.common.text import printable

    click.echo(printable(f"journeyaudit: error: {message}"), err=True)  # names from the log may hold control characters
    raise SystemExit(EXIT_USAGE)


def engine_failure(log: str | None, error: Exception, memory_limit: int | None) -> str:
    """A DuckDB error as one line naming the log."""
    text = str(error)
    if out_of_memory(error):
        if memory_limit is None:  # a command without the option (conform): DuckDB's default limit
            return f"{log}: out of memory in the columnar engine: free memory, or read a smaller extract of the log"
        return (f"{log}: out of memory within --memory-limit {memory_limit} MiB: raise it (DuckDB spills the rest "
                "to --temp-dir, which needs room too)")
    return f"{log}: the columnar engine failed: {text.splitlines()[0] if text else type(error).__name__}"


def one_line_errors(function):
    """Bad input becomes one line on stderr and exit 2, never a traceback."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except EventLogError as error:
            fail(str(error))
        except MemoryError:
            fail("out of memory reading the log")
        except Exception as error:
            duckdb = sys.modules.get("duckdb")
            if duckdb is None or not isinstance(error, duckdb.Error):
                raise
            # the columnar engine refused something the readers did not word: still one line, never a traceback
            fail(engine_failure(kwargs.get("log"), error, kwargs.get("memory_limit")))

    return wrapper


def write_text(text: str, output: str | None, *, inputs=(), overwrite: bool | None = None) -> None:
    """Print, or write `output` through the safe writer (never over the log itself); exit 2 when refused.

    overwrite None: a regenerated output (handoffs), which replaces an earlier one but never a journey or a map;
    else whether an existing file may be replaced (a draft: `--force`)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from journeyaudit.common.safe_write import REGENERATED, UnsafeOutput, write_file

    try:
        write_file(output, text, inputs=inputs, overwrite=REGENERATED if overwrite is None else overwrite)
    except UnsafeOutput as refused:
        refuse_output(refused)
