"""The HTML of conformance: the `conform --format html` page and the report's "Designed vs actual" section.

Renders `journeyaudit.evidence.figures.Conformance`, never computes a figure:
the journey's swimlane (the report's own diagram) with each edge drawn as
thick as its measured share and dashed when no case took it, the top
deviations, every edge designed beside measured, and the figures side by
side. One self-contained page (inline CSS, no request leaves the file),
through the report's jinja environment (autoescape on).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from journeyaudit.common.durations import format_duration, format_figure, format_share

THIN, THICK = 1.0, 9.0  # stroke widths of a measured share of 0 and of 1, in points
TOP_DEVIATIONS = 10


def _share(value: float | None) -> str:
    return "–" if value is None else format_share(value)


def _figure(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if key.endswith("_s") or key.startswith("duration"):
        return format_duration(value)
    if "rate" in key:
        return format_share(value)
    return format_figure(value)


def _diagram(conformance) -> tuple[Markup | None, Markup, str | None]:
    """(SVG with its own edge ids, CSS giving each edge its measured width, a note when not drawn)."""
    from journeyaudit.analysis import analyze
    from journeyaudit.reports.html import blueprint
    from journeyaudit.reports.html.diagrams import MISSING_GRAPHVIZ, GraphvizMissing

    journey = conformance.journey
    try:
        drawn = blueprint.render_blueprint(journey, analyze(journey), {}, prefix="measured-")
    except GraphvizMissing:
        return None, Markup(""), MISSING_GRAPHVIZ
    if drawn.svg is None:
        return None, Markup(""), drawn.note
    # its own ids (the prefix): the report's page also holds the designed diagram. Graphviz
    # writes the prefix's "-" as "&#45;": written plainly, the ids read as the CSS names them.
    svg = drawn.svg.replace('id="measured&#45;', 'id="measured-')
    rules = []
    for edge in conformance.document["edges"]:
        selector = f"#measured-{blueprint.edge_id(journey, edge['from'], edge['to'])}"
        share = edge["measured_p"] or 0.0
        width = THIN + (THICK - THIN) * share
        # the design's loop edges are dashed too: here a dash means only "no case took it"
        dashed = " stroke-dasharray: 3 4;" if not edge["count"] else " stroke-dasharray: none;"
        rules.append(f"{selector} path {{ stroke-width: {width:.2f}px;{dashed} }}")
    return Markup(svg), Markup("\n".join(rules)), None


def section_view(conformance) -> dict[str, Any]:
    """Everything the "Designed vs actual" section shows, formatted."""
    document = conformance.document
    svg, css, note = _diagram(conformance)
    figures = [
        {"label": label, "designed": _figure(designed_key, designed), "measured": _figure(measured_key, measured)}
        for label, designed_key, designed, measured_key, measured in conformance.side_by_side
    ]
    durations = document["measured"]["duration_s"]
    if durations:
        figures.append({"label": "Duration (median, p90)", "designed": "–",
                        "measured": f"{format_duration(durations['median'])}, {format_duration(durations['p90'])}"})
    title = {step_id: step.title for step_id, step in conformance.journey.steps.items()}
    deviations = [
        {"from": move["from"], "to": move["to"], "from_title": title.get(move["from"], move["from"]),
         "to_title": title.get(move["to"], move["to"]), "share": _share(move["share_of_cases"]),
         "cases": f"{move['cases']:,}", "count": f"{move['count']:,}"}
        for move in document["unexpected"][:TOP_DEVIATIONS]
    ]
    edges = [
        {"from": edge["from"], "to": edge["to"], "designed": _share(edge["designed_p"]), "measured": _share(edge["measured_p"]),
         "count": f"{edge['count']:,}", "bar": round(100 * (edge["measured_p"] or 0.0)),
         "designed_bar": round(100 * edge["designed_p"])}
        for edge in document["edges"]
    ]
    return {
        "log": document["log"],
        "map": document["map"],
        "cases": f"{document['cases']:,}",
        "events": f"{document['events']:,}",
        "cases_without_mapped_events": f"{document['cases_without_mapped_events']:,}",
        "fitness": _share(document["fitness"]),
        "fitting_cases": f"{document['fitting_cases']:,}",
        "move_fitness": _share(document["move_fitness"]),
        "moves": f"{document['moves']:,}",
        "allowed_moves": f"{document['allowed_moves']:,}",
        "unexpected_total": len(document["unexpected"]),
        "deviations": deviations,
        "edges": edges,
        "figures": figures,
        "unmapped": [{"activity": e["activity"], "events": f"{e['events']:,}"} for e in document["unmapped"][:TOP_DEVIATIONS]],
        "unmapped_total": len(document["unmapped"]),
        "svg": svg,
        "diagram_css": css,
        "diagram_note": note,
    }


def render_page(conformance) -> str:
    """The standalone page of `conform --format html`."""
    from journeyaudit import __version__
    from journeyaudit.reports.html.environment import asset, environment, generated_at

    template = environment().get_template("conform.html")
    return template.render(
        version=__version__,
        generated_at=generated_at(),
        css=asset("report.css"),
        js=asset("report.js"),
        journey=conformance.journey,
        evidence=section_view(conformance),
    )
