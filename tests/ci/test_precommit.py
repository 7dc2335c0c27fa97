"""The pre-commit hook definition at the repository root."""

from __future__ import annotations

import yaml

from tests.ci.helpers import PROJECT


def test_pre_commit_hooks_file():
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    hook = by_id["journeyaudit"]
    assert hook["name"] and hook["entry"] == "journeyaudit check"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]
    assert hook["require_serial"] is True
    assert hook["files"] == "^journeys/"
    folder = by_id["journeyaudit-folder"]
    assert folder["pass_filenames"] is False and folder["args"] == ["journeys/"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
