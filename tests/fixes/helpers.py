"""Audit a journey's text, measure its fixes, write them in, audit the written text again."""

from __future__ import annotations

from journeyaudit.analysis import analyze
from journeyaudit.audit import audit_journeys
from journeyaudit.audit.run import JourneyResult
from journeyaudit.fixes.model import JourneyFixes
from journeyaudit.fixes.run import measure_journey
from journeyaudit.fixes.tobe import apply_to_text
from journeyaudit.loading import load_text
from journeyaudit.loading.config import Config
from journeyaudit.rules.registry import all_rules


def audited(text: str, file: str = "journey.yaml", config: Config | None = None) -> JourneyResult:
    loaded = load_text(text, file)
    assert loaded.ok, "\n".join(problem.format() for problem in loaded.problems)
    result = audit_journeys([loaded.journey], config or Config())
    assert not result.problems, result.problems
    return result.journeys[0]


def fixes_of(text: str, config: Config | None = None) -> tuple[JourneyResult, JourneyFixes]:
    result = audited(text, config=config)
    return result, measure_journey(result, config or Config(), all_rules())


def written(result: JourneyResult, text: str, fix_ids: list[str], fixes: JourneyFixes, config: Config | None = None) -> str:
    """The journey's text with these fixes written in (same id: fingerprints compare)."""
    plans = {plan.id: plan for plan in fixes.plans}
    chosen = [plans[fix_id] for fix_id in fix_ids]
    edited, _ = apply_to_text(result, text, chosen, config or Config(), all_rules())
    return edited


def metrics_of(text: str) -> dict:
    loaded = load_text(text, "journey.yaml")
    assert loaded.ok, "\n".join(problem.format() for problem in loaded.problems)
    return analyze(loaded.journey).metrics
