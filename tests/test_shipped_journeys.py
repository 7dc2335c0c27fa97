"""The example journeys shipped under journeys/: valid, consistent, and telling the story they claim.

The structural checks need only the loader. The audit checks run once the
analysis engine is importable, and a check about one rule runs once that rule
is registered.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.loading import load_paths

PROJECT = Path(__file__).resolve().parent.parent
JOURNEYS = PROJECT / "journeys"
STAGES = {"acquire", "onboard", "use", "support", "leave"}
SCHEMA_LINE = "# yaml-language-server: $schema=../journeyaudit/loading/journey.schema.json"


@pytest.fixture
def in_project(monkeypatch):
    monkeypatch.chdir(PROJECT)


@pytest.fixture
def loaded(in_project):
    results, problems = load_paths(["journeys"])
    return results, problems


@pytest.fixture
def journeys(loaded):
    results, _ = loaded
    return {result.journey.id: result.journey for result in results if result.journey is not None}


def test_every_shipped_journey_loads_without_problems(loaded):
    results, problems = loaded
    assert results, "no journeys found under journeys/"
    assert problems == []
    for result in results:
        assert result.problems == [], f"{result.file}: {result.problems}"
        assert result.ok, result.file


def test_there_are_at_least_ten_journeys(loaded):
    results, _ = loaded
    assert len(results) >= 10


def test_ids_are_unique_and_match_file_names(loaded):
    results, _ = loaded
    ids = [result.journey.id for result in results]
    assert len(ids) == len(set(ids))
    for result in results:
        assert Path(result.file).stem == result.journey.id


def test_every_file_starts_with_the_schema_line_and_a_header_naming_its_seed():
    for path in sorted(JOURNEYS.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == SCHEMA_LINE, path.name
        header = []
        for line in lines[1:]:
            if not line.startswith("#"):
                break
            header.append(line)
        text = " ".join(header).lower()
        assert len(header) >= 3, f"{path.name}: the header comment should say what the journey models"
        assert "seed" in text, f"{path.name}: the header comment should name the seed story it echoes"


def test_every_file_validates_against_the_json_schema_it_names():
    jsonschema = pytest.importorskip("jsonschema")
    import json

    import yaml

    schema = json.loads((PROJECT / "journeyaudit" / "loading" / "journey.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path in sorted(JOURNEYS.glob("*.yaml")):
        errors = [error.message for error in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


def test_all_five_stages_appear(journeys):
    assert {journey.stage for journey in journeys.values()} >= STAGES


def test_several_industries_appear():
    prefixes = {path.stem.split("-")[0] for path in JOURNEYS.glob("*.yaml")}
    assert len(prefixes) >= 6


def test_counterpart_and_variant_names_resolve(journeys):
    for journey in journeys.values():
        for other in (journey.counterpart, journey.variant_of):
            if other is not None:
                assert other in journeys, f"{journey.id} names '{other}', which is not shipped"
                assert other != journey.id


def test_a_counterpart_pair_mirrors_an_acquire_journey_with_its_leave_journey(journeys):
    pairs = [
        (journey, journeys[journey.counterpart])
        for journey in journeys.values()
        if journey.counterpart in journeys and journeys[journey.counterpart].counterpart == journey.id
    ]
    assert any(a.stage == "acquire" and b.stage == "leave" for a, b in pairs)


def test_a_variant_pair_compares_a_loyal_segment_with_new_customers(journeys):
    pairs = [
        (journey, journeys[journey.variant_of]) for journey in journeys.values() if journey.variant_of in journeys
    ]
    assert any(loyal.segment in {"existing", "vip", "loyal"} and other.segment == "new" for loyal, other in pairs)


def test_the_required_features_are_all_shown(journeys):
    def steps(journey):
        return list(journey.steps.values())

    assert any(journey.promise is not None for journey in journeys.values())
    assert any(journey.known for journey in journeys.values())
    assert any(
        journey.waivers or any(step.waivers for step in steps(journey)) for journey in journeys.values()
    )
    assert any(
        any(not department.customer_facing for department in journey.departments.values())
        for journey in journeys.values()
    )
    kinds = {step.kind for journey in journeys.values() for step in steps(journey)}
    assert {"payment", "follow-up", "feedback", "retention-offer", "verification", "notification"} <= kinds
    # a rework loop: an edge back to a step that comes earlier in the file
    assert any(
        any(
            list(journey.steps).index(edge.target) <= list(journey.steps).index(step.id)
            for step in steps(journey)
            for edge in step.next
        )
        for journey in journeys.values()
    )


def test_the_before_and_after_pair_is_shipped(journeys):
    before, after = journeys["telecom-cancel-before"], journeys["telecom-cancel-after"]
    assert after.replaces == before.id
    assert before.stage == after.stage == "leave"
    assert before.segment == after.segment


# --- with the analysis engine and the rules ---------------------------------------------------


@pytest.fixture
def audit(in_project):
    pytest.importorskip("journeyaudit.analysis.engine")
    from journeyaudit.audit import run_audit

    result = run_audit(["journeys"])
    assert result.problems == []
    return {journey_result.journey.id: journey_result for journey_result in result.journeys}


def _rule_or_skip(rule_id):
    from journeyaudit.rules.registry import all_rules

    if rule_id not in all_rules():
        pytest.skip(f"rule '{rule_id}' is not registered yet")


def _rules(journey_result, waived=False):
    return [finding.rule for finding in journey_result.findings if finding.waived == waived]


def test_the_after_journey_scores_better_with_fewer_findings_than_the_before_one(audit):
    before, after = audit["telecom-cancel-before"], audit["telecom-cancel-after"]
    assert after.metrics["score"] > before.metrics["score"]
    assert after.metrics["effort"] < before.metrics["effort"]
    assert len(after.findings) < len(before.findings)


@pytest.mark.parametrize(
    "rule_id",
    ["repeated-ask", "ping-pong", "handoffs", "long-wait", "business-only-step", "no-feedback", "silence-gap"],
)
def test_the_before_journey_shows_the_faults_the_redesign_removes(audit, rule_id):
    _rule_or_skip(rule_id)
    assert rule_id in _rules(audit["telecom-cancel-before"])
    assert rule_id not in _rules(audit["telecom-cancel-after"])


def test_leaving_the_gym_is_far_harder_than_joining(audit):
    _rule_or_skip("effort-asymmetry")
    assert "effort-asymmetry" in _rules(audit["gym-cancel"])
    assert "effort-asymmetry" not in _rules(audit["gym-join"])


def test_loyal_car_insurance_customers_make_more_effort(audit):
    _rule_or_skip("loyalty-penalty")
    assert "loyalty-penalty" in _rules(audit["car-insurance-renewal"])
    assert audit["car-insurance-renewal"].metrics["effort"] > audit["car-insurance-new"].metrics["effort"]


def test_next_day_delivery_breaks_its_promise(audit):
    _rule_or_skip("broken-promise")
    assert "broken-promise" in _rules(audit["retail-order-delivery"])


def test_the_vip_card_is_closed_without_a_human(audit):
    _rule_or_skip("exit-without-human")
    assert "exit-without-human" in _rules(audit["store-card-close-vip"])
    assert "exit-without-human" not in _rules(audit["telecom-cancel-after"])


def test_the_statutory_notice_period_is_waived_and_only_it(audit):
    # Both waits are booked dates (`after`): no hold for long-wait to judge, but silence.
    _rule_or_skip("silence-gap")
    findings = audit["marriage-notice"].findings
    assert {(f.rule, f.step) for f in findings if f.waived} == {("silence-gap", "ceremony")}
    assert ("silence-gap", "appointment") in {(f.rule, f.step) for f in findings if not f.waived}
    assert "long-wait" not in _rules(audit["marriage-notice"])


def test_the_onboarding_follows_up_after_the_payment(audit):
    _rule_or_skip("no-follow-up")
    assert "no-follow-up" not in _rules(audit["energy-move-in"])
    assert "no-follow-up" in _rules(audit["car-insurance-new"])


def test_the_good_journeys_have_few_findings(audit):
    for journey_id, at_most in {"telecom-cancel-after": 0, "airline-check-in": 2, "energy-move-in": 1}.items():
        warnings = [f for f in audit[journey_id].findings if not f.waived and f.severity in ("warning", "error")]
        assert len(warnings) <= at_most, (journey_id, [f.message for f in warnings])
