"""What the PDF's document (print.html) holds: the portfolio, each journey, each redesign.

The same contexts as the pages (index_page, journey_page, compare_page), so the PDF and
the pages always say the same; print.html lays them out on paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

WHERE_SHOWN = 3  # step titles named per problem on the findings page
# The room a landscape page leaves the diagram, width and height in mm (print.html: margins,
# the title, two lines of legend). A blueprint wrapped into rows is cut into pages of as many
# rows as fit with titles of MIN_TITLE_PT or more, so a long journey prints legibly.
DIAGRAM_ROOM_MM = {"a4": (269.0, 163.0), "letter": (251.0, 167.0)}
MIN_TITLE_PT = 6.0
MM_PER_PT = 25.4 / 72
ROW_MARGIN = 12.0  # SVG units kept above and below a page's rows (half the gap between rows)
_VIEW_BOX = re.compile(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"')


def print_context(
    result: AuditResult,
    *,
    rules: Mapping[str, Rule] | None,
    config: Config | None,
    client: bool,
    fixes: Mapping[str, list[dict]],
    paper: str = "a4",
) -> dict[str, Any]:
    from journeyaudit.reports.html.compare_page import comparison_view, pair_diff, replacement_pairs
    from journeyaudit.reports.html.environment import asset
    from journeyaudit.reports.html.index_page import index_context
    from journeyaudit.reports.html.journey_page import journey_context
    from journeyaudit.reports.html.report import page_common

    if rules is None:
        from journeyaudit.rules.registry import all_rules

        rules = all_rules()
    by_id = {r.journey.id: r for r in result.journeys}
    comparisons = {
        after.journey.id: comparison_view(pair_diff(before, after), rules, client, linked=False)
        for before, after in replacement_pairs(result)
    }
    journeys = []
    for journey_result in result.journeys:
        context = journey_context(journey_result, by_id, rules, full_diagram=False, client=client,
                                  fixes=fixes.get(journey_result.journey.id))
        for group in context["groups"]:
            titles = list(dict.fromkeys(v.step_title for v in group["findings"] if v.step_title))
            group["where"] = titles[:WHERE_SHOWN]
            group["where_more"] = max(0, len(titles) - WHERE_SHOWN)
        context["comparison"] = comparisons.get(journey_result.journey.id)
        diagram = context["diagrams"][0][1]
        context["diagram_pages"] = blueprint_pages(diagram.svg, diagram.rows, paper)
        journeys.append(context)
    return {
        **page_common(client),
        "css": asset("report.css"),
        "index": index_context(result, rules, config, client=client, fixes=fixes),
        "journeys": journeys,
    }


def blueprint_pages(svg: str | None, rows: tuple[tuple[float, float], ...], paper: str) -> list[str | None]:
    """The diagram as the landscape pages show it: a blueprint wrapped into rows cut (by its
    viewBox) into pages of consecutive rows, each as many as print with titles of at least
    MIN_TITLE_PT on the paper's landscape page; any other diagram on one page."""
    from journeyaudit.reports.html.blueprint_layout import TITLE_SIZE

    found = _VIEW_BOX.search(svg or "")
    if svg is None or not rows or found is None:
        return [svg]
    width, height = float(found.group(3)), float(found.group(4))
    room_width, room_height = DIAGRAM_ROOM_MM[paper]

    def title_pt(top: float, bottom: float) -> float:  # SVG units are points at the natural size
        mm_per_unit = min(room_width / width, room_height / (bottom - top + 2 * ROW_MARGIN))
        return TITLE_SIZE * mm_per_unit / MM_PER_PT

    groups: list[list[tuple[float, float]]] = []
    for row in rows:
        if groups and title_pt(groups[-1][0][0], row[1]) >= MIN_TITLE_PT:
            groups[-1].append(row)
        else:
            groups.append([row])
    if len(groups) == 1:
        return [svg]
    pages: list[str | None] = []
    for group in groups:
        top = max(0.0, group[0][0] - ROW_MARGIN)
        bottom = min(height, group[-1][1] + ROW_MARGIN)
        box = f'viewBox="0 {top:.2f} {width:.2f} {bottom - top:.2f}" preserveAspectRatio="xMidYMin meet"'
        pages.append(svg[: found.start()] + box + svg[found.end():])
    return pages
