"""QA: a file that could not be used showed in SARIF and JUnit but not in GitLab Code Quality or GitHub annotations."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


def test_gitlab_code_quality_lists_unusable_files_as_blockers(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "broken.yaml").write_text("journeyaudit: 1\ntitle: [unclosed\n")
    for command in ("audit", "check"):
        result = CliRunner().invoke(main, [command, str(tmp_path), "--format", "gitlab"])
        assert result.exit_code == 2
        issues = json.loads(result.stdout)
        blockers = [i for i in issues if i["severity"] == "blocker"]
        assert len(blockers) == 1
        assert blockers[0]["location"]["path"].endswith("broken.yaml")
        assert blockers[0]["check_name"] == "journeyaudit/yaml-syntax"
        assert any(i["check_name"] == "repeated-ask" for i in issues)  # the other file is still reported
        fingerprints = [i["fingerprint"] for i in issues]
        assert len(set(fingerprints)) == len(fingerprints)


def test_github_annotates_an_unusable_file_on_the_file_itself(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "broken, odd: name.yaml").write_text("journeyaudit: 1\ntitle: [unclosed\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "github"])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error file=")
    assert "broken%2C odd%3A name.yaml,line=" in lines[0]  # properties escaped
    assert "title=journeyaudit%3A yaml-syntax::" in lines[0]
    assert any(line.startswith("::error ") and "broken-promise" in line for line in lines)  # the rest still annotated
