"""Every kind of fix: a journey it fixes and one it leaves alone.

Each rule documents its kinds of fix (`fixes`: a journey the rule reports, and
that journey once fixed, as `journeyaudit fix` writes it); the tests here run
the what-if engine on the first, write the fix into its text, audit the text
again, and compare with the prediction and with the documented journey.
Rules with no safe edit (`no_fix`) get no fix, however many findings.
"""

from __future__ import annotations

import pytest

from journeyaudit.model.findings import SEVERITY_RANK
from journeyaudit.rules.registry import all_rules
from tests.fixes.helpers import audited, fixes_of, metrics_of, written

RULES = all_rules()
KINDS = [(rule, doc) for rule in RULES.values() for doc in rule.fixes]
NO_FIX = [rule for rule in RULES.values() if not rule.fixes]
SHIPPED_KINDS = {
    "use-held-data", "cut-wait", "keep-with-department", "fewer-handoffs", "fewer-departments",
    "merge-verifications", "add-feedback", "add-follow-up", "add-retention-offer", "status-message",
    "keep-promise", "match-promise",
}


def problem(finding) -> tuple:
    """What stays one problem when a finding's way or wording changes (whatif.problem_of)."""
    if finding.step is None or getattr(RULES.get(finding.rule), "one_per_journey", False):
        return (finding.rule, finding.key)
    return (finding.rule, finding.step, finding.key)


def the_fix(fixes, kind):
    found = [fix for fix in fixes.fixes if fix.kind == kind]
    assert found, f"no {kind} fix; fixes: {[fix.id for fix in fixes.fixes]}"
    return found[0]


def check_applied(text: str, kind: str) -> None:
    """The fix of `kind` for `text`: proposed, written in, and its written text audited again."""
    before, fixes = fixes_of(text)
    fix = the_fix(fixes, kind)
    targets = {f.fingerprint for f in before.findings if f.fingerprint in fix.plan.targets}
    assert targets and targets <= set(fix.findings), "the fix names the findings it was made for"
    assert fix.impact, "a fix changes some figure"

    after = audited(written(before, text, [fix.id], fixes))
    # the written file gives exactly the predicted figures, and its impact is after minus before
    assert after.metrics == fix.metrics
    for key, value in before.metrics.items():
        new = after.metrics[key]
        if key in fix.impact:
            if isinstance(new, bool):
                assert fix.impact[key] is new
            else:
                assert round(new - value, 3) == pytest.approx(fix.impact[key], abs=1e-9), key
        else:
            assert new == value, f"{key} changed but is not in the impact"

    # the findings it names are gone; every other finding is as it was, or one the fix says is new
    after_fingerprints = {f.fingerprint for f in after.findings}
    assert not set(fix.findings) & after_fingerprints
    worst_after: dict[tuple, int] = {}
    for finding in after.findings:
        worst_after[problem(finding)] = max(worst_after.get(problem(finding), 0), SEVERITY_RANK[finding.severity])
    for finding in before.findings:
        if finding.fingerprint not in fix.findings:
            assert worst_after.get(problem(finding), 0) >= SEVERITY_RANK[finding.severity], (
                f"{finding.rule} at {finding.step} is not in the fix's findings but is gone")
    before_problems = {problem(f) for f in before.findings}
    announced = {(f.rule, f.step, f.message) for f in fix.new_findings}
    for finding in after.findings:
        if finding.fingerprint not in {f.fingerprint for f in before.findings} and problem(finding) not in before_problems:
            assert (finding.rule, finding.step, finding.message) in announced, f"unannounced new finding: {finding.message}"


def test_every_shipped_kind_is_documented_with_its_rule():
    documented = {doc.kind for _, doc in KINDS}
    assert documented >= SHIPPED_KINDS


def test_every_rule_documents_its_fixes_or_why_it_has_none():
    for rule in RULES.values():
        assert rule.fixes or len(rule.no_fix) > 40, rule.id
        for doc in rule.fixes:
            assert doc.changes and doc.safe and doc.failing and doc.passing, (rule.id, doc.kind)


@pytest.mark.parametrize(("rule", "doc"), KINDS, ids=lambda value: getattr(value, "kind", getattr(value, "id", "")))
def test_the_documented_failing_journey_gets_the_fix_and_its_predicted_figures(rule, doc):
    before = audited(doc.failing)
    assert any(f.rule == rule.id for f in before.findings), f"{rule.id} does not report its fix's failing journey"
    check_applied(doc.failing, doc.kind)


@pytest.mark.parametrize(("rule", "doc"), KINDS, ids=lambda value: getattr(value, "kind", getattr(value, "id", "")))
def test_the_documented_fixed_journey_is_what_the_fix_writes(rule, doc):
    before, fixes = fixes_of(doc.failing)
    fix = the_fix(fixes, doc.kind)
    assert metrics_of(doc.passing) == fix.metrics
    fixed = audited(doc.passing)
    resolved = {problem(f): SEVERITY_RANK[f.severity] for f in before.findings if f.fingerprint in fix.findings}
    assert not [f for f in fixed.findings if resolved.get(problem(f), 99) <= SEVERITY_RANK[f.severity]]


@pytest.mark.parametrize(("rule", "doc"), KINDS, ids=lambda value: getattr(value, "kind", getattr(value, "id", "")))
def test_a_journey_without_the_finding_gets_no_fix_of_its_kind(rule, doc):
    for text in (rule.passing, doc.passing):
        result, fixes = fixes_of(text)
        if not [f for f in result.findings if f.rule == rule.id]:
            assert not [fix for fix in fixes.fixes if fix.kind == doc.kind]
    result, fixes = fixes_of(rule.passing)
    assert not [f for f in result.findings if f.rule == rule.id and f.severity != "info"]
    assert not [fix for fix in fixes.fixes if fix.rule == rule.id]


