"""The CI setup of docs/ci.md is pasted by teams as is: its YAML parses, and every
`journeyaudit` command in it runs (exit 0 or 1, never a usage error) in a git
repository laid out as the docs assume, writing the files the next steps read."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.ci.helpers import EXAMPLES, PROJECT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CI_MD = (PROJECT / "docs" / "ci.md").read_text(encoding="utf-8")


def yaml_block_after(heading: str) -> str:
    section = CI_MD.split(f"\n## {heading}\n", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def github_commands() -> list[str]:
    workflow = yaml.safe_load(yaml_block_after("GitHub Actions"))
    steps = next(iter(workflow["jobs"].values()))["steps"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    runs = [line for step in steps if "run" in step for line in step["run"].splitlines()]
    return [line for line in runs if line.strip().startswith("journeyaudit ")]


def gitlab_commands() -> list[str]:
    job = next(iter(yaml.safe_load(yaml_block_after("GitLab CI")).values()))
    assert job["artifacts"]["reports"]["codequality"] and job["artifacts"]["reports"]["junit"]
    lines = [line for entry in job["script"] for line in entry.splitlines()]
    return [line.strip() for line in lines if line.strip().startswith("journeyaudit ")]


def as_argv(line: str) -> list[str]:
    """The shell line as the job runs it, with the CI variables of a pull request to main."""
    line = line.replace("${{ github.base_ref }}", "main").replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
    line = re.sub(r"\s*(\|\|.*|>>.*)$", "", line.strip())
    return shlex.split(line)[1:]


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.name", "journeyaudit tests")
    git(tmp_path, "config", "user.email", "tests@example.invalid")
    git(tmp_path, "config", "commit.gpgsign", "false")
    (tmp_path / "journeys").mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / "journeys" / example.name)
    run(tmp_path, ["baseline", "journeys/", "-o", ".journeyaudit-baseline.json"])
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "journeys and their baseline")
    git(tmp_path, "update-ref", "refs/remotes/origin/main", "HEAD")  # what `git fetch origin main` leaves
    return tmp_path


def run(cwd, argv):
    return subprocess.run(
        [sys.executable, "-m", "journeyaudit", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_every_command_of_the_documented_ci_setup_runs(repo, where):
    commands = github_commands() if where == "github" else gitlab_commands()
    assert commands and all("check" in c or "diff" in c for c in commands)
    assert any(" check " in c for c in commands)
    for line in commands:
        done = run(repo, as_argv(line))
        assert done.returncode in (0, 1), f"{line}\n{done.stderr}"
    if where == "github":
        sarif = json.loads((repo / "results.sarif").read_text(encoding="utf-8"))
        assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    else:
        assert isinstance(json.loads((repo / "gl-code-quality.json").read_text(encoding="utf-8")), list)
        assert ET.parse(repo / "journeyaudit-junit.xml").getroot().tag == "testsuites"


def test_the_documented_gate_fails_a_pull_request_that_makes_a_journey_worse(repo):
    """The last GitHub step (check with the baseline) and the diff step fail once a hand-off is added."""
    path = repo / "journeys" / "loan-application.yaml"
    text = path.read_text(encoding="utf-8")
    worse = text.replace("departments:\n", "departments:\n  back: {title: Back office, customer_facing: false}\n", 1)
    worse = re.sub(r"(\n  \w[\w-]*:\n(?:    .*\n)*?    department: )\w[\w-]*", r"\1back", worse, count=1)
    assert worse != text
    path.write_text(worse, encoding="utf-8")
    diff = next(c for c in github_commands() if "--fail-on-regression" in c)
    done = run(repo, as_argv(diff))
    assert done.returncode == 1, done.stdout + done.stderr
