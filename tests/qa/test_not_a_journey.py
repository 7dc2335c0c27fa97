"""QA: another YAML file in an audited folder gave a wall of problems (missing version, missing
keys, every key unknown) instead of saying it is not a journey."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


def test_a_yaml_file_with_no_journey_key_is_one_problem(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "docker-compose.yml").write_text("version: '3'\nservices:\n  web: {image: nginx}\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "docker-compose.yml" in line]
    assert len(lines) == 1, result.output
    assert "docker-compose.yml:1:1: not a journey file: none of its keys (version, services)" in lines[0]
    assert "2 files: 1 valid, 1 problem" in result.output


def test_a_journey_with_a_typo_in_its_keys_still_gets_every_detail(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("titel: Cancel\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "did you mean 'title'?" in result.output
    assert "not a journey file" not in result.output
