"""Which engine reads a log: `duckdb` (the columnar default) or the reference reader (`expat`, `etree`).

The reference reader (reader.py) holds the log in memory as Python objects;
it stays as the definition the other engines are tested against.
"""

from __future__ import annotations

import os

from journeyaudit.eventlog.cases import EventLog, EventLogError, ReadOptions
from journeyaudit.eventlog.handoffs import HandoffReport, measure_handoffs

COLUMNAR_ENGINES = ("duckdb",)
CLUSTER_ENGINES = ("spark",)  # hand-offs only, on paths Spark reads
REFERENCE_ENGINES = ("expat", "etree")  # the reference reader with that XML parser
ENGINES = COLUMNAR_ENGINES + REFERENCE_ENGINES + CLUSTER_ENGINES
DEFAULT_ENGINE = "duckdb"


def handoffs_from_file(path: str | os.PathLike, options: ReadOptions, engine_options=None, worst: int = 10) -> HandoffReport:
    """Read a log with the engine options.engine names and measure its hand-offs."""
    if options.engine in REFERENCE_ENGINES:
        from journeyaudit.eventlog.reader import read_log

        return measure_handoffs(read_log(path, options), worst=worst)
    if options.engine in CLUSTER_ENGINES:
        from journeyaudit.eventlog.spark_engine import spark_handoffs

        return spark_handoffs(os.fspath(path), options, worst)
    from journeyaudit.eventlog.columnar import columnar_handoffs

    return columnar_handoffs(path, _xml_options(options), engine_options, worst)


def open_log(path: str | os.PathLike, options: ReadOptions, engine_options=None) -> EventLog:
    """The log as an EventLog: a ColumnarLog (close it) for duckdb, the reference EventLog otherwise."""
    if options.engine in CLUSTER_ENGINES:
        raise EventLogError(f"--engine {options.engine} measures hand-offs only: use --engine duckdb here")
    if options.engine in REFERENCE_ENGINES:
        from journeyaudit.eventlog.reader import read_log

        return read_log(path, options)
    from journeyaudit.eventlog.columnar import open_columnar

    return open_columnar(path, _xml_options(options), engine_options)


def _xml_options(options: ReadOptions) -> ReadOptions:
    """XES the columnar engine's scanner does not recognise goes to the streaming expat callbacks."""
    from dataclasses import replace

    return replace(options, engine="expat")
