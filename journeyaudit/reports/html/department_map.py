"""The department map of a large journey's page: departments as nodes, expected hand-offs on the edges."""

from __future__ import annotations

from journeyaudit.reports.html.diagrams import (
    FONT,
    HANDOFF_COLOUR,
    INK,
    MUTED,
    SEVERITY_FILL,
    SEVERITY_STROKE,
    DiagramResult,
    clean_svg,
    esc,
    lane_order,
    pipe,
    safe_id,
    short_number,
    without_titles,
)


def render_department_map(journey, matrix: dict[tuple[str, str], float], dept_severity, dept_steps) -> DiagramResult:
    """Departments as nodes, expected hand-offs per customer on the edges."""
    order = lane_order(journey)
    lines = [
        "digraph departments {",
        f'  graph [rankdir=LR bgcolor="transparent" fontname="{FONT}" nodesep=0.5 ranksep=1.1 pad=0.2 newrank=true];',
        f'  node [shape=box style="rounded,filled" penwidth=1.4 fontname="{FONT}" margin="0.18,0.1"];',
        f'  edge [fontname="{FONT}" fontsize=10 fontcolor="{HANDOFF_COLOUR}" color="{HANDOFF_COLOUR}" arrowsize=0.8];',
    ]
    groups = [
        ("facing", "Customer-facing", [d for d in order if _facing(journey, d)]),
        ("back", "Back office (below the line of visibility)", [d for d in order if not _facing(journey, d)]),
    ]
    for key, title, members in groups:
        if not members:
            continue
        lines.append(f"  subgraph cluster_{key} {{")
        lines.append(f'    id="group-{key}";')
        lines.append(
            f'    graph [label=<<font point-size="12" color="{MUTED}">{esc(title)}</font>> labeljust=l '
            f'style="rounded,filled" color="#eaecf0" fillcolor="{"#f9fafb" if key == "facing" else "#f4f3ff"}"];'
        )
        for department in members:
            severity = dept_severity.get(department)
            label = (
                '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
                f'<tr><td><font point-size="12" color="{INK}"><b>{esc(journey.department_title(department))}</b></font></td></tr>'
                f'<tr><td><font point-size="9" color="{MUTED}">{dept_steps.get(department, 0)} steps</font></td></tr></table>>'
            )
            lines.append(
                f'    "{safe_id(department)}" [id="dept-{safe_id(department)}" class="department sev-{severity or "none"}" '
                f'fillcolor="{SEVERITY_FILL[severity]}" color="{SEVERITY_STROKE[severity]}" label={label}];'
            )
        lines.append("  }")
    biggest = max(matrix.values(), default=0.0) or 1.0
    for (source, target), value in sorted(matrix.items(), key=lambda item: (order.index(item[0][0]), order.index(item[0][1]))):
        if value <= 0:
            continue
        width = 1.0 + 3.0 * value / biggest
        lines.append(
            f'  "{safe_id(source)}" -> "{safe_id(target)}" [id="handoff-{order.index(source)}-{order.index(target)}" '
            f'penwidth={short_number(width)} label=<{esc(_handoff_label(value))}>];'
        )
    lines.append("}")
    svg = pipe("\n".join(lines) + "\n", pinned=False)
    svg = clean_svg(svg, css_class="diagram department-map", label=f"Department map of {journey.title}")
    return DiagramResult(without_titles(svg))


def _handoff_label(value: float) -> str:
    return "<0.01" if value < 0.005 else short_number(value)


def _facing(journey, department: str) -> bool:
    item = journey.departments.get(department)
    return item.customer_facing if item else True
