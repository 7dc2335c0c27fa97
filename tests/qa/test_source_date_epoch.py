"""QA: a malformed SOURCE_DATE_EPOCH crashed every command at import (NumPy under SciPy reads it)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES, PROJECT


@pytest.mark.parametrize("value", ["abc", "1e3", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path, value):
    result = CliRunner().invoke(
        main, ["report", str(EXAMPLES / "loan-payoff.yaml"), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": value}
    )
    assert result.exit_code == 2
    assert f"SOURCE_DATE_EPOCH={value!r} is not a date" in result.output
    assert "internal error" not in result.output


def test_a_fresh_process_gives_the_message_not_an_internal_error(tmp_path):
    # in a fresh interpreter NumPy is imported after the check: no crash at import
    env = {**os.environ, "SOURCE_DATE_EPOCH": "abc", "PYTHONPATH": str(PROJECT)}
    result = subprocess.run(
        [sys.executable, "-m", "journeyaudit", "audit", str(EXAMPLES / "loan-payoff.yaml")],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH='abc' is not a date" in result.stderr
    assert "internal error" not in result.stderr


def test_an_empty_source_date_epoch_means_unset(tmp_path):
    result = CliRunner().invoke(
        main, ["report", str(EXAMPLES / "loan-payoff.yaml"), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": ""}
    )
    assert result.exit_code == 0, result.output
    assert "generated at" not in (tmp_path / "index.html").read_text(encoding="utf-8")
