"""Hand-off reports (`journeyaudit handoffs`) as plain text, rich tables, JSON and a self-contained HTML page."""

from __future__ import annotations

import os
from typing import Literal

from journeyaudit.common.json_text import dumps_indented
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
    return dumps_indented(report.to_dict(top=None)) + "\n"


NETWORK_EDGES = 40  # the busiest pairs drawn in the hand-off network


def top_departments(report: HandoffReport, limit: int) -> list[str]:
    """The departments in most hand-offs (in or out), most first, then by name: the matrix's rows past the limit."""
    involved: dict[str, int] = {}
    for (a, b), count in report.matrix.items():
        involved[a] = involved.get(a, 0) + count
        involved[b] = involved.get(b, 0) + count
    if len(report.departments) <= limit:
        return list(report.departments)
    return sorted(involved, key=lambda d: (-involved[d], d))[:limit]


def network_svg(report: HandoffReport) -> tuple[str | None, str | None]:
    """(SVG of the busiest hand-offs as a Graphviz network, note when it cannot be drawn)."""
    from journeyaudit.reports.html.diagrams import GraphvizMissing, clean_svg, esc, pipe

    pairs = report.top_pairs(NETWORK_EDGES)
    if not pairs:
        return None, "No hand-offs to draw."
    names = sorted({name for a, b, _ in pairs for name in (a, b)}, key=lambda d: (-report.department_events[d], d))
    node = {name: f"d{i}" for i, name in enumerate(names)}
    peak = pairs[0][2]
    lines = ['digraph handoffs {', '  graph [rankdir=LR, bgcolor="transparent", nodesep=0.35, ranksep=0.6];',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef2ff", color="#2563eb", fontname="Helvetica", fontsize=11];',
             '  edge [color="#2563eb", fontname="Helvetica", fontsize=10, arrowsize=0.6];']
    for name in names:
        lines.append(f'  {node[name]} [label=<{esc(name)}<BR/><FONT POINT-SIZE="9">{report.department_events[name]} events</FONT>>];')
    for a, b, count in pairs:
        width = 0.6 + 5.4 * count / peak
        lines.append(f'  {node[a]} -> {node[b]} [label=<{count}>, penwidth={width:.2f}];')
    lines.append("}")
    try:
        svg = pipe("\n".join(lines) + "\n", pinned=False)
    except GraphvizMissing:
        return None, "Graphviz (the dot program) is not installed: the network is not drawn; the tables below hold the same figures."
    # inline in HTML the SVG needs no namespace declarations: the page names no outside address at all
    svg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', "").replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    return clean_svg(svg, css_class="network", label=f"Hand-off network of {os.path.basename(report.log)}"), None


def render_html(report: HandoffReport, top: int) -> str:
    """A self-contained HTML page from `handoffs.html`, by the reports' one jinja environment."""
    from journeyaudit.common.durations import format_duration
    from journeyaudit.reports.html.environment import render

    departments = top_departments(report, HTML_MATRIX_LIMIT)
    show_matrix = len(departments) > 1
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
    svg, network_note = network_svg(report)

    def duration(seconds: float | None) -> str:
        return "no timestamps" if seconds is None else format_duration(seconds)

    pairs = [{"from": a, "to": b, "count": count, "gap": duration(report.handoff_gaps.get((a, b)))}
             for a, b, count in report.top_pairs(top)]
    variants = [{"path": path_text(v.path) if v.path else "(no department)", "cases": v.cases,
                 "share": percent(v.cases / report.cases if report.cases else 0.0), "throughput": duration(v.median_throughput)}
                for v in report.variants]
    return render(
        "handoffs.html",
        report=report,
        log_name=os.path.basename(report.log),
        share_handoff=percent(report.share_with_handoff),
        share_ping_pong=percent(report.share_ping_pong),
        pairs=pairs,
        pair_peak=peak,
        show_matrix=show_matrix,
        matrix_limit=HTML_MATRIX_LIMIT,
        matrix_cut=len(report.departments) > len(departments),
        departments=departments,
        matrix_rows=matrix_rows,
        network=svg,
        network_note=network_note,
        network_edges=min(NETWORK_EDGES, len(report.matrix)),
        variants=variants,
        worst=[{"case": c.case, "handoffs": c.handoffs, "events": c.events, "ping_pong": c.ping_pong, "path": path_text(c.path)} for c in report.worst],
        missing_treatment=MISSING_TREATMENT,
    )
