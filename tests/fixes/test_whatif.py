"""The what-if engine's short cuts give what a full audit of the edited journey gives.

The engine reuses the parts of the analysis an edit cannot change, runs again
only the rules that read what the edit changed (a per-step rule only on the
steps edited) and keeps the other findings as they were. Each plan of every
shipped journey, and of rough generated journeys, is measured both ways:
the edited journey audited from scratch, with the journeys it is judged with,
must give the same figures and the same findings, fingerprints included.
"""

from __future__ import annotations

import pytest

from benchmarks.synthetic import make_journey
from journeyaudit.audit import audit_journeys
from journeyaudit.fixes.ops import NotApplicable
from journeyaudit.fixes.run import measure_journey, related_results
from journeyaudit.fixes.whatif import Baseline
from journeyaudit.loading import load_paths, load_text
from journeyaudit.loading.config import Config
from journeyaudit.rules.registry import all_rules
from tests.conftest import JOURNEYS


def shipped_audit():
    results, problems = load_paths([str(JOURNEYS)])
    assert not problems
    return audit_journeys([r.journey for r in results if r.journey is not None])


def generated_audit(seed: int):
    return audit_journeys([load_text(make_journey(40, 6, 20, 0.1, seed=seed), f"generated-{seed}.yaml").journey])


def findings_of(findings, journey_id):
    return sorted((f.fingerprint, f.rule, f.severity, f.step, f.message, f.waived) for f in findings if f.journey == journey_id)


def check_against_full_audits(audit) -> int:
    config, rules = Config(), all_rules()
    measured = 0
    for result in audit.journeys:
        related = related_results(result, audit.journeys)
        fixes = measure_journey(result, config, rules, related)
        base = Baseline(result, config, rules, related)
        choices = [[plan] for plan in fixes.plans]
        if fixes.combined is not None:
            by_id = fixes.by_id()
            choices.append([by_id[fix_id].plan for fix_id in fixes.combined.applied])
        for plans in choices:
            try:
                outcome = base.measure(plans)
            except NotApplicable:
                continue
            full = audit_journeys([outcome.journey, *(other.journey for other in related)], config)
            again = next(r for r in full.journeys if r.journey.id == result.journey.id)
            ids = [plan.id for plan in plans]
            assert outcome.analysis.metrics == again.analysis.metrics, ids
            assert findings_of(outcome.findings, result.journey.id) == findings_of(again.findings, result.journey.id), ids
            before = {f.fingerprint for f in result.findings}
            after = {f.fingerprint for f in again.findings}
            assert not set(outcome.resolved) & after, ids
            assert {f.fingerprint for f in outcome.new} <= after - before, ids
            measured += 1
    return measured


def test_every_plan_of_the_shipped_journeys_measures_as_a_full_audit():
    assert check_against_full_audits(shipped_audit()) > 50


@pytest.mark.parametrize("seed", [3, 7, 11])
def test_every_plan_of_a_rough_generated_journey_measures_as_a_full_audit(seed):
    assert check_against_full_audits(generated_audit(seed)) > 10


def test_a_journey_beyond_the_work_budget_gets_the_fixes_that_fit_and_counts_the_others():
    audit = shipped_audit()
    result = next(r for r in audit.journeys if r.journey.id == "telecom-cancel-before")
    config, rules = Config(), all_rules()
    full = measure_journey(result, config, rules, related_results(result, audit.journeys))
    assert full.not_measured == 0 and len(full.fixes) > 5
    small = measure_journey(result, config, rules, related_results(result, audit.journeys), budget=100)
    assert 0 < len(small.fixes) < len(full.fixes)
    assert small.not_measured >= len(full.fixes) - len(small.fixes)
    measured = {fix.id: fix.impact for fix in full.fixes}
    assert all(measured[fix.id] == fix.impact for fix in small.fixes)  # the same figures, never guessed
    again = measure_journey(result, config, rules, related_results(result, audit.journeys), budget=100)
    assert [fix.to_json() for fix in again.fixes] == [fix.to_json() for fix in small.fixes]  # work counted, not timed
