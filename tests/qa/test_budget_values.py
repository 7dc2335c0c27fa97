"""QA: budgets no journey can meet (or break) were accepted: max_handoffs<=-1, success_rate>=2, score>=101."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.mark.parametrize(
    "budget,words",
    [
        ("max_handoffs<=-1", "budget for max_handoffs must be zero or more"),
        ("expected_duration_s<=-5", "must be zero or more"),
        ("success_rate>=2", "budget for success_rate is a share: between 0 and 1"),
        ("success_rate>=150%", "is a share"),
        ("score>=101", "budget for score must be between 0 and 100"),
    ],
)
def test_an_impossible_budget_is_a_usage_error(budget, words):
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / "loan-payoff.yaml"), "--budget", budget])
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_an_impossible_budget_in_the_config_is_located(tmp_path):
    config = tmp_path / "journeyaudit.toml"
    config.write_text("[budgets]\nsuccess_rate = 1.5\n")
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / "loan-payoff.yaml"), "--config", str(config)])
    assert result.exit_code == 2
    assert "journeyaudit.toml:2:1: budgets: budget for success_rate is a share" in result.output
