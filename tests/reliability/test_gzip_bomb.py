"""Issue 15, problem 7: `handoffs bomb.xes.gz`, 200 KB expanding to 200 MiB in one attribute, took
22-33 s and 850 MiB. Every engine stops at the cap with one line naming the option that raises it."""

from __future__ import annotations

import zlib

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "bomb.xes.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    chunk = b"x" * (1 << 20)
    with open(path, "wb") as handle:
        handle.write(packer.compress(
            b'<?xml version="1.0"?><log><trace><string key="concept:name" value="c"/><event>'
            b'<string key="org:group" value="'
        ))
        for _ in range(200):
            handle.write(packer.compress(chunk))
        handle.write(packer.compress(b'"/></event></trace></log>') + packer.flush())
    assert path.stat().st_size < 250_000
    return path


@pytest.mark.parametrize("engine", ["duckdb", "expat", "etree"])
def test_one_200_mib_attribute_stops_at_the_value_cap(bomb, engine):
    result = CliRunner().invoke(main, ["handoffs", str(bomb), "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"journeyaudit: error: {bomb}")
    assert "an XML element or attribute longer than 16 MiB: pass --max-value-size MiB to read it" in result.stderr


@pytest.mark.parametrize("engine", ["duckdb", "expat", "etree"])
def test_the_decompressed_size_cap_stops_it_first_when_lower(bomb, engine):
    result = CliRunner().invoke(main, ["handoffs", str(bomb), "--engine", engine, "--max-decompressed-size", "8"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "decompresses to more than 8 MiB" in result.stderr and "--max-decompressed-size" in result.stderr
