"""QA: a SARIF run with more than 25,000 results is rejected by GitHub code scanning."""

from __future__ import annotations

import json

from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.reports.formats import sarif
from tests.conftest import EXAMPLES


def test_the_limit_is_githubs():
    assert sarif.MAX_RESULTS == 25_000


def test_beyond_the_limit_the_least_severe_results_are_left_out_and_said_so(monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)  # loan-payoff has 2 errors and many warnings
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES / "loan-payoff.yaml"), "--format", "sarif"])
    run = json.loads(result.stdout)["runs"][0]
    assert len(run["results"]) == 5
    assert [r["level"] for r in run["results"]].count("error") == 2  # the errors are all kept
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("results left out, the least severe first" in text for text in notes)
    assert run["invocations"][0]["executionSuccessful"] is True
