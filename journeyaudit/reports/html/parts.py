"""What the index and the journey pages share: page files, score bands, rule descriptions."""

from __future__ import annotations

import re
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
    """A rule as pages show it: its own texts (the team's pages) and in plain words (`plain`:
    headline, fix, story citing its article by title, for `--audience client`)."""
    from journeyaudit.rules.docs import plain_words

    rule = rules.get(rule_id)
    if rule is None:
        plain = {"headline": rule_id, "fix": "", "story": "", "source": ""}
        return {"id": rule_id, "summary": rule_id, "description": "", "story": "", "fix": "", "category": "", "plain": plain}
    return {
        "id": rule_id,
        "summary": rule.summary or rule_id,
        "description": rule.description,
        "story": rule.story,
        "fix": rule.fix,
        "category": rule.category,
        "plain": plain_words(rule),
    }


_QUOTED = re.compile(r"'([a-z][a-z0-9_-]*)'")
_FORMAT_TERMS = re.compile(r" \((?:value|kind|actor|stage|segment): [a-z-]+\)")
_LIMIT = re.compile(r"\(max ([^()]+)\)")


def client_message(message: str, journey, titles: Mapping[str, str] | None = None) -> str:
    """A finding's message for a client: step and journey ids become their titles, the journey
    format's keys are left out, a rule's limit reads as the review's limit."""

    def title(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in journey.steps:
            return f"“{' '.join(journey.steps[key].title.split())}”"
        if titles and key in titles:
            return f"“{titles[key]}”"
        return match.group(0)

    text = _QUOTED.sub(title, message)
    text = _FORMAT_TERMS.sub("", text)
    return _LIMIT.sub(lambda m: f"(limit {m.group(1)})", text)


def related_journey(journey_id: str, by_id: Mapping[str, JourneyResult]) -> dict[str, Any]:
    """Another journey a portfolio finding names: its title, figures and page when it was audited."""
    target = by_id.get(journey_id)
    return {
        "id": journey_id,
        "title": target.journey.title if target else None,
        "href": page_file(journey_id) if target else None,
        "metrics": target.metrics if target else None,
    }
