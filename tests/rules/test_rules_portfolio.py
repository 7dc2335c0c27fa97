"""effort-asymmetry, loyalty-penalty, missing-counterpart: hand-derived cases."""

from __future__ import annotations

from journeyaudit.rules._common import number

from .helpers import context_of, run_portfolio_on


def simple(journey_id, *, extra="", wait="0s", segment=None):
    """A one-step journey whose effort grows with `wait`."""
    segment_line = f"segment: {segment}\n" if segment else ""
    return context_of(
        f"journeyaudit: 1\nid: {journey_id}\ntitle: Journey {journey_id}\n{segment_line}{extra}"
        "departments:\n  d: {title: D}\n"
        f"steps:\n  s0: {{title: S0, department: d, channel: phone, wait: {wait}, duration: 5m, end: success}}\n",
        f"{journey_id}.yaml",
    )


def effort(context):
    return context.analysis.metrics["effort"]


def test_effort_asymmetry_belongs_to_the_heavier_journey_only():
    heavy = simple("leave", extra="counterpart: join\n", wait="2h")
    light = simple("join", extra="counterpart: leave\n")
    assert effort(heavy) > 2 * effort(light) > 0
    (finding,) = run_portfolio_on("effort-asymmetry", [heavy, light])
    assert finding.journey == "leave" and finding.related_journeys == ("join",)
    assert finding.step is None
    ratio = effort(heavy) / effort(light)
    assert f"{number(ratio)} times as much (max 2)" in finding.message
    assert "'join' (Journey join)" in finding.message
    # A ratio above the actual one silences it.
    assert run_portfolio_on("effort-asymmetry", [heavy, light], ratio=ratio + 1) == []


def test_effort_asymmetry_needs_the_counterpart_in_the_run():
    heavy = simple("leave", extra="counterpart: join\n", wait="2h")
    assert run_portfolio_on("effort-asymmetry", [heavy]) == []
    (finding,) = run_portfolio_on("missing-counterpart", [heavy])
    assert finding.journey == "leave" and finding.related_journeys == ("join",)
    assert finding.message.startswith("counterpart 'join' is not among the audited journeys")


def test_loyalty_penalty_only_for_loyal_segments_with_more_effort():
    base = simple("base", segment="new")
    loyal = simple("loyal", extra="variant_of: base\n", wait="30m", segment="existing")
    assert effort(loyal) > effort(base)
    (finding,) = run_portfolio_on("loyalty-penalty", [base, loyal])
    assert finding.journey == "loyal" and finding.related_journeys == ("base",)
    assert "segment 'existing'" in finding.message and "'base' (" in finding.message and ", segment 'new')" in finding.message
    # `loyal` is an option: without `existing` in it, nothing to report.
    assert run_portfolio_on("loyalty-penalty", [base, loyal], loyal=["vip"]) == []
    # Same effort: no penalty.
    same = simple("same", extra="variant_of: base\n", segment="vip")
    assert run_portfolio_on("loyalty-penalty", [base, same]) == []


def test_missing_variant_with_a_suggestion():
    variant = simple("vip-close", extra="variant_of: close-acount\n", segment="vip")
    other = simple("close-account")
    (finding,) = run_portfolio_on("missing-counterpart", [variant, other])
    assert finding.journey == "vip-close"
    assert finding.message == (
        "variant_of 'close-acount' is not among the audited journeys, so it cannot be compared: "
        "audit both together; did you mean 'close-account'?"
    )
    assert run_portfolio_on("loyalty-penalty", [variant, other]) == []  # and no crash


def test_the_finding_goes_to_the_heavier_journey_whichever_names_the_other():
    light = simple("join", extra="counterpart: leave\n")
    heavy = simple("leave", wait="2h")  # names nothing itself
    (finding,) = run_portfolio_on("effort-asymmetry", [light, heavy])
    assert finding.journey == "leave" and finding.related_journeys == ("join",)


def test_a_counterpart_without_effort():
    heavy = simple("leave", extra="counterpart: join\n", wait="2h")
    empty = context_of(
        "journeyaudit: 1\nid: join\ntitle: Join\ndepartments:\n  d: {title: D}\n"
        "steps:\n  s0: {title: S0, department: d, actor: system, channel: web, end: success}\n",
        "join.yaml",
    )
    assert effort(empty) == 0  # an automated step, no wait, no asks
    (finding,) = run_portfolio_on("effort-asymmetry", [heavy, empty])
    assert finding.journey == "leave"
    assert finding.message.endswith("while it takes no effort at all")


def test_loyalty_penalty_when_the_base_journey_is_the_loyal_one():
    loyal = simple("existing", wait="30m", segment="vip")
    new = simple("new", extra="variant_of: existing\n", segment="new")
    (finding,) = run_portfolio_on("loyalty-penalty", [loyal, new])
    assert finding.journey == "existing" and finding.related_journeys == ("new",)
    # The other way round, the new customers make more effort: nothing to report.
    heavier_new = simple("new", extra="variant_of: existing\n", wait="30m", segment="new")
    assert run_portfolio_on("loyalty-penalty", [simple("existing", segment="vip"), heavier_new]) == []


def test_a_redesign_whose_as_is_is_missing_is_reported_like_a_counterpart():
    to_be = simple("close-card-v2", extra="replaces: close-crad\n")
    as_is = simple("close-card")
    (finding,) = run_portfolio_on("missing-counterpart", [to_be, as_is])
    assert finding.journey == "close-card-v2" and finding.related_journeys == ("close-crad",)
    assert finding.message == (
        "replaces 'close-crad' is not among the audited journeys, so it cannot be compared: "
        "audit both together; did you mean 'close-card'?"
    )
    fixed = simple("close-card-v2", extra="replaces: close-card\n")
    assert fixed.journey.replaces == "close-card"
    assert run_portfolio_on("missing-counterpart", [fixed, as_is]) == []
