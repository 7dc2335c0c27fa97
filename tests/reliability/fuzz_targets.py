"""Fuzz targets: bytes in, the user-visible contract checked, AssertionError when it breaks.

Each target writes the bytes to a file and runs a command on it in-process, as a user would:

- `journey_file`: `validate` then, when it validates, `audit --format json`;
- `config_file`: `audit` of a good journey with these bytes as journeyaudit.toml;
- `event_log`: `handoffs` or `discover` of a CSV, XES or gzip log;
- `baseline_file`: `check --baseline` with these bytes as the baseline;
- `bpmn_model`: `import bpmn` of these bytes, then `validate` of the journeys it wrote.

The contract: exit 0 or 1 (or 2 for bad input, with the place: `FILE:LINE:COLUMN: ...` for
journeys, configs and baselines, one line `journeyaudit: error: FILE...` for logs), never a
Python traceback or an internal error. `tests/reliability/test_fuzz_inputs.py` drives them
with hypothesis; `tests/reliability/fuzz_atheris.py` with atheris, coverage-guided.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES, REALDATA

WORKSPACE = Path(tempfile.mkdtemp(prefix="journeyaudit-fuzz-"))
(WORKSPACE / "journeyaudit.toml").write_text("")  # no configuration of a parent folder applies
GOOD_JOURNEY = WORKSPACE / "good.yaml"
GOOD_JOURNEY.write_bytes((EXAMPLES / "loan-payoff.yaml").read_bytes())

JOURNEY_SEEDS = [(EXAMPLES / name).read_bytes() for name in ("loan-payoff.yaml", "loan-application.yaml")]
CONFIG_SEEDS = [
    b'fail-on = "warning"\nexclude = ["drafts/"]\n[rules]\nno-feedback = "off"\nhandoffs = { max = 2 }\n'
    b'long-wait = { severity = "error", phone = "3m" }\n',
    b'[tool.journeyaudit]\nfail-on = "info"\n[tool.journeyaudit.budgets]\nmax_handoffs = 3\nscore = 70\n'
    b'[tool.journeyaudit.budgets.journeys.good]\nexpected_duration_s = "1h"\n',
]
CSV_SEED = (
    b"case:concept:name,concept:name,time:timestamp,org:group,org:resource\n"
    b"1,Register,2020-01-01T09:00:00,Front,ann\n1,Check,2020-01-01T10:30:00+01:00,Back,bob\n"
    b'1,"Decide, finally",2020-01-02T09:00:00Z,Front,ann\n2,Register,2020-01-03 08:00:00,Front,\n'
    b"2,Check,2020-01-03T08:05:00.123,EMPTY,bob\n"
)
XES_SEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <string key="concept:name" value="fuzz"/>
  <trace><string key="concept:name" value="case-1"/>
    <event><string key="concept:name" value="Register"/><string key="org:group" value="Front"/>
      <date key="time:timestamp" value="2020-01-01T09:00:00.000+01:00"/><string key="lifecycle:transition" value="complete"/></event>
    <event><string key="concept:name" value="Check &amp; decide"/><string key="org:group" value="Back"/>
      <date key="time:timestamp" value="2020-01-01T10:00:00Z"/></event>
  </trace>
  <trace><string key="concept:name" value="case-2"/>
    <event><string key="concept:name" value="Register"/><string key="org:resource" value="ann"/>
      <date key="time:timestamp" value="2020-01-02T09:00:00"/></event>
  </trace>
</log>
"""
BPMN_SEEDS = [(REALDATA / "bpmn" / "miwg" / name).read_bytes() for name in ("A.2.0.bpmn", "B.2.0.bpmn")]
LOG_SUFFIXES = (".csv", ".xes", ".xes.gz", ".csv.gz")

