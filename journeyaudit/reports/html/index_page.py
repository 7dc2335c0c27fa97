"""The portfolio index: what `index.html` shows, laid out from the audit and its breakdowns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from journeyaudit.analysis import breakdowns
from journeyaudit.audit.gate import Gate
from journeyaudit.reports.html.parts import page_file, related_journey, rule_info, score_band

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule


def _portfolio_pairs(result: AuditResult, rules: Mapping[str, Rule]) -> list[dict]:
    """Findings of the portfolio rules, and any finding naming other journeys, with those journeys."""
    by_id = {r.journey.id: r for r in result.journeys}
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


def index_context(result: AuditResult, rules: Mapping[str, Rule], config: Config | None = None) -> dict[str, Any]:
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
            }
        )
    # Worst score first; ties by id so the order never depends on chance.
    rows.sort(key=lambda r: (r["metrics"].get("score", 0), r["journey"].id))
    gate = Gate.of(config)  # what `audit`/`check` would say in CI
    return {
        "rows": rows,
        "pairs": _portfolio_pairs(result, rules),
        "gate": {"fail_on": gate.fail_on, "failing": len(gate.failing(result.all_findings()))},
        "summary": result.summary(),
        "problems": result.problems,
        "rule_counts": _rule_counts(result, rules),
    }
