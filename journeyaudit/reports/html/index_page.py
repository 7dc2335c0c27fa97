"""The portfolio index: what `index.html` shows, laid out from the audit and its breakdowns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from journeyaudit.analysis import breakdowns
from journeyaudit.audit.gate import Gate
from journeyaudit.reports.fix_effect import fix_view, score_gain
from journeyaudit.reports.html.parts import client_message, page_file, related_journey, rule_info, score_band

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule


def _portfolio_pairs(result: AuditResult, rules: Mapping[str, Rule], client: bool) -> list[dict]:
    """Findings of the portfolio rules, and any finding naming other journeys, with those journeys."""
    by_id = {r.journey.id: r for r in result.journeys}
    titles = {journey_id: r.journey.title for journey_id, r in by_id.items()}
    pairs = []
    for journey_result in result.journeys:
        for finding in journey_result.findings:
            rule = rules.get(finding.rule)
            if (rule is not None and rule.portfolio) or finding.related_journeys:
                pairs.append(
                    {
                        "finding": finding,
                        "rule": rule_info(rules, finding.rule),
                        "journey": journey_result.journey,
                        "href": page_file(journey_result.journey.id),
                        "metrics": journey_result.metrics,
                        "others": [related_journey(other, by_id) for other in finding.related_journeys],
                        "message": client_message(finding.message, journey_result.journey, titles) if client
                        else finding.message,
                    }
                )
    return pairs


def _rule_counts(result: AuditResult, rules: Mapping[str, Rule]) -> list[dict]:
    counts: dict[str, dict] = {}
    for finding in result.all_findings():
        entry = counts.setdefault(
            finding.rule,
            {"rule": rule_info(rules, finding.rule), "journeys": set(), "counts": breakdowns.severity_counts([])},
        )
        entry["journeys"].add(finding.journey)
        entry["counts"]["waived" if finding.waived else finding.severity] += 1
    rows = []
    for entry in counts.values():
        entry["journeys"] = len(entry["journeys"])
        entry["total"] = sum(entry["counts"].values())
        rows.append(entry)
    # the worst severity a rule reports first, then the rules reporting most, then by id
    return sorted(
        rows,
        key=lambda e: (
            -max(breakdowns.severity_rank(s) for s, c in e["counts"].items() if c) if e["total"] else 1,
            -e["total"],
            e["rule"]["id"],
        ),
    )


def _redesigns(result: AuditResult) -> list[dict[str, Any]]:
    """Each as-is with its to-be: both scores and the figures a board asks about first."""
    from journeyaudit.reports.html.compare_page import replacement_pairs
    from journeyaudit.reports.html.journey_page import comparison_file

    pairs = []
    for before, after in replacement_pairs(result):
        pairs.append(
            {
                "before": before.journey,
                "after": after.journey,
                "before_metrics": before.metrics,
                "after_metrics": after.metrics,
                "before_href": page_file(before.journey.id),
                "after_href": page_file(after.journey.id),
                "href": comparison_file(after.journey.id),
            }
        )
    return pairs


def _portfolio_summary(result: AuditResult, rules: Mapping[str, Rule], fixes: Mapping[str, list[dict]],
                       client: bool) -> dict[str, Any]:
    """The portfolio in one screen: the hardest journeys, the commonest problems, the fixes
    that buy the most (with their journey), where customers feel worst."""
    results = result.journeys
    scores = [r.metrics.get("score", 0) for r in results]
    hardest = sorted(results, key=lambda r: (r.metrics.get("score", 0), r.journey.id))[:3]
    affected: dict[str, set[str]] = {}
    for r in results:
        for finding in r.findings:
            if not finding.waived:
                affected.setdefault(finding.rule, set()).add(r.journey.id)
    common = sorted(affected.items(), key=lambda item: (-len(item[1]), item[0]))[:3]
    ranked_fixes = sorted(
        ((fix, r.journey) for r in results for fix in (fixes.get(r.journey.id) or [])),
        key=lambda pair: (-score_gain(pair[0]), pair[1].id),
    )[:5]
    felt: list[dict[str, Any]] = []
    for r in results:
        values = [s.feeling for s in r.journey.steps.values() if s.feeling is not None]
        if values:
            lowest = min(r.journey.steps.values(), key=lambda s: (s.feeling if s.feeling is not None else 9, s.index))
            felt.append({"journey": r.journey, "href": page_file(r.journey.id), "mean": sum(values) / len(values),
                         "lowest": lowest})
    felt.sort(key=lambda f: (f["mean"], f["journey"].id))
    return {
        "mean_score": sum(scores) / len(scores) if scores else None,
        "hardest": [{"journey": r.journey, "href": page_file(r.journey.id), "metrics": r.metrics} for r in hardest],
        "common": [{"rule": rule_info(rules, rule_id), "journeys": len(ids)} for rule_id, ids in common],
        "fixes": [{"fix": fix_view(fix, journey, client), "journey": journey, "href": page_file(journey.id)}
                  for fix, journey in ranked_fixes],
        "felt": felt[:3],
        "with_errors": sum(1 for r in results if any(f.severity == "error" and not f.waived for f in r.findings)),
    }


def index_context(
    result: AuditResult,
    rules: Mapping[str, Rule],
    config: Config | None = None,
    *,
    client: bool = False,
    fixes: Mapping[str, list[dict]] | None = None,
) -> dict[str, Any]:
    from journeyaudit.reports.html.journey_page import comparison_file

    by_id = {r.journey.id: r for r in result.journeys}
    replaced_by = {r.journey.replaces: r.journey.id for r in result.journeys if r.journey.replaces in by_id}
    rows: list[dict[str, Any]] = []
    for journey_result in result.journeys:
        metrics = journey_result.metrics
        journey = journey_result.journey
        rows.append(
            {
                "journey": journey,
                "href": page_file(journey.id),
                "metrics": metrics,
                "waiting_share": breakdowns.waiting_share(metrics),
                "band": score_band(metrics.get("score")),
                "counts": breakdowns.severity_counts(journey_result.findings),
                # the comparison page of a redesign, from either of its two journeys
                "comparison": comparison_file(journey.id) if journey.replaces in by_id
                else comparison_file(replaced_by[journey.id]) if journey.id in replaced_by else None,
                "role": "to-be" if journey.replaces in by_id else "as-is" if journey.id in replaced_by else None,
            }
        )
    # Worst score first; ties by id so the order never depends on chance.
    rows.sort(key=lambda r: (r["metrics"].get("score", 0), r["journey"].id))
    gate = Gate.of(config)  # what `audit`/`check` would say in CI
    return {
        "rows": rows,
        "pairs": _portfolio_pairs(result, rules, client),
        "gate": {"fail_on": gate.fail_on, "failing": len(gate.failing(result.all_findings()))},
        "summary": result.summary(),
        "problems": result.problems,
        "rule_counts": _rule_counts(result, rules),
        "client": client,
        "redesigns": _redesigns(result),
        "portfolio": _portfolio_summary(result, rules, fixes or {}, client),
        "problem_files": [display_name(problem.file) for problem in result.problems],
    }


def display_name(path: str) -> str:
    """A file as a client's page names it: its name, not where it lies."""
    import os

    return os.path.basename(path) or path
