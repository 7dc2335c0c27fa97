"""The files beside a large journey's page: every finding (CSV and JSON) and every step (CSV).

A page of 10,000 steps cannot list 25,000 findings and stay quick to open: it shows the
first findings of each rule and links these files, which hold them all. CSV cells that a
spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading `'`; control
characters are shown as escapes, as everywhere else.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from journeyaudit import __version__
from journeyaudit.common.safe_write import is_own_page
from journeyaudit.common.text import printable

if TYPE_CHECKING:
    from journeyaudit.audit.run import JourneyResult

FINDINGS_HEADER = ["journey", "rule", "severity", "waived", "step", "step_title", "line", "column", "message", "fingerprint"]
CLIENT_FINDINGS_HEADER = ["journey", "problem", "severity", "accepted", "step", "message"]
STEPS_HEADER = ["journey", "step", "title", "department", "channel", "actor", "kind", "phase", "wait_s", "after_s",
                "duration_s", "visits", "findings"]
_HEADERS = [",".join(h).encode() + b"\n" for h in (FINDINGS_HEADER, CLIENT_FINDINGS_HEADER, STEPS_HEADER)]
_JSON_MARK = b'{\n  "generator": "journeyaudit'


def is_own_file(existing: bytes) -> bool:
    """A file of an earlier report: a page, or one of these files (their first bytes say so)."""
    return is_own_page(existing) or existing.startswith(_JSON_MARK) or any(existing.startswith(h) for h in _HEADERS)


def _cell(value) -> str:
    text = printable("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def findings_files(journey_result: JourneyResult, names: dict[str, str], client: bool) -> dict[str, str]:
    """File name -> text of the findings CSV and JSON and the steps CSV of one journey."""
    from journeyaudit.reports.html.parts import client_message
    from journeyaudit.rules.docs import PLAIN_WORDS

    journey = journey_result.journey
    steps = journey.steps
    findings = journey_result.findings
    rows: list[list]
    if client:
        rows = [
            [journey.title, PLAIN_WORDS.get(f.rule, (f.rule, ""))[0], f.severity, "yes" if f.waived else "",
             steps[f.step].title if f.step in steps else "", client_message(f.message, journey)]
            for f in findings
        ]
        findings_csv = _csv(CLIENT_FINDINGS_HEADER, rows)
        listed = [dict(zip(CLIENT_FINDINGS_HEADER, row)) for row in rows]
    else:
        rows = [
            [journey.id, f.rule, f.severity, "yes" if f.waived else "", f.step or "",
             steps[f.step].title if f.step in steps else "", f.line, f.column, f.message, f.fingerprint]
            for f in findings
        ]
        findings_csv = _csv(FINDINGS_HEADER, rows)
        listed = [f.to_json() for f in findings]
    document = {"generator": f"journeyaudit {__version__}", "journey": journey.id if not client else journey.title,
                "findings": listed}
    visits = journey_result.analysis.visits
    by_step: dict[str, list[str]] = {}
    for f in findings:
        if f.step:
            by_step.setdefault(f.step, []).append(PLAIN_WORDS.get(f.rule, (f.rule, ""))[0] if client else f.rule)
    step_rows = [
        [journey.id if not client else journey.title, "" if client else s.id, s.title,
         journey.department_title(s.department), s.channel, s.actor, s.kind, s.phase or "",
         s.wait_s, s.after_s, s.duration_s, round(visits.get(s.id, 0.0), 3), "; ".join(by_step.get(s.id, []))]
        for s in steps.values()
    ]
    return {
        names["csv"]: findings_csv,
        names["json"]: json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        names["steps"]: _csv(STEPS_HEADER, step_rows),
    }
