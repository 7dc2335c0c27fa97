"""What the PDF's document (print.html) holds: the portfolio, each journey, each redesign.

The same contexts as the pages (index_page, journey_page, compare_page), so the PDF and
the pages always say the same; print.html lays them out on paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

WHERE_SHOWN = 3  # step titles named per problem on the findings page


def print_context(
    result: AuditResult,
    *,
    rules: Mapping[str, Rule] | None,
    config: Config | None,
    client: bool,
    fixes: Mapping[str, list[dict]],
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
        journeys.append(context)
    return {
        **page_common(client),
        "css": asset("report.css"),
        "index": index_context(result, rules, config, client=client, fixes=fixes),
        "journeys": journeys,
    }
