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


def test_the_hook_given_every_file_it_selects_in_this_repository_reads_only_journeys():
    """What pre-commit would pass on a commit touching every file under journeys/, evidence maps included."""
    import re

    from tests.ci.helpers import run_cli

    hook = {hook["id"]: hook for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    selected = hook["journeyaudit"]
    names = sorted(path.relative_to(PROJECT).as_posix() for path in (PROJECT / "journeys").rglob("*.y*ml"))
    assert any(name.endswith(".map.yaml") for name in names)  # the shipped evidence maps are among them
    files = [n for n in names if re.search(selected["files"], n) and not re.search(selected.get("exclude", "^$"), n)]
    assert files and not any(name.endswith(".map.yaml") for name in files)
    result = run_cli("check", *files, cwd=PROJECT)
    assert result.returncode in (0, 1), result.stderr  # findings may fail the commit; a file read wrongly (2) never
