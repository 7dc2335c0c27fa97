"""A fix as every report shows it (terminal, pages, PDF): its summary and its measured effect in
a few words. Fixes are the audit's `fixes` (spec/output.md "Fixes"), one dict per entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeyaudit.common.durations import format_duration, format_figure, format_share
from journeyaudit.common.text import printable

# the figures of `impact` worth a word, in the order they are named: key, unit, word for fewer
_COUNTED = (
    ("expected_handoffs", "hand-off", "fewer"),
    ("expected_asks", "ask", "fewer"),
    ("expected_contacts", "contact", "fewer"),
    ("effort", "effort point", "less"),
)


def _number(impact: Mapping[str, Any], key: str) -> float:
    value = impact.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def impact_text(impact: Mapping[str, Any] | None) -> str:
    """A fix's measured effect: `score +6, 2 asks fewer, 12m less time`; unchanged figures left out."""
    impact = impact if isinstance(impact, Mapping) else {}
    parts = []
    score = _number(impact, "score")
    if score:
        parts.append(f"score {'+' if score > 0 else ''}{format_figure(score)}")
    for key, unit, fewer in _COUNTED:
        value = _number(impact, key)
        if value:
            amount = format_figure(abs(value))
            parts.append(f"{amount} {unit}{'' if amount == '1' else 's'} {fewer if value < 0 else 'more'}")
    seconds = _number(impact, "expected_duration_s")
    if seconds:
        parts.append(f"{format_duration(abs(seconds))} {'less' if seconds < 0 else 'more'} time")
    success = _number(impact, "success_rate")
    if success:
        parts.append(f"success {'+' if success > 0 else '−'}{format_share(abs(success))}")
    return ", ".join(parts)


def fix_view(fix: Mapping[str, Any], journey=None, client: bool = False) -> dict[str, str]:
    """A fix for a page: `id`, `summary` (for a client, step ids as the steps' titles) and `effect`."""
    summary = printable(str(fix.get("summary") or fix.get("id") or ""))
    if client and journey is not None:
        from journeyaudit.reports.html.parts import client_message

        summary = client_message(summary, journey)
    return {"id": printable(str(fix.get("id") or "")), "summary": summary, "effect": impact_text(fix.get("impact"))}


def score_gain(fix: Mapping[str, Any]) -> float:
    """What a fix adds to the score (the portfolio's fixes are ranked by it)."""
    impact = fix.get("impact")
    return _number(impact, "score") if isinstance(impact, Mapping) else 0.0
