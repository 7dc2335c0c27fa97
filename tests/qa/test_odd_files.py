"""QA: files that are not plain readable files: named pipes, devices, folders that cannot be listed."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def test_a_named_pipe_called_yaml_in_a_folder_is_reported_not_waited_on(tmp_path):
    (tmp_path / "loan-payoff.yaml").write_bytes((EXAMPLES / "loan-payoff.yaml").read_bytes())
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it for reading would block until a writer comes
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "pipe.yaml:1:1: not a regular file (a pipe, a socket or a device)" in result.output
    assert "2 files: 1 valid" in result.output  # the other file is still checked


def test_a_device_given_by_name_is_not_called_missing():
    result = CliRunner().invoke(main, ["validate", os.devnull])
    assert result.exit_code == 2
    assert "not a regular file" in result.output
    assert "no such file" not in result.output


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path, monkeypatch):
    (tmp_path / "loan-payoff.yaml").write_bytes((EXAMPLES / "loan-payoff.yaml").read_bytes())
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "other.yaml").write_bytes((EXAMPLES / "loan-payoff.yaml").read_bytes())
    real_scandir = os.scandir

    def scandir(path="."):  # chmod 000 does not stop root: refuse the listing the way the kernel would
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    for command in ("validate", "audit"):
        result = CliRunner().invoke(main, [command, str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert "locked:1:1: cannot read the folder: Permission denied" in result.output
