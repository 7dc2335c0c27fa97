"""`init NAME`: the starter journey never goes through a link planted as NAME.yaml."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_init_refuses_a_link_planted_as_the_file(tmp_path, monkeypatch, force):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cancel-card.yaml").symlink_to("outside.yaml")
    result = CliRunner().invoke(main, ["init", "cancel-card", *force])
    assert result.exit_code == 2, result.output
    assert "cancel-card.yaml: cannot write: it is a symbolic link" in result.output
    assert not (tmp_path / "outside.yaml").exists()
