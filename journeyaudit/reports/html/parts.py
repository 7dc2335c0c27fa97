"""What the index and the journey pages share: page files, score bands, rule descriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from journeyaudit.audit.run import JourneyResult
    from journeyaudit.rules.base import Rule


def page_file(journey_id: str) -> str:
    """The file of a journey's page: `<id>.html`, except that a journey called `index` gets
    `_index.html`, so it does not replace the portfolio. Ids start with a letter, so no id
    gives `_index`: two journeys never share a page, whatever their ids."""
    return "_index.html" if journey_id == "index" else f"{journey_id}.html"


def score_band(score: float | None) -> str:
    """Colour band of a score: the same thresholds on every page."""
    if score is None:
        return "none"
    if score >= 80:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


def rule_info(rules: Mapping[str, Rule], rule_id: str) -> dict[str, Any]:
    rule = rules.get(rule_id)
    if rule is None:
        return {"id": rule_id, "summary": rule_id, "description": "", "story": "", "fix": "", "category": ""}
    return {
        "id": rule_id,
        "summary": rule.summary or rule_id,
        "description": rule.description,
        "story": rule.story,
        "fix": rule.fix,
        "category": rule.category,
    }


def related_journey(journey_id: str, by_id: Mapping[str, JourneyResult]) -> dict[str, Any]:
    """Another journey a portfolio finding names: its title, figures and page when it was audited."""
    target = by_id.get(journey_id)
    return {
        "id": journey_id,
        "title": target.journey.title if target else None,
        "href": page_file(journey_id) if target else None,
        "metrics": target.metrics if target else None,
    }
