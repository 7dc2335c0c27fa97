"""QA: `init NAME` writes a journey that validates, whatever the name."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main


@pytest.mark.parametrize(
    "name",
    ["Card-Cancel", "a b", "9lives", "Ünï", "con:co,mma", "a: b", "#1", "'q", "%x", "[x]", "no", 'say "hi"'],
)
def test_init_with_an_odd_name_writes_a_journey_that_validates(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", name])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"{name}.yaml"
    assert written.is_file()
    check = CliRunner().invoke(main, ["validate", str(written)])
    assert check.exit_code == 0, check.output


def test_init_suggests_an_ascii_id_for_an_accented_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["init", "Résiliation"])
    assert "\nid: resiliation\n" in (tmp_path / "Résiliation.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["", "  "])
def test_init_with_an_empty_name_exits_2(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", name])
    assert result.exit_code == 2
    assert "give the journey a file name" in result.output
    assert list(tmp_path.iterdir()) == []
