"""A journey whose file name is not UTF-8: every format is written, the name shown escaped."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.ci.helpers import run_cli
from tests.conftest import EXAMPLES

FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit", "markdown"]


@pytest.fixture
def folder(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path / os.fsdecode(b"caf\xe9.yaml"))
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_is_written_for_a_file_name_that_is_not_utf8(folder, output_format):
    # SARIF and GitLab ended in "internal error: UnicodeEncodeError ... surrogates not allowed"
    result = run_cli("audit", ".", "--format", output_format, "--exit-zero", cwd=folder)
    assert result.returncode == 2, result.stderr  # the default id from the name is not valid
    assert "internal error" not in result.stderr
    assert "caf\\xe9.yaml:3:1: the file name gives the journey id 'caf\\xe9', which is not a valid id" in result.stderr
    if output_format in ("json", "sarif", "gitlab"):
        json.loads(result.stdout)


def test_the_same_journey_with_an_id_is_audited_in_every_format(folder):
    path = folder / os.fsdecode(b"caf\xe9.yaml")
    path.write_text(path.read_text().replace("journeyaudit: 1\n", "journeyaudit: 1\nid: cafe\n", 1))
    for output_format in FORMATS:
        result = run_cli("audit", ".", "--format", output_format, "--exit-zero", cwd=folder)
        assert result.returncode == 0, (output_format, result.stderr)
    result = run_cli("audit", ".", "--format", "json", "--exit-zero", "-o", "audit.json", "--html", "rep", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert json.loads((folder / "audit.json").read_text())["journeys"][0]["file"] == "caf\\xe9.yaml"
    assert (folder / "rep" / "cafe.html").exists()
