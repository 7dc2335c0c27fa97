"""The hand-off page of an event log: a self-contained HTML page from `handoffs.html`."""

from __future__ import annotations

import os

from journeyaudit.eventlog.handoffs import MISSING_TREATMENT, HandoffReport
from journeyaudit.reports.handoffs import path_text, percent
from journeyaudit.reports.html.environment import render

HTML_MATRIX_LIMIT = 40  # departments shown as a square matrix; more: only the busiest pairs


def render_html(report: HandoffReport, top: int) -> str:
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
