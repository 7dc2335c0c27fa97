"""benchmarks/handoffs_floor.py names the report's steps by their statements: each step must still be found."""

from __future__ import annotations

import duckdb

from benchmarks.handoffs_floor import OTHER, STEPS, report_steps
from benchmarks.handoffs_scale import synthetic_csv


def test_every_step_of_the_breakdown_is_a_statement_the_report_runs(tmp_path):
    path = tmp_path / "synthetic.csv"
    synthetic_csv(path, 5_000)
    original = duckdb.DuckDBPyConnection.execute
    total, steps = report_steps(path)
    assert duckdb.DuckDBPyConnection.execute is original  # the timer is taken off again
    # a renamed table or a rewritten statement would leave its step at zero and its time in "the rest"
    assert {name for name, _ in STEPS} | {OTHER} == {name for name, spent in steps.items() if spent > 0}
    assert sum(steps.values()) <= total
