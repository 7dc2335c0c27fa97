"""Hand-off reports (`journeyaudit handoffs`) as plain text, rich tables, JSON and a self-contained HTML page."""

from __future__ import annotations

import json
import os
from typing import Literal

from journeyaudit.common.text import printable
from journeyaudit.eventlog.handoffs import MISSING_TREATMENT, HandoffReport

MATRIX_LIMIT = 12  # departments shown as a square matrix in text; more: a list of pairs
HTML_MATRIX_LIMIT = 40  # ... and on the HTML page
PATH_LIMIT = 12  # departments shown of a worst case's path


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def path_text(path: list[str]) -> str:
    if len(path) > PATH_LIMIT:
        return " → ".join(path[:PATH_LIMIT]) + f" → … ({len(path) - PATH_LIMIT} more)"
    return " → ".join(path)


def summary_lines(report: HandoffReport) -> list[str]:
    source = f"{report.department_key} ({report.department_level} attribute)"
    lines = [
        f"{os.path.basename(report.log)}: {report.cases} cases, {report.events} events; departments from {source}",
        f"hand-offs: {report.handoffs}; cases with at least one: {report.cases_with_handoff} "
        f"({percent(report.share_with_handoff)}); ping-pong (x → y → x): {report.cases_with_ping_pong} "
        f"({percent(report.share_ping_pong)})",
        f"missing: {report.events_missing_department} events without a department "
        f"({report.cases_without_department} cases without any): {MISSING_TREATMENT}",
    ]
    if report.events_missing_timestamp:
        lines.append(f"{report.events_missing_timestamp} events without a usable timestamp: kept after the event before them in the file")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines


def render_text(report: HandoffReport, top: int) -> str:
    lines = summary_lines(report)
    pairs = report.top_pairs(top)
    lines.append("")
    lines.append(f"top hand-offs ({len(pairs)} of {len(report.matrix)} pairs):")
    width = max((len(a) + len(b) for a, b, _ in pairs), default=0) + 3
    for a, b, count in pairs:
        lines.append(f"  {(a + ' → ' + b).ljust(width)}  {count}")
    if not pairs:
        lines.append("  none")
    lines.append("")
    lines.append(f"worst cases ({len(report.worst)}):")
    for case in report.worst:
        flag = ", ping-pong" if case.ping_pong else ""
        lines.append(f"  {case.case}: {case.handoffs} hand-offs in {case.events} events{flag}: {path_text(case.path)}")
    if not report.worst:
        lines.append("  none")
    # departments and case ids come from the log: control characters shown as \xNN
    return "\n".join(printable(line) for line in lines) + "\n"


def print_rich(report: HandoffReport, top: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for line in summary_lines(report):
        console.print(printable(line), markup=False, highlight=False)
    departments = [printable(d) for d in report.departments]
    raw_departments = report.departments
    if 1 < len(departments) <= MATRIX_LIMIT:
        table = Table(title="Hand-off matrix (row: from, column: to)", title_justify="left")
        table.add_column("from \\ to", style="bold")
        for department in departments:
            table.add_column(department, justify="right")
        for a, shown in zip(raw_departments, departments):
            table.add_row(shown, *[str(report.matrix.get((a, b), "")) if a != b else "·" for b in raw_departments])
        console.print(table)
    pairs = Table(title=f"Top hand-offs ({min(top, len(report.matrix))} of {len(report.matrix)} pairs)", title_justify="left")
    pairs.add_column("from")
    pairs.add_column("to")
    pairs.add_column("hand-offs", justify="right")
    for a, b, count in report.top_pairs(top):
        pairs.add_row(printable(a), printable(b), str(count))
    console.print(pairs)
    worst = Table(title="Worst cases", title_justify="left")
    columns: tuple[tuple[str, Literal["left", "center", "right"]], ...] = (
        ("case", "left"), ("hand-offs", "right"), ("events", "right"), ("ping-pong", "center"), ("departments", "left"))
    for name, justify in columns:
        worst.add_column(name, justify=justify)
    for case in report.worst:
        worst.add_row(printable(case.case), str(case.handoffs), str(case.events), "yes" if case.ping_pong else "",
                      printable(path_text(case.path)))
    console.print(worst)


def render_json(report: HandoffReport, top: int) -> str:
    return json.dumps(report.to_dict(top=None), indent=2, ensure_ascii=False) + "\n"


def render_html(report: HandoffReport, top: int) -> str:
    """A self-contained HTML page from `handoffs.html`, by the reports' one jinja environment."""
    from journeyaudit.reports.html.environment import render

    departments = report.departments
    show_matrix = 1 < len(departments) <= HTML_MATRIX_LIMIT
    peak = max(report.matrix.values(), default=0)
    matrix_rows = []
    if show_matrix:
        for a in departments:
            cells = []
            for b in departments:
                count = report.matrix.get((a, b), 0)
                # alpha rounded: the page stays byte-identical for the same log
                cells.append({"count": count, "self": a == b, "alpha": round(0.08 + 0.82 * count / peak, 3) if count and peak else 0})
            matrix_rows.append({"department": a, "cells": cells, "out": sum(report.matrix.get((a, b), 0) for b in departments)})
    return render(
        "handoffs.html",
        report=report,
        log_name=os.path.basename(report.log),
        share_handoff=percent(report.share_with_handoff),
        share_ping_pong=percent(report.share_ping_pong),
        pairs=report.top_pairs(top),
        pair_peak=peak,
        show_matrix=show_matrix,
        matrix_limit=HTML_MATRIX_LIMIT,
        departments=departments,
        matrix_rows=matrix_rows,
        worst=[{"case": c.case, "handoffs": c.handoffs, "events": c.events, "ping_pong": c.ping_pong, "path": path_text(c.path)} for c in report.worst],
        missing_treatment=MISSING_TREATMENT,
    )
