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


def test_a_pyproject_with_a_broken_journeyaudit_section_is_reported_not_skipped(tmp_path, monkeypatch):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.journeyaudit]\nfail-on = "warning\n')  # unclosed string
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "loan-payoff.yaml"])
    assert result.exit_code == 2, result.output
    assert "pyproject.toml:2:19: TOML syntax error" in result.output


def test_another_tools_broken_pyproject_is_still_skipped(tmp_path, monkeypatch):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x\n')
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["audit", "loan-payoff.yaml", "--exit-zero"]).exit_code == 0


@pytest.mark.parametrize("name", ["journeyaudit.toml", "pyproject.toml"])
def test_a_config_with_a_byte_order_mark_is_read(tmp_path, monkeypatch, name):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    section = "[tool.journeyaudit.rules]" if name == "pyproject.toml" else "[rules]"
    (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + f'{section}\nno-feedback = "off"\n'.encode())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["audit", "loan-payoff.yaml", "--format", "json", "--exit-zero"])
    assert result.exit_code == 0, result.output
    assert '"no-feedback"' not in result.stdout


def test_a_config_that_is_not_utf8_names_the_line_and_column(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "journeyaudit.toml").write_bytes('[rules]\nno-feedback = "caf\xe9"\n'.encode("latin-1"))
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "loan-payoff.yaml")])
    assert result.exit_code == 2
    assert "journeyaudit.toml:2:19: the file is not UTF-8 text (byte 0xe9); save it as UTF-8" in result.output


def test_a_short_baseline_fingerprint_says_what_a_valid_one_is(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 1, "findings": [{"fingerprint": "abc"}]}')
    result = CliRunner().invoke(main, ["check", str(tmp_path / "loan-payoff.yaml"), "--baseline", str(baseline)])
    assert result.exit_code == 2
    assert "6 to 64 lowercase hex digits" in result.output  # 'abc' is hex digits: "(hex digits)" misled
