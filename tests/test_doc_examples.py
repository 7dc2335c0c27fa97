"""Complete journeys shown in the README and the docs are valid journeys."""

from __future__ import annotations

import re

import pytest

from journeyaudit.loading import load_text
from tests.conftest import PROJECT

PAGES = ["README.md", "docs/format.md", "docs/metrics.md", "docs/report.md", "docs/journeys.md", "docs/ci.md"]
EXAMPLES = [
    (page, n, block)
    for page in PAGES
    for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", (PROJECT / page).read_text(encoding="utf-8"), re.S))
    if block.startswith("journeyaudit: 1")
]


def test_there_are_examples_to_check():
    assert {page for page, _, _ in EXAMPLES} >= {"README.md", "docs/format.md"}


@pytest.mark.parametrize("page, n, block", EXAMPLES, ids=[f"{p}#{n}" for p, n, _ in EXAMPLES])
def test_a_complete_journey_in_the_docs_validates(page, n, block):
    result = load_text(block, "example.yaml")
    assert result.problems == [], [p.message for p in result.problems]


def test_ci_runs_exactly_the_readme_test_command():
    """Issue 2: `.ci/run` calls exactly the README's test command (the second of the two)."""
    setup = (PROJECT / "README.md").read_text(encoding="utf-8").split("## Set up and run", 1)[1]
    block = re.search(r"```sh\n(.*?)```", setup, re.S).group(1)
    commands = [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(commands) == 2, commands
    ci = [line.strip() for line in (PROJECT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    ci_commands = [line for line in ci if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci_commands == [commands[1]]
    assert "python3 -m journeyaudit audit journeys/" in commands[0]  # the main job on the shipped journeys
