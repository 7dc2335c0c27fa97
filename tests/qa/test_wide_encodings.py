"""QA: a journey saved as UTF-16 (PowerShell 5's `>` does it) was "a binary file"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_journey_in_utf16_or_utf32_with_a_bom_is_read(tmp_path, encoding):
    text = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # what PowerShell writes: little endian with a BOM
    path = tmp_path / "loan-payoff.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_positions_in_a_utf16_journey_are_those_of_the_text(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_bytes("journeyaudit: 1\ntitle: A\ntitle: B\n".encode("utf-16"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "dup.yaml:3:1: duplicate key 'title'" in result.output
