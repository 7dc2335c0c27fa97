"""A project folder to run commands in: a good journey and a configuration of its own."""

from __future__ import annotations

import shutil

import pytest

from tests.ci.test_git_diff import repo  # noqa: F401 - a git repository with journeys/address.yaml
from tests.conftest import EXAMPLES


@pytest.fixture
def project(tmp_path, monkeypatch):
    """tmp_path as the working folder, with good.yaml (loan-payoff) and an empty journeyaudit.toml
    (so no configuration of a parent folder applies)."""
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path / "good.yaml")
    (tmp_path / "journeyaudit.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path
