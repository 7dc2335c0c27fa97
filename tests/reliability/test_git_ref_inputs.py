"""`diff --base-ref`: what the history holds is hostile input too (`repo`: tests/ci/test_git_diff.py's fixture)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.ci.helpers import run_cli, write
from tests.ci.test_git_diff import git
from tests.reliability.test_descriptions import JOURNEY, TEXT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def commit(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "state")


def test_a_huge_file_in_the_history_is_refused_by_its_size_not_read(repo):
    write(repo, "journeys/huge.yaml", "# " + "x" * (2 << 20) + "\n")
    commit(repo)
    result = run_cli("diff", "--base-ref", "HEAD", "journeys", "--max-file-size", "1", cwd=repo)
    assert "journeys/huge.yaml:1:1: the file at HEAD is larger than the limit" in result.stderr
    assert "internal error" not in result.stderr


def test_a_link_named_like_a_journey_in_the_history_is_left_out(repo):
    os.symlink("address.yaml", repo / "journeys" / "link.yaml")
    commit(repo)
    os.unlink(repo / "journeys" / "link.yaml")
    result = run_cli("diff", "--base-ref", "HEAD", "journeys", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "link.yaml" not in result.stdout + result.stderr  # not read as the text "address.yaml"


def test_a_journey_whose_name_is_not_utf8_is_read_at_the_ref(repo):
    name = os.fsdecode(b"caf\xe9.yaml")
    write(repo, f"journeys/{name}", JOURNEY.format(**TEXT).replace("journeyaudit: 1\n", "journeyaudit: 1\nid: cafe\n"))
    commit(repo)
    result = run_cli("diff", "--base-ref", "HEAD", "journeys", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert '"cafe"' in result.stdout and '"unchanged"' in result.stdout


def test_a_ref_of_many_dots_is_refused_not_a_recursion_error(repo):
    commit(repo)
    result = run_cli("diff", "--base-ref", "HEAD" + "." * 30_000, "journeys", cwd=repo)
    assert result.returncode == 2
    assert "is not a git ref" in result.stderr and "internal error" not in result.stderr
