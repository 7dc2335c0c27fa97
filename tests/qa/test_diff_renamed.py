"""QA: `diff` of a journey that changed its id (or its file name, which gives the id).

Matched by id only, it showed as removed and added: every finding "fixed" and
"new", and its old errors counted as regressions. A journey whose id changed
while its file did not is the same journey.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES

ORIGINAL = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")  # has an error finding
RENAMED = ORIGINAL.replace("journeyaudit: 1\n", "journeyaudit: 1\nid: loan-early-payoff\n", 1)


def diff_json(*args):
    result = CliRunner().invoke(main, ["diff", *args, "--format", "json", "--fail-on-regression"])
    return result, json.loads(result.stdout)


def test_a_journey_renamed_in_the_same_file_is_compared_with_its_old_self(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "loan-payoff.yaml").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "new" / "loan-payoff.yaml").write_text(RENAMED, encoding="utf-8")
    result, document = diff_json(str(tmp_path / "old"), str(tmp_path / "new"))
    assert result.exit_code == 0, result.output  # its old error is not a new one
    [journey] = document["journeys"]
    assert journey["id"] == "loan-early-payoff" and journey["renamed_from"] == "loan-payoff"
    assert journey["status"] == "changed"
    assert journey["new_findings"] == [] and journey["fixed_findings"] == [] and journey["regressions"] == []
    text = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")]).stdout
    assert "(loan-early-payoff, id was 'loan-payoff')" in text
    assert "0 added, 0 removed, 1 changed" in text


def test_two_files_given_are_compared_with_each_other_whatever_their_ids(tmp_path):
    (tmp_path / "loan-payoff.yaml").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "payoff-v2.yaml").write_text(ORIGINAL.replace("wait: 18m", "wait: 3m"), encoding="utf-8")
    result, document = diff_json(str(tmp_path / "loan-payoff.yaml"), str(tmp_path / "payoff-v2.yaml"))
    assert result.exit_code == 0, result.output
    [journey] = document["journeys"]
    assert journey["id"] == "payoff-v2" and journey["renamed_from"] == "loan-payoff"
    assert journey["new_findings"] == []  # not every finding new...
    assert [f["rule"] for f in journey["fixed_findings"]] == ["long-wait"]  # ...only the real change


def test_a_new_journey_next_to_unrelated_removed_ones_is_not_paired(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "loan-payoff.yaml").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "new" / "other.yaml").write_text(ORIGINAL, encoding="utf-8")
    _, document = diff_json(str(tmp_path / "old"), str(tmp_path / "new"))
    assert sorted(j["status"] for j in document["journeys"]) == ["added", "removed"]
    assert all(j["renamed_from"] is None for j in document["journeys"])


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_ref_pairs_a_journey_whose_id_changed_in_the_working_tree(tmp_path, monkeypatch):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "qa")
    git("config", "user.email", "qa@example.invalid")
    git("config", "commit.gpgsign", "false")
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "loan-payoff.yaml").write_text(ORIGINAL, encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "journey")
    (tmp_path / "journeys" / "loan-payoff.yaml").write_text(RENAMED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result, document = diff_json("--base-ref", "HEAD", "journeys/")
    assert result.exit_code == 0, result.output
    [journey] = document["journeys"]
    assert journey["renamed_from"] == "loan-payoff" and journey["new_findings"] == []
