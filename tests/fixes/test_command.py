"""`journeyaudit fix`: the to-be written for every shipped journey, audited again from the file.

What a user does: `audit FILE --format json` lists the fixes with their
impact; `fix FILE --only ID -o OUT` writes the to-be; `audit OUT --format json`
must give the figures the impact announced, to the third decimal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.loading import load_text
from tests.conftest import JOURNEYS

SHIPPED = sorted(JOURNEYS.glob("*.yaml"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def audit_json(path) -> dict:
    result = run("audit", path, "--format", "json", "--exit-zero")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["journeys"][0]


def assert_figures(before: dict, after: dict, impact: dict) -> None:
    """`after` is `before` changed by `impact` (unchanged where the impact is silent), to 3 decimals."""
    for key, old in before.items():
        new = after[key]
        if key not in impact:
            assert new == old, f"{key}: {old} -> {new}, not in the impact"
        elif isinstance(new, bool):
            assert impact[key] is new, key
        else:
            assert round(new - old, 3) == pytest.approx(impact[key], abs=5e-4), f"{key}: {old} -> {new}, impact {impact[key]}"


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def is_subsequence(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return all(line in rest for line in short)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_fix_written_alone_audits_to_its_predicted_figures(path, tmp_path):
    as_is = audit_json(path)
    for index, fix in enumerate(as_is["fixes"]):
        out = tmp_path / f"to-be-{index}.yaml"
        result = run("fix", path, "--only", fix["id"], "-o", out)
        assert result.exit_code == 0, result.output
        to_be = audit_json(out)
        assert_figures(as_is["metrics"], to_be["metrics"], fix["impact"])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_fixes_are_ranked_by_score_gain_then_time_saved_then_handoffs_removed(path):
    fixes = audit_json(path)["fixes"]
    keys = [(-f["impact"].get("score", 0), f["impact"].get("expected_duration_s", 0.0),
             f["impact"].get("expected_handoffs", 0.0)) for f in fixes]
    assert keys == sorted(keys)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_to_be_of_every_shipped_journey_validates_and_keeps_the_authors_file(path, tmp_path):
    as_is = audit_json(path)
    out = tmp_path / "to-be.yaml"
    result = run("fix", path, "-o", out)
    assert result.exit_code == 0, result.output
    if not as_is["fixes"]:
        assert "no fix to apply; nothing written" in result.output
        assert not out.exists()
        return
    # fixes_combined is what auditing the file with all the fixes gives
    combined = as_is["fixes_combined"]
    assert_figures(as_is["metrics"], audit_json(out)["metrics"], combined["impact"])
    assert run("validate", out).exit_code == 0

    original, text = path.read_text(), out.read_text()
    assert is_subsequence(comment_lines(original), comment_lines(text)), "a comment of the author's file was lost"
    journey = load_text(text, str(out)).journey
    assert journey is not None
    assert journey.replaces == as_is["id"] and journey.id != as_is["id"]
    for fix_id in combined["fixes"]:
        assert re.search(rf"# fix {re.escape(fix_id)}: \S", text), f"no comment marks the change of {fix_id}"
    # lines the fixes do not touch stay byte for byte, in order
    untouched = [line for line in original.splitlines() if line.strip() and not line.startswith(("id:", "title:"))]
    kept = [line for line in untouched if line in text.splitlines()]
    assert len(kept) >= len(untouched) - 2 * len(text.split("# fix ")), "more lines changed than the fixes explain"


def broadband(tmp_path) -> Path:
    copy = tmp_path / "broadband-fault.yaml"
    copy.write_text((JOURNEYS / "broadband-fault.yaml").read_text())
    return copy


def test_fix_lists_the_fixes_with_their_effect_without_writing(tmp_path):
    source = broadband(tmp_path)
    result = run("fix", source)
    assert result.exit_code == 0, result.output
    first = audit_json(source)["fixes"][0]
    assert first["id"] in result.output and "score +" in result.output
    assert sorted(os.listdir(tmp_path)) == ["broadband-fault.yaml"]


def test_fix_never_writes_over_its_input(tmp_path):
    source = broadband(tmp_path)
    before = source.read_bytes()
    for extra in ([], ["--force"]):
        result = run("fix", source, "-o", source, *extra)
        assert result.exit_code == 2
        assert "cannot write: it is one of the inputs of this command" in result.output
    assert source.read_bytes() == before


def test_fix_never_writes_over_an_existing_file_without_force(tmp_path):
    source = broadband(tmp_path)
    out = tmp_path / "to-be.yaml"
    out.write_text("mine")
    result = run("fix", source, "-o", out)
    assert result.exit_code == 2 and "exists" in result.output
    assert out.read_text() == "mine"
    assert run("fix", source, "-o", out, "--force").exit_code == 0
    assert "replaces: broadband-fault" in out.read_text()


def test_fix_never_writes_through_a_symbolic_link(tmp_path):
    source = broadband(tmp_path)
    (tmp_path / "out.yaml").symlink_to(tmp_path / "victim.yaml")
    for extra in ([], ["--force"]):
        result = run("fix", source, "-o", tmp_path / "out.yaml", *extra)
        assert result.exit_code == 2
        assert "it is a symbolic link" in result.output
    assert not (tmp_path / "victim.yaml").exists()


def test_a_bad_journey_is_a_located_problem_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("journeyaudit: 1\ntitle: Broken\nsteps:\n  a: [unclosed\n")
    result = run("fix", bad, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2
    assert re.search(r"bad\.yaml:\d+:\d+: ", result.output), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_an_unknown_fix_id_is_refused_with_the_known_ones(tmp_path):
    source = broadband(tmp_path)
    known = audit_json(source)["fixes"][0]["id"]
    result = run("fix", source, "--only", known + "x", "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2
    assert f"no fix '{known}x'" in result.output and known in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_only_and_all_are_not_used_together(tmp_path):
    source = broadband(tmp_path)
    result = run("fix", source, "--all", "--only", "x", "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "cannot be used together" in result.output


def test_fixes_json_gives_each_journey_the_fixes_of_the_json_output(monkeypatch):
    from journeyaudit.audit import run_audit
    from journeyaudit.fixes import attach_fixes, fixes_json

    monkeypatch.chdir(JOURNEYS.parent)
    result = run("audit", "journeys", "--format", "json", "--exit-zero")
    assert result.exit_code == 0, result.output
    shown = {journey["id"]: journey["fixes"] for journey in json.loads(result.stdout)["journeys"]}
    audit = run_audit(["journeys"])
    assert fixes_json(audit) == shown
    attach_fixes(audit)  # measured once, then read as they are
    assert fixes_json(audit) == shown
    assert any(shown.values())
