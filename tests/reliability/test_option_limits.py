"""Huge numbers on the command line: the largest accepted value works, a larger one is a usage error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main

HUGE = "99999999999999999999999"
CSV = "case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n1,B,2020-01-01T01:00:00,Y\n"


@pytest.fixture
def log(project):
    (project / "log.csv").write_text(CSV)
    return "log.csv"


CASES = [
    (["audit", "good.yaml", "--exit-zero", "--max-file-size"], "1048576"),
    (["handoffs", "log.csv", "--top"], "1000000"),
    (["handoffs", "log.csv", "--engine", "duckdb", "--memory-limit"], "1048576"),
    (["handoffs", "log.csv", "--engine", "duckdb", "--max-value-size"], "1048576"),
    (["handoffs", "log.csv", "--engine", "expat", "--max-value-size"], "1048576"),
    (["handoffs", "log.csv", "--engine", "expat", "--max-decompressed-size"], "1048576"),
]


@pytest.mark.parametrize(("args", "largest"), CASES, ids=lambda c: " ".join(c) if isinstance(c, list) else c)
def test_the_largest_value_of_a_size_option_works_and_a_larger_one_is_refused(log, args, largest):
    # a 1 TiB --max-file-size was a MemoryError, --top and the engine's sizes internal errors
    assert CliRunner().invoke(main, [*args, largest]).exit_code == 0
    refused = CliRunner().invoke(main, [*args, HUGE])
    assert refused.exit_code == 2
    assert f"{HUGE} is not in the range" in refused.output and "internal error" not in refused.output
