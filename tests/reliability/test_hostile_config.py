"""Hostile configuration files: every one is a located message and exit 2, never an internal error."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def project(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path / "good.yaml")
    return tmp_path


def audit(project, *extra):
    return CliRunner().invoke(main, ["audit", str(project / "good.yaml"), "--format", "json", *extra])


def test_an_array_nested_50000_deep_names_the_file_and_where(project):
    # issue 15, problem 9: "internal error: RecursionError"
    (project / "journeyaudit.toml").write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = audit(project)
    assert result.exit_code == 2, result.output
    assert "journeyaudit.toml:1:105: arrays and tables nest deeper than 100 levels" in result.stderr
    assert "internal error" not in result.output


def test_inline_tables_nested_deep_in_a_pyproject_are_refused_too(project):
    (project / "pyproject.toml").write_text(
        "[tool.journeyaudit]\nx = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"
    )
    result = audit(project)
    assert result.exit_code == 2, result.output
    assert "pyproject.toml:2:" in result.stderr and "nest deeper than 100 levels" in result.stderr


def test_brackets_inside_strings_and_comments_do_not_count_as_nesting(project):
    brackets = "[" * 300
    (project / "journeyaudit.toml").write_text(
        f'exclude = ["{brackets}", \'{brackets}\']  # {brackets}\n'
    )
    result = audit(project)
    assert result.exit_code in (0, 1), result.output


def test_a_number_of_5000_digits_is_located_not_an_internal_error(project):
    (project / "journeyaudit.toml").write_text("[rules]\nhandoffs = { max = " + "9" * 5_000 + " }\n")
    result = audit(project)
    assert result.exit_code == 2, result.output
    assert "journeyaudit.toml:2:20: a number with thousands of digits" in result.stderr
    assert "internal error" not in result.output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("journeyaudit.toml", "tool = 1\n", "journeyaudit.toml:1:1: unknown setting 'tool'"),
        ("pyproject.toml", "tool = 1\n[tool2]\n", None),  # not ours: skipped, the audit runs
    ],
)
def test_a_tool_key_that_is_not_a_table(project, name, content, expected):
    (project / name).write_text(content)
    result = audit(project)
    assert "internal error" not in result.output
    if expected:
        assert result.exit_code == 2 and expected in result.stderr, result.output
    else:
        assert result.exit_code in (0, 1), result.output
        explicit = audit(project, "--config", str(project / name))
        assert explicit.exit_code == 2
        assert "pyproject.toml:1:1: `tool` must be a table" in explicit.stderr


def test_an_endless_config_file_is_read_only_up_to_the_limit(project):
    result = audit(project, "--config", "/dev/zero")
    assert result.exit_code == 2, result.output
    assert "zero:1:1: the config file is larger than 10 MiB" in result.stderr
