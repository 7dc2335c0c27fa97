"""--engine spark in Spark's local mode: the same report as the reference reader (skipped without Java and pyspark)."""

from __future__ import annotations

import shutil

import pytest

from tests.eventlogs.test_columnar import LOGS, csv_text, outcome

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("--engine spark needs Java", allow_module_level=True)

from journeyaudit.commands.handoffs import command as handoffs_command


def same_as_reference(path, *extra) -> str:
    spark = outcome(handoffs_command, path, "--format", "json", "--engine", "spark", *extra)
    assert spark == outcome(handoffs_command, path, "--format", "json", "--engine", "expat", *extra)
    assert spark[0] == 0
    return spark[1]


def test_spark_equals_the_reference_on_the_real_csv_log():
    report = same_as_reference(LOGS / "receipt.csv")
    assert '"handoffs": 3853' in report


def test_spark_equals_the_reference_on_a_generated_log_full_of_odd_values(tmp_path):
    departments = ["Sales", " Ops ", "EMPTY", "nan", "", None, "Légal", "Ops"]
    stamps = ["2024-01-01T10:00:00", "2024-01-01 09:59:59.5", "", "not a date", "2024-01-01T12:00:00+02:00",
              "2024-02-30T10:00:00", "2024-01-01T10:00:00"]
    cases = [(f"c{n % 5}" if n % 7 else "", [("Call", "complete", stamps[(n + i) % len(stamps)],
                                                departments[(n * 3 + i) % len(departments)], "r1") for i in range(n % 6)])
             for n in range(40)]
    path = tmp_path / "odd.csv"
    path.write_text(csv_text(cases, ";", with_group=True), encoding="utf-8")
    report = same_as_reference(path, "--top", "3")
    assert '"events_without_timestamp": 0' not in report and "rows without a case id" in report
    assert '"handoffs": 0' not in same_as_reference(path, "--department-key", "org:group")
    assert "constant within a case" in same_as_reference(path, "--department-key", "case:concept:name")
