"""QA: rule options of the right type but an impossible value are config errors, not crashes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.mark.parametrize(
    "content,column,words",
    [
        ("handoffs = { max = -1 }\n", 14, ["option 'max' of rule 'handoffs' must be zero or more, not -1"]),
        ("handoffs = { max = nan }\n", 14, ["option 'max' of rule 'handoffs' must be a finite number"]),
        ("departments-touched = { max = inf }\n", 25, ["must be a finite number"]),
        ("effort-asymmetry = { ratio = -2 }\n", 22, ["option 'ratio'", "zero or more"]),
        ('loyalty-penalty = { loyal = ["vip", 2] }\n', 21, ["must be a list of text, not 2"]),
    ],
)
def test_impossible_option_values_exit_2_with_file_line_column(tmp_path, content, column, words):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "journeyaudit.toml").write_text("[rules]\n" + content)
    for command in ("audit", "check"):
        result = CliRunner().invoke(main, [command, str(tmp_path / "loan-payoff.yaml")])
        assert result.exit_code == 2, result.output
        assert "internal error" not in result.output
        message = result.stderr.strip().splitlines()[0]
        assert f"journeyaudit.toml:2:{column}: " in message, message
        for word in words:
            assert word in message, message
