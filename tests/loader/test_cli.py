"""`validate`, `init`, `schema` and `--version` as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES, PROJECT


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_validate_accepts_the_shared_examples():
    result = run("validate", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert "2 files: 2 valid" in result.output


def test_validate_reports_every_broken_file_and_still_reads_the_others(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path / "good.yaml")
    (tmp_path / "bad.yaml").write_text((EXAMPLES / "loan-payoff.yaml").read_text().replace("wait: 18m", "wait: 18"))
    (tmp_path / "junk.yml").write_bytes(b"\x00\x01\x02binary")
    result = run("validate", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [(f["file"].rsplit("/", 1)[-1], f["valid"]) for f in document["files"]] == [
        ("bad.yaml", False),
        ("good.yaml", True),
        ("junk.yml", False),
    ]
    assert [(p["line"], p["column"], p["code"]) for p in document["problems"]] == [(31, 11, "bad-duration"), (1, 1, "binary-file")]


def test_validate_text_output_is_file_line_column_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "loan-payoff.yaml").read_text().replace("department: loans\n", "department: loan\n", 1))
    result = run("validate", str(bad))
    assert result.exit_code == 2
    line = result.stdout.splitlines()[0]
    assert line.endswith("bad.yaml:37:17: step 'loans-desk' names unknown department 'loan'; did you mean 'loans'? [unknown-reference]")


def test_validate_of_a_missing_path_exits_2():
    result = run("validate", "no/such/journeys")
    assert result.exit_code == 2
    assert "no/such/journeys:1:1: no such file or folder" in result.stdout


def test_an_unexpected_internal_error_is_one_line_and_exit_2(monkeypatch):
    import journeyaudit.commands.validate as validate

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "load_paths", explode)
    result = CliRunner().invoke(main, ["validate", str(EXAMPLES)])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: boom" in result.output
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(main, ["--debug", "validate", str(EXAMPLES)])
    assert debug.exit_code == 2 and "Traceback" in debug.output


def test_init_writes_a_journey_that_validates_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "cancel-contract").exit_code == 0
    assert run("validate", "cancel-contract.yaml").exit_code == 0
    again = run("init", "cancel-contract")
    assert again.exit_code == 2 and "already exists" in again.output
    assert run("init", "cancel-contract", "--force").exit_code == 0


def test_schema_prints_json_schema(tmp_path):
    result = run("schema")
    assert json.loads(result.stdout)["$schema"].startswith("http://json-schema.org/draft-07")
    assert run("schema", "-o", str(tmp_path / "s.json")).exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text()) == json.loads(result.stdout)


def test_version_says_whether_the_c_loader_is_used(monkeypatch):
    from journeyaudit import __version__
    from journeyaudit import loading as loader

    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith(f"journeyaudit {__version__}")
    # it says what the loader really uses, not merely one of the two texts
    assert ("with the C loader" in result.output) is loader.C_LOADER
    assert ("pure-Python loader" in result.output) is (not loader.C_LOADER)
    monkeypatch.setattr(loader, "C_LOADER", not loader.C_LOADER)
    flipped = run("--version").output
    assert ("with the C loader" in flipped) is loader.C_LOADER
    assert ("pure-Python loader" in flipped) is (not loader.C_LOADER)


def test_python_dash_m_runs_the_cli():
    completed = subprocess.run(
        [sys.executable, "-m", "journeyaudit", "validate", str(EXAMPLES)], cwd=PROJECT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
