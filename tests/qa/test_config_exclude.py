"""QA: the configuration's `exclude` globs were accepted and silently ignored."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def project(tmp_path, monkeypatch):
    journeys = tmp_path / "journeys"
    (journeys / "drafts").mkdir(parents=True)
    shutil.copy(EXAMPLES / "loan-payoff.yaml", journeys)
    (journeys / "drafts" / "wip.yaml").write_text("journeyaudit: 1\ntitle: [unfinished\n")
    (journeys / "scratch.yaml").write_text("")
    (tmp_path / "journeyaudit.toml").write_text('exclude = ["journeys/drafts/", "scratch.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "args,code",
    [
        (["validate", "journeys"], 0),
        (["audit", "journeys", "--exit-zero"], 0),
        (["check", "journeys", "--fail-on", "never"], 0),
        (["baseline", "journeys", "-o", "baseline.json"], 0),
    ],
)
def test_excluded_files_are_neither_read_nor_reported(project, args, code):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    assert "wip.yaml" not in result.output and "scratch.yaml" not in result.output


def test_exclude_names_the_config_folder_relative_path_even_from_elsewhere(project, monkeypatch):
    monkeypatch.chdir(project / "journeys")
    result = CliRunner().invoke(main, ["validate", "."])
    assert result.exit_code == 0, result.output
    assert "1 file: 1 valid" in result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_base_ref_excludes_the_same_files_in_the_old_version(project):
    def git(*args):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "qa")
    git("config", "user.email", "qa@example.invalid")
    git("config", "commit.gpgsign", "false")
    git("add", ".")
    git("commit", "-q", "-m", "journeys")
    result = CliRunner().invoke(main, ["diff", "--base-ref", "HEAD", "journeys"])
    assert result.exit_code == 0, result.output
    assert "wip.yaml" not in result.output and "scratch.yaml" not in result.output
