"""Baselines: accepted findings recorded by fingerprint, so `check` fails only on new ones.

The file (`.journeyaudit-baseline.json` by default) is JSON, sorted and free of
timestamps and line numbers, so regenerating it on unchanged journeys gives
the same bytes and a review diff shows only real changes:

    {
      "version": 1,
      "tool": "journeyaudit",
      "findings": [
        {"fingerprint": "9f2c1e0b7d4a", "rule": "repeated-ask", "journey": "loan-payoff",
         "step": "loans-desk", "message": "asks again for ..."}
      ]
    }

Only the fingerprint matters for matching (detekt's `rule:signature`, no line
numbers); rule, journey, step and message are there for the humans who read
the file. Entries that no longer match any finding are "stale" and reported
(PHPStan's reportUnmatchedIgnoredErrors) so the file shrinks as things get fixed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from journeyaudit.common.bounded_read import open_input, read_at_most
from journeyaudit.common.text import brief, display_path, line_column, nesting_past
from journeyaudit.model.findings import Finding, Problem

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".journeyaudit-baseline.json"
_FINGERPRINT = re.compile(r"^[0-9a-f]{6,64}$")


class BaselineError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


@dataclass(slots=True)
class BaselineEntry:
    fingerprint: str
    rule: str = ""
    journey: str = ""
    step: str | None = None
    message: str = ""
    line: int = 1  # where the entry is in the baseline file (for stale reports)
    column: int = 1

    def to_json(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "journey": self.journey,
            "step": self.step,
            "message": self.message,
        }

    def describe(self) -> str:
        where = self.journey + (f"/{self.step}" if self.step else "")
        return f"{self.rule} in {where}: {self.message}" if self.rule else self.fingerprint


@dataclass(slots=True)
class Baseline:
    file: str
    entries: list[BaselineEntry] = field(default_factory=list)

    def fingerprints(self) -> set[str]:
        return {entry.fingerprint for entry in self.entries}


@dataclass(slots=True)
class BaselineMatch:
    """How the findings of a run relate to a baseline."""

    file: str
    baselined: set[str]  # fingerprints of findings found in the baseline
    stale: list[BaselineEntry]  # entries no finding matched any more

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "baselined": sorted(self.baselined),
            "stale": [dict(entry.to_json(), line=entry.line) for entry in self.stale],
        }


def entries_for(findings: list[Finding]) -> list[BaselineEntry]:
    """Baseline entries for the findings worth recording: not waived (waivers are already accepted)."""
    entries = [
        BaselineEntry(f.fingerprint, f.rule, f.journey, f.step, f.message) for f in findings if not f.waived
    ]
    entries.sort(key=lambda e: (e.journey, e.rule, e.step or "", e.fingerprint))
    return entries


def dumps(entries: list[BaselineEntry]) -> str:
    document = {
        "version": BASELINE_VERSION,
        "tool": "journeyaudit",
        "comment": "Accepted findings, by fingerprint. Regenerate with `journeyaudit baseline PATH... -o FILE`.",
        "findings": [entry.to_json() for entry in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"



def _element_offsets(text: str, start: int) -> list[int]:
    """Offsets of the elements of the JSON array whose `[` is at `start` (text known to be valid JSON)."""
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    position = _after_space(text, start + 1)
    if text[position] == "]":
        return offsets
    while True:
        offsets.append(position)
        _, position = decoder.raw_decode(text, position)
        position = _after_space(text, position)
        if text[position] == ",":
            position = _after_space(text, position + 1)
            continue
        return offsets


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# JSON strings (their brackets do not count as nesting) and single brackets.
_JSON_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')
MAX_BASELINE_BYTES = 256 * 1024 * 1024
# A baseline nests three levels deep; Python's JSON parser recurses once per level.
MAX_BASELINE_NESTING = 100


def _after_space(text: str, position: int) -> int:
    """The offset of the first character at or after `position` that is not JSON whitespace."""
    match = _JSON_SPACE.match(text, position)
    return match.end() if match else position


def load_baseline(path: str) -> Baseline:
    """Read a baseline file; raises BaselineError (file:line:column) when it cannot be used."""
    shown = display_path(path)

    def fail(message: str, line: int = 1, column: int = 1):
        raise BaselineError(Problem(shown, line, column, message, "baseline"))

    try:
        with open_input(path) as handle:  # at most the limit: `--baseline /dev/zero` must not fill the memory
            raw = read_at_most(handle, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        fail(f"baseline file not found; create it with `journeyaudit baseline PATH... -o {shown}`")
    except OSError as error:
        fail(f"cannot read the baseline file: {error.strerror or error}")
    if len(raw) > MAX_BASELINE_BYTES:
        fail(f"the baseline file is larger than {MAX_BASELINE_BYTES >> 20} MiB: is it really a baseline?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        fail("the baseline file is not UTF-8 text", before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1)
    deep = nesting_past(text, MAX_BASELINE_NESTING, _JSON_TOKENS)
    if deep is not None:
        fail(f"the JSON nests deeper than {MAX_BASELINE_NESTING} levels: not a journeyaudit baseline", *line_column(text, deep))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"the baseline file is not valid JSON: {error.msg}", error.lineno, error.colno)
    except RecursionError:
        fail("the JSON nests too deeply: not a journeyaudit baseline")
    except ValueError:  # int() refuses a number of more than 4,300 digits
        long_number = re.search(r"[0-9]{4000,}", text)
        fail("a number with thousands of digits: not a journeyaudit baseline",
             *(line_column(text, long_number.start()) if long_number else (1, 1)))
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        fail('not a journeyaudit baseline: expected an object with a "findings" list (regenerate it with `journeyaudit baseline`)')
    version = document.get("version")
    if version != BASELINE_VERSION:
        match = re.search(r'"version"\s*:', text)
        fail(
            f"baseline version {version!r} is not supported (this journeyaudit reads version {BASELINE_VERSION})",
            *(line_column(text, match.start()) if match else (1, 1)),
        )
    findings_key = re.search(r'"findings"\s*:\s*\[', text)
    offsets = _element_offsets(text, findings_key.end() - 1) if findings_key else []
    entries = []
    seen: set[str] = set()
    for index, item in enumerate(document["findings"]):
        line, column = line_column(text, offsets[index]) if index < len(offsets) else (1, 1)
        if not isinstance(item, dict):
            fail(f"baseline entry {index + 1} must be an object with a fingerprint", line, column)
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
            fail(
                f"baseline entry {index + 1} has no valid fingerprint "
                f"(6 to 64 lowercase hex digits, as `journeyaudit baseline` writes): {brief(repr(fingerprint))}",
                line,
                column,
            )
        if fingerprint in seen:
            fail(f"baseline entry {index + 1} repeats fingerprint {fingerprint}", line, column)
        seen.add(fingerprint)
        step = item.get("step")
        entries.append(
            BaselineEntry(
                fingerprint,
                str(item.get("rule") or ""),
                str(item.get("journey") or ""),
                step if isinstance(step, str) else None,
                str(item.get("message") or ""),
                line,
                column,
            )
        )
    return Baseline(shown, entries)


def match(baseline: Baseline, findings: list[Finding]) -> BaselineMatch:
    """Which findings the baseline covers, and which entries are stale."""
    present = {finding.fingerprint for finding in findings}
    known = baseline.fingerprints()
    return BaselineMatch(
        baseline.file,
        baselined=present & known,
        stale=[entry for entry in baseline.entries if entry.fingerprint not in present],
    )