# Pieces a mutation inserts: syntax of the formats, limits, encodings, control characters.
TOKENS = [
    b":", b"-", b" ", b"\n", b"\r", b"\t", b"  ", b"[", b"]", b"{", b"}", b",", b";", b'"', b"'", b"#", b"=",
    b"&a", b"*a", b"<<: *a", b"!!python/object", b"---", b"~", b"no", b"1e999", b"-1", b"9" * 5000, b"0x", b"nan",
    b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80\xa8", b"\x1b[31m", b"\xc2\x9b", "😀".encode(),
    b"<", b">", b"</", b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;", b"&#0;", b"<![CDATA[", b"]]>", b"<?xml ", b"xmlns:a=\"\"",
    b"[" * 200, b"{a = " * 120, b"p: 2", b"next: x", b"end: success", b"asks: [a, a]", b"2020-13-45T25:61:61",
]


def _place(message: str) -> str:
    return f"\n--- input ---\n{message}"


def _invoke(args: list[str]):
    result = CliRunner().invoke(main, args)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert "Exception ignored" not in output, output
    return result


_LINE_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _assert_located(result, shown: str, text: str | None) -> None:
    """Every line about the file is `FILE:LINE:COLUMN: message [code]`, inside the file."""
    lines = [line for line in result.output.splitlines() if line.startswith(shown)]
    assert lines, f"exit 2 without a located message: {result.output!r}"
    last_line = len(_LINE_BREAKS.findall(text)) + 1 if text is not None else None
    for line in lines:
        match = re.match(re.escape(shown) + r":(\d+):(\d+): \S.* \[[a-z0-9-]+\]$", line)
        assert match, f"not FILE:LINE:COLUMN: message [code]: {line!r}"
        row, column = int(match.group(1)), int(match.group(2))
        assert row >= 1 and column >= 1, line
        if last_line is not None:
            assert row <= last_line, f"line {row} of a {last_line}-line file: {line!r}"


def journey_file(data: bytes) -> None:
    path = WORKSPACE / "mutant.yaml"
    path.write_bytes(data)
    result = _invoke(["validate", str(path)])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        try:
            text = data.decode("utf-8-sig") if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else None
        except UnicodeDecodeError:
            text = None
        _assert_located(result, str(path), text)
        return
    audited = _invoke(["audit", str(path), "--format", "json", "--exit-zero"])
    assert audited.exit_code == 0, audited.output
    document = json.loads(audited.stdout)
    assert len(document["journeys"]) == 1


def config_file(data: bytes) -> None:
    path = WORKSPACE / "fuzz.toml"
    path.write_bytes(data)
    for command in ("audit", "check"):
        result = _invoke([command, str(GOOD_JOURNEY), "--config", str(path), "--format", "json"])
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code == 2:
            _assert_located(result, str(path), None)


def event_log(data: bytes, suffix: str, command: str = "handoffs", engine: str = "expat") -> None:
    path = WORKSPACE / f"log{suffix}"
    path.write_bytes(gzip.compress(data, mtime=0) if suffix.endswith(".gz") else data)
    result = _invoke([command, str(path), "--engine", engine])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1, f"more than one line: {result.stderr!r}"
        assert lines[0].startswith(f"journeyaudit: error: {path}"), lines[0]


def baseline_file(data: bytes) -> None:
    path = WORKSPACE / "baseline.json"
    path.write_bytes(data)
    result = _invoke(["check", str(GOOD_JOURNEY), "--baseline", str(path), "--format", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        _assert_located(result, str(path), None)


def baseline_seed() -> bytes:
    path = WORKSPACE / "seed-baseline.json"
    if not path.exists():
        result = CliRunner().invoke(main, ["baseline", str(GOOD_JOURNEY), "-o", str(path)])
        assert result.exit_code == 0, result.output
    return path.read_bytes()


def mutate(data: bytes, choices) -> bytes:
    """Apply the edits `choices` yields: (operation, position, amount, token) tuples."""
    for operation, position, amount, token in choices:
        position = position % (len(data) + 1)
        if operation == "insert":
            data = data[:position] + token + data[position:]
        elif operation == "delete":
            data = data[:position] + data[position + amount :]
        elif operation == "replace":
            data = data[:position] + token + data[position + len(token) :]
        elif operation == "repeat":
            piece = data[position : position + amount]
            data = data[:position] + piece * 50 + data[position:]
        elif operation == "truncate":
            data = data[:position]
        elif operation == "flip" and data:
            at = position % len(data)
            data = data[:at] + bytes([data[at] ^ (1 << (amount % 8))]) + data[at + 1 :]
    return data


def bpmn_model(data: bytes) -> None:
    path = WORKSPACE / "model.bpmn"
    path.write_bytes(data)
    out = WORKSPACE / "imported"
    result = _invoke(["import", "bpmn", str(path), "-o", str(out), "--force"])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("journeyaudit import: "), result.stderr
        return
    written = sorted(out.glob("*.yaml"))
    assert written, result.output
    validated = _invoke(["validate", *map(str, written)])
    assert validated.exit_code == 0, validated.output  # an import that succeeds writes journeys that validate
    for file in written:
        file.unlink()