@pytest.mark.parametrize("rule", NO_FIX, ids=lambda rule: rule.id)
def test_a_rule_without_a_safe_edit_gets_no_fix(rule):
    from journeyaudit.audit import audit_journeys
    from journeyaudit.fixes import fixes_for_result
    from journeyaudit.loading import load_text

    texts = [rule.failing] + ([rule.companion] if getattr(rule, "companion", "") else [])
    journeys = [load_text(text, f"journey-{index}.yaml").journey for index, text in enumerate(texts)]
    result = audit_journeys(journeys)
    found = [f for r in result.journeys for f in r.findings if f.rule == rule.id]
    assert found, f"{rule.id} does not report its failing example"
    fixes = fixes_for_result(result)
    assert not [fix for journey_fixes in fixes.values() for fix in journey_fixes.fixes if fix.rule == rule.id]


# -- figures worked out by hand, and findings that have no safe edit ---------------------------

def test_use_held_data_drops_the_held_asks_and_says_what_it_buys():
    rule = RULES["repeated-ask"]
    result, fixes = fixes_of(rule.failing)
    fix = the_fix(fixes, "use-held-data")
    assert fix.id == "use-held-data@block"
    assert fix.title == "Stop asking for Card number and Full name at 'block'"
    # 'block' is visited once and asked for two held items: two asks fewer, both repeated
    assert fix.impact["expected_asks"] == -2.0
    assert fix.impact["repeated_asks"] == -2
    assert fix.impact["score"] > 0
    assert [f.fingerprint for f in result.findings if f.rule == "repeated-ask"] == list(fix.findings)


POSSIBLY_HELD = """\
journeyaudit: 1
title: Report a lost card
departments:
  cards: {title: Card services}
data:
  card: {title: Card number}
steps:
  call:
    title: Call
    department: cards
    channel: phone
    next:
      - {to: app, p: 0.5}
      - {to: block, p: 0.5}
  app:
    title: Give the card number in the app
    department: cards
    channel: app
    asks: [card]
    next: block
  block:
    title: Confirm the card number
    department: cards
    channel: phone
    asks: [card]
    next: blocked
  blocked:
    title: Card blocked
    department: cards
    kind: notification
    end: success
"""


def test_an_ask_held_on_some_ways_only_is_not_dropped():
    result, fixes = fixes_of(POSSIBLY_HELD)
    assert [(f.rule, f.step, f.severity) for f in result.findings if f.rule == "repeated-ask"] == [("repeated-ask", "block", "info")]
    assert not [fix for fix in fixes.fixes if fix.kind == "use-held-data"]


def test_cut_wait_cuts_the_wait_to_the_channel_limit():
    _, fixes = fixes_of(RULES["long-wait"].failing)
    fix = the_fix(fixes, "cut-wait")
    # a 25m phone wait against the 5m limit: 20 minutes less for the one customer who calls
    assert fix.title == "Cut the wait before 'call' from 25m to 5m"
    assert fix.impact["expected_duration_s"] == -1200.0
    assert fix.impact["expected_wait_s"] == -1200.0
    assert "score" in fix.impact and fix.impact["score"] > 0


UNDOMINATED_CHECKS = """\
journeyaudit: 1
title: Open an account
departments:
  desk: {title: Front desk}
steps:
  start:
    title: Choose where to open it
    department: desk
    channel: web
    next:
      - {to: check-web, p: 0.5}
      - {to: check-branch, p: 0.5}
  check-web:
    title: Verify the identity online
    department: desk
    channel: web
    kind: verification
    next: check-again
  check-branch:
    title: Verify the identity at the branch
    department: desk
    channel: branch
    kind: verification
    next: check-again
  check-again:
    title: Verify the identity again
    department: desk
    channel: web
    kind: verification
    next: done
  done:
    title: Account open
    department: desk
    kind: notification
    end: success
"""


def test_verifications_are_merged_only_into_a_check_every_way_passes():
    result, fixes = fixes_of(UNDOMINATED_CHECKS)
    assert [f for f in result.findings if f.rule == "repeated-verification"]
    # 'check-again' is reached through either first check, so neither of them can take it over
    assert not [fix for fix in fixes.fixes if fix.kind == "merge-verifications"]


def test_a_waived_finding_gets_no_fix():
    text = RULES["long-wait"].failing.replace("    end: success\n", "    end: success\n    waive: [{rule: long-wait, reason: staffed as agreed}]\n")
    result, fixes = fixes_of(text)
    waived = [f for f in result.findings if f.rule == "long-wait"]
    assert waived and all(f.waived for f in waived)
    assert not [fix for fix in fixes.fixes if fix.kind == "cut-wait"]


@pytest.mark.parametrize(("rule", "doc"), KINDS, ids=lambda value: getattr(value, "kind", getattr(value, "id", "")))
def test_docs_fixes_md_shows_each_kind_with_the_line_journeyaudit_prints(rule, doc):
    from tests.conftest import PROJECT

    page = (PROJECT / "docs" / "fixes.md").read_text(encoding="utf-8")
    _, fixes = fixes_of(doc.failing)
    assert f"`{doc.kind}`" in page
    assert f"`{the_fix(fixes, doc.kind).line()}`" in page
