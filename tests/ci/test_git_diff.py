"""`diff --base-ref`: old versions read from git in a repository made in tmp_path."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.ci.helpers import CLEAN, run_cli, write
from tests.ci.test_diff import WORSE

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.name", "journeyaudit tests")
    git(tmp_path, "config", "user.email", "tests@example.invalid")
    git(tmp_path, "config", "commit.gpgsign", "false")
    write(tmp_path, "journeys/address.yaml", CLEAN)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "a journey")
    return tmp_path


def test_a_new_hand_off_is_a_regression(repo):
    write(repo, "journeys/address.yaml", WORSE)  # adds a hand-off to a phoning back office
    result = run_cli("diff", "--base-ref", "HEAD", "journeys/", "--fail-on-regression", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "journeys/address.yaml" in result.stdout
    assert "+ step check (added)" in result.stdout
    assert "max_handoffs" in result.stdout and "regression: max_handoffs got worse" in result.stdout
    # without the flag the report is the same and the exit code 0
    assert run_cli("diff", "--base-ref", "HEAD", "journeys/", cwd=repo).returncode == 0


def test_committed_change_compared_with_an_older_commit(repo):
    write(repo, "journeys/address.yaml", WORSE)
    git(repo, "commit", "-q", "-am", "worse")
    assert run_cli("diff", "--base-ref", "HEAD", "journeys", "--fail-on-regression", cwd=repo).returncode == 0
    result = run_cli("diff", "--base-ref", "HEAD~1", "journeys", "--fail-on-regression", "--format", "markdown", cwd=repo)
    assert result.returncode == 1
    assert "HEAD~1" in result.stdout and "```mermaid" in result.stdout


def test_journeys_new_since_the_ref_and_a_path_inside_the_repo(repo):
    write(repo, "journeys/team/new.yaml", CLEAN)
    result = run_cli("diff", "--base-ref", "HEAD", ".", "--format", "json", cwd=repo / "journeys")
    assert result.returncode == 0, result.stderr
    import json

    statuses = {j["id"]: j["status"] for j in json.loads(result.stdout)["journeys"]}
    assert statuses == {"address": "unchanged", "new": "added"}


def test_a_bad_ref_exits_2_with_a_clear_message(repo):
    result = run_cli("diff", "--base-ref", "no-such-branch", "journeys", cwd=repo)
    assert result.returncode == 2
    assert "unknown git ref 'no-such-branch'" in result.stderr
    result = run_cli("diff", "--base-ref", "origin/main", "journeys", cwd=repo)
    assert result.returncode == 2
    assert "fetch-depth: 0" in result.stderr
    assert run_cli("diff", "--base-ref", "--help-me", "journeys", cwd=repo).returncode == 2


def test_not_a_repository_exits_2(tmp_path):
    folder = tmp_path / "plain"
    write(folder, "journeys/address.yaml", CLEAN)
    result = run_cli("diff", "--base-ref", "HEAD", "journeys", cwd=folder, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


def test_three_dots_compare_with_the_merge_base_not_the_target_branch_tip(repo):
    """A pull request is judged on its own changes: main improved a journey after the
    branch was made; REF... (merge base) does not blame the pull request for that."""
    write(repo, "journeys/address.yaml", WORSE)
    git(repo, "commit", "-q", "-am", "the journey as it was when the branch was made")
    git(repo, "checkout", "-q", "-b", "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, "journeys/address.yaml", CLEAN)
    git(repo, "commit", "-q", "-am", "main fixes the journey meanwhile")
    git(repo, "checkout", "-q", "feature")
    write(repo, "journeys/other.yaml", CLEAN.replace("Change the delivery address", "Another journey"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the pull request only adds a journey")
    tip = run_cli("diff", "--base-ref", "main", "journeys", "--fail-on-regression", "--format", "json", cwd=repo)
    assert tip.returncode == 1  # against main's tip, main's fix looks undone by the pull request
    merge_base = run_cli("diff", "--base-ref", "main...", "journeys", "--fail-on-regression", "--format", "json", cwd=repo)
    assert merge_base.returncode == 0, merge_base.stdout + merge_base.stderr
    import json

    statuses = {j["id"]: j["status"] for j in json.loads(merge_base.stdout)["journeys"]}
    assert statuses == {"address": "unchanged", "other": "added"}


def test_three_dots_without_a_common_ancestor_or_with_an_unknown_ref_exit_2(repo):
    result = run_cli("diff", "--base-ref", "no-such-branch...", "journeys", cwd=repo)
    assert result.returncode == 2 and "unknown git ref 'no-such-branch'" in result.stderr
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    git(repo, "commit", "-q", "-m", "no common history")
    result = run_cli("diff", "--base-ref", "main...", "journeys", cwd=repo)
    assert result.returncode == 2 and "no common ancestor" in result.stderr


def test_an_evidence_map_in_the_folder_is_no_journey_on_either_side(repo):
    write(repo, "journeys/evidence/address.map.yaml", "journeyaudit-map: 1\njourney: address\nactivities: {}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a map")
    result = run_cli("diff", "--base-ref", "HEAD", "journeys/", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "address.map.yaml" not in result.stderr + result.stdout
    import json

    assert [j["id"] for j in json.loads(result.stdout)["journeys"]] == ["address"]
