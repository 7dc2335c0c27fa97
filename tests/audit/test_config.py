"""Configuration files: discovery, rule severities and options, and located errors."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def project(tmp_path):
    journeys = tmp_path / "journeys"
    journeys.mkdir()
    shutil.copy(EXAMPLES / "loan-payoff.yaml", journeys)
    shutil.copy(EXAMPLES / "loan-application.yaml", journeys)
    return tmp_path


def findings(project, *args):
    result = CliRunner().invoke(main, ["audit", str(project / "journeys"), "--format", "json", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    return result, [f for j in document["journeys"] for f in j["findings"]]


def rules_of(found):
    return {f["rule"] for f in found}


def test_pyproject_section_turns_rules_off_and_changes_options(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.journeyaudit]\nfail-on = "warning"\n\n'
        '[tool.journeyaudit.rules]\nno-feedback = "off"\nhandoffs = { max = 5 }\n'
        'long-wait = { severity = "error", phone = "15m" }\n'
    )
    result, found = findings(project)
    assert "no-feedback" not in rules_of(found)
    assert "handoffs" not in rules_of(found)  # 5 hand-offs are no longer more than max
    waits = {f["step"]: f["severity"] for f in found if f["rule"] == "long-wait"}
    assert waits == {"call": "error"}  # only the 18-minute hold is over 15m
    assert result.exit_code == 1


def test_journeyaudit_toml_is_found_and_the_closest_file_wins(project):
    (project / "journeyaudit.toml").write_text('[rules]\nno-feedback = "off"\n')
    (project / "journeys" / "journeyaudit.toml").write_text('[rules]\nping-pong = "off"\n')
    _, found = findings(project)
    assert "ping-pong" not in rules_of(found)
    assert "no-feedback" in rules_of(found)  # the parent file is not merged


def test_a_pyproject_without_the_section_is_skipped(project):
    (project / "journeyaudit.toml").write_text('[rules]\nno-feedback = "off"\n')
    (project / "journeys" / "pyproject.toml").write_text('[project]\nname = "unrelated"\n')
    _, found = findings(project)
    assert "no-feedback" not in rules_of(found)


def test_config_flag_names_the_file_and_cli_fail_on_overrides_it(project, tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text('fail-on = "info"\n[rules]\nbroken-promise = "off"\n')
    result, found = findings(project, "--config", str(config), "--fail-on", "error")
    assert "broken-promise" not in rules_of(found)
    assert result.exit_code == 0  # no error left, and the command line said error


def test_fail_on_never_in_the_config_fails_nothing_as_on_the_command_line(project):
    (project / "journeyaudit.toml").write_text('fail-on = "never"\n')
    result, found = findings(project)
    assert any(f["severity"] == "error" for f in found)
    assert result.exit_code == 0
    (project / "journeyaudit.toml").write_text('fail-on = "error"\n')
    assert findings(project)[0].exit_code == 1


@pytest.mark.parametrize(
    "content,line,column,words",
    [
        ('[rules]\nrepeated-asks = "off"\n', 2, 1, ["unknown rule 'repeated-asks'", "did you mean 'repeated-ask'?"]),
        ('[rules]\nhandoffs = { maximum = 2 }\n', 2, 14, ["no option 'maximum'"]),
        ('[rules]\nhandoffs = { max = "two" }\n', 2, 14, ["option 'max' of rule 'handoffs' must be a number"]),
        ('[rules]\nlong-wait = { phone = "5" }\n', 2, 1, ["bare number"]),
        ('[rules]\nping-pong = "fatal"\n', 2, 1, ["error, warning, info, off"]),
        ('fail_on = "warning"\n', 1, 1, ["unknown setting 'fail_on'", "did you mean 'fail-on'?"]),
        ('[rules\n', 1, 7, ["TOML syntax error"]),
    ],
)
def test_config_mistakes_exit_2_with_file_line_column(project, content, line, column, words):
    (project / "journeyaudit.toml").write_text(content)
    result = CliRunner().invoke(main, ["audit", str(project / "journeys")])
    assert result.exit_code == 2
    message = result.stderr.strip().splitlines()[0]
    assert f"journeyaudit.toml:{line}:{column}: " in message, message
    for word in words:
        assert word in message, message
