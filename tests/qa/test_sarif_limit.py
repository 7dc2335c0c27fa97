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


def test_a_run_over_githubs_gzipped_size_limit_keeps_the_worst_results_and_says_so(monkeypatch):
    import gzip

    full = CliRunner().invoke(main, ["audit", str(EXAMPLES / "loan-payoff.yaml"), "--format", "sarif"]).stdout
    full_run = json.loads(full)["runs"][0]
    limit = len(gzip.compress(full.encode("utf-8"))) - 200  # just too large
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", limit)
    text = CliRunner().invoke(main, ["audit", str(EXAMPLES / "loan-payoff.yaml"), "--format", "sarif"]).stdout
    assert len(gzip.compress(text.encode("utf-8"), compresslevel=6)) <= limit
    run = json.loads(text)["runs"][0]
    assert 0 < len(run["results"]) < len(full_run["results"])
    assert [r["level"] for r in run["results"]].count("error") == 2  # the errors are all kept
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("results left out, the least severe first" in t and "MB gzipped" in t for t in notes)


def test_a_normal_run_is_never_cut():
    text = CliRunner().invoke(main, ["audit", str(EXAMPLES / "loan-payoff.yaml"), "--format", "sarif"]).stdout
    run = json.loads(text)["runs"][0]
    assert run["invocations"][0]["toolExecutionNotifications"] == []
