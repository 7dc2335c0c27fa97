"""What the pages say about the shared examples: figures, findings, links, tables."""

from __future__ import annotations

import re

from journeyaudit.analysis.breakdowns import handoff_matrix, time_by_department


def _cells(row):
    return [cell for cell in row.children if not isinstance(cell, str) and cell.tag == "td"]


def test_one_page_per_journey_and_an_index(pages):
    assert sorted(pages) == ["index.html", "loan-application.html", "loan-payoff.html"]


def test_index_lists_journeys_worst_score_first_with_key_figures(trees, examples_result):
    table = trees["index.html"].find("table", cls="portfolio")
    rows = list(table.find("tbody").find_all("tr"))
    assert [row.attrs["id"] for row in rows] == ["j-loan-payoff", "j-loan-application"]  # 25 before 86
    payoff = [" ".join(cell.text().split()) for cell in _cells(rows[0])]
    metrics = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff").metrics
    assert payoff[0].startswith("Pay off a personal loan early")
    assert payoff[1] == str(metrics["score"])
    assert payoff[2] == "1d 6h"  # expected_duration_s 109560
    assert payoff[3] == "98%"  # waiting share 107100 / 109560
    assert payoff[4] == "4"  # expected hand-offs (the closing letter is an automated message)
    assert payoff[5] == "4"  # departments
    assert payoff[6] == "8"  # repeated asks
    assert payoff[7] == "100%"
    # Sort keys are the raw figures, so the script sorts numbers, not text.
    assert _cells(rows[0])[2].attrs["data-value"] == "109560.0"
    application = [" ".join(cell.text().split()) for cell in _cells(rows[1])]
    assert application[3] == "0%" and application[7] == "80%"


def test_index_findings_by_severity(trees, examples_result):
    row = trees["index.html"].by_id("j-loan-payoff")
    counts = {
        key: int(el.text().split()[0])
        for el in row.find_all("span", cls="count")
        for key in ("error", "warning", "info", "waived")
        if f"c-{key}" in el.classes
    }
    findings = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff").findings
    assert counts["error"] == sum(f.severity == "error" and not f.waived for f in findings) == 2
    assert counts["warning"] == sum(f.severity == "warning" and not f.waived for f in findings)


def test_portfolio_findings_shown_as_pairs(trees, examples_result):
    section = trees["index.html"].by_id("portfolio")
    pairs = list(section.find_all("article", cls="pair"))
    assert len(pairs) == 1
    text = " ".join(pairs[0].text().split())
    assert "effort-asymmetry" in text
    links = [a.attrs["href"] for a in pairs[0].find_all("a")]
    assert links == ["loan-payoff.html", "loan-application.html"]
    from journeyaudit.reports.html.environment import number as _num

    for result in examples_result.journeys:  # the two efforts side by side
        assert _num(result.metrics["effort"]) in text


def test_journey_page_head_and_metric_cards(trees):
    tree = trees["loan-payoff.html"]
    assert tree.find("h1").text() == "Pay off a personal loan early"
    head = " ".join(tree.by_id("overview").text().split())
    assert "segment existing" in head and "stage leave" in head
    cards = {
        " ".join(card.find("div", cls="label").text().split()): " ".join(card.find("div", cls="value").text().split())
        for card in tree.find_all("div", cls="metric")
    }
    assert cards["Expected time"] == "1d 6h"
    assert cards["Customer waiting"] == "98%"
    assert cards["Hand-offs"] == "4"
    assert cards["Departments"] == "4"
    assert cards["Repeated asks"] == "8"
    assert cards["Success rate"] == "100%"
    promise = " ".join(tree.find("div", cls="promise").text().split())
    assert "15m and 1 contact" in promise and "promise broken" in promise


def test_every_finding_has_message_story_fix_and_links_to_its_step(trees, examples_result):
    from journeyaudit.rules.registry import all_rules

    rules = all_rules()
    for journey_result in examples_result.journeys:
        tree = trees[f"{journey_result.journey.id}.html"]
        for finding in journey_result.findings:
            item = tree.by_id(f"f-{finding.fingerprint}")
            assert item is not None, finding
            assert finding.message in " ".join(item.text().split())
            group = next(a for a in item.ancestors() if "rule-group" in a.classes)
            group_text = " ".join(group.text().split())
            assert " ".join(rules[finding.rule].fix.replace("`", "").split()) in group_text.replace("`", "")
            if rules[finding.rule].story:
                story = group.find("blockquote").text()
                assert story == rules[finding.rule].story
            if finding.step:
                show = item.find("a", cls="show")
                assert show.attrs["href"] == f"#step-{finding.step}"
                assert finding.step in show.attrs["data-steps"].split()
                # The target exists in the diagram, and the step links back to its row.
                node = tree.by_id(f"step-{finding.step}")
                assert node is not None and node.tag == "g" and "step" in node.classes
                link = node.find("a")
                assert link.attrs["xlink:href"] == f"#at-{finding.step}"
                row = tree.by_id(f"at-{finding.step}")
                assert f"#f-{finding.fingerprint}" in [a.attrs.get("href") for a in row.find_all("a")]


def test_way_findings_highlight_their_edges(trees, examples_result):
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    handoffs = next(f for f in payoff.findings if f.rule == "handoffs")
    item = trees["loan-payoff.html"].by_id(f"f-{handoffs.fingerprint}")
    edges = item.find("a", cls="show").attrs["data-edges"].split()
    assert len(edges) == len(handoffs.steps) - 1
    for edge in edges:
        assert trees["loan-payoff.html"].by_id(edge) is not None


def test_steps_coloured_by_their_worst_finding(trees):
    tree = trees["loan-payoff.html"]
    assert "sev-warning" in tree.by_id("step-call").classes
    # `closed` has a ping-pong warning; loan-application's steps have no step finding.
    for node in trees["loan-application.html"].find_all("g", cls="step"):
        assert "sev-none" in node.classes


def _shift(svg) -> float:
    """The y offset of the background group (lanes, lines) in the boxes' coordinates."""
    group = svg.find("g", cls="lanes")
    return float(re.fullmatch(r"translate\(([-\d.]+) ([-\d.]+)\)", group.attrs["transform"]).group(2))


def _lane_y(tree, key):
    lane = tree.by_id(f"lane-{key}")
    return min(float(t.attrs["y"]) for t in lane.find_all("text")) + _shift(tree.find("svg", cls="blueprint"))


def _step_y(tree, step):
    return min(float(t.attrs["y"]) for t in tree.by_id(f"step-{step}").find_all("text"))


def test_blueprint_customer_lane_on_top_then_lanes_in_file_order():
    from journeyaudit.reports.html.report import render_pages

    from .helpers import audit_texts, parse

    journey = """journeyaudit: 1
title: Card activation
departments:
  desk: {title: Branch desk}
  back: {title: Card operations, customer_facing: false}
steps:
  apply: {title: Ask for a card at the branch, department: desk, channel: branch, next: make}
  make: {title: Print and post the card, department: back, channel: internal, next: activate}
  activate: {title: Activates the card in the app, department: back, channel: app, actor: customer, next: welcome}
  welcome: {title: Welcome call from operations, department: back, channel: phone, next: done}
  done: {title: Card works, department: desk, channel: branch, kind: notification, end: success}
"""
    tree = parse(render_pages(audit_texts(journey))["journey-0.html"])
    svg = tree.find("svg", cls="blueprint")
    assert svg is not None
    shift = _shift(svg)
    interaction = float(svg.find("line", cls="interaction").attrs["y1"]) + shift
    visibility = float(svg.find("line", cls="visibility").attrs["y1"]) + shift
    # the customer's own action is above the line of interaction although its department is back office
    assert _step_y(tree, "activate") < interaction < _step_y(tree, "apply")
    # what the customer sees is above the line of visibility whatever the department
    assert _step_y(tree, "welcome") < visibility and _step_y(tree, "done") < visibility
    # only what happens out of the customer's sight is below it
    assert _step_y(tree, "make") > visibility
    assert _lane_y(tree, "c") < _lane_y(tree, "f-desk") < _lane_y(tree, "f-back") < visibility < _lane_y(tree, "b-back")
    for lane in ("lane-f-back", "lane-b-back"):  # the department's lane in both zones, its title whole
        assert "Cardoperations" in "".join(tree.by_id(lane).text().split())


def test_blueprint_of_the_example_places_steps_by_what_the_customer_sees(trees):
    tree = trees["loan-payoff.html"]
    svg = tree.find("svg", cls="blueprint")
    interaction = float(svg.find("line", cls="interaction").attrs["y1"]) + _shift(svg)
    # posting the bank statement is the customer's own action; the compliance call is heard by them
    assert _step_y(tree, "send-proof") < interaction < _step_y(tree, "call")
    assert "zone-front" in tree.by_id("step-compliance-check").classes
    assert svg.find("line", cls="visibility") is None  # nothing happens out of the customer's sight
    assert _lane_y(tree, "f-contact-center") < _lane_y(tree, "f-loans") < _lane_y(tree, "f-compliance")


def test_handoff_edges_highlighted_counted_and_branches_labelled(trees, examples_result):
    tree = trees["loan-payoff.html"]
    handoffs = [g for g in tree.find_all("g", cls="edge") if "handoff" in g.classes]
    # call→loans-desk, loans-desk→compliance-check, compliance-check→back-to-loans,
    # send-proof→back-to-loans, back-to-loans→pay; not pay→closed: the closing letter
    # is an automated message, no hand-off
    assert len(handoffs) == 5
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff").journey
    into_letter = f"edge-{payoff.steps['pay'].index}-{payoff.steps['closed'].index}"
    assert into_letter not in {g.attrs.get("id") for g in handoffs}
    assert tree.by_id(into_letter) is not None  # the arrow is drawn, as a plain flow
    facts = " ".join(tree.find("div", cls="diagram-facts").text().split())
    assert "5 hand-off arrows" in facts and "4 hand-offs expected" in facts
    svg_text = " ".join(tree.find("svg", cls="swimlane").text().split())
    assert "40%" in svg_text and "60%" in svg_text


def test_loop_edges_dashed():
    from journeyaudit.reports.html.report import render_pages

    from .helpers import audit_texts, parse

    text = """journeyaudit: 1
title: Call back
departments: {desk: {title: Desk}, back: {title: Back office, customer_facing: false}}
steps:
  call: {title: Call, department: desk, channel: phone, next: check}
  check:
    title: Check
    department: back
    next: [{to: call, p: 0.3}, {to: done, p: 0.7}]
  done: {title: Done, department: desk, end: success}
"""
    result = audit_texts(text)
    page = parse(render_pages(result)["journey-0.html"])
    loops = [g for g in page.find_all("g", cls="edge") if "loop" in g.classes]
    assert len(loops) == 2  # call→check and check→call form the loop
    for edge in loops:
        assert edge.find("path").attrs.get("stroke-dasharray")


def test_handoff_matrix_is_visits_times_probability(trees, examples_result):
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    matrix = handoff_matrix(payoff.journey, payoff.analysis)
    assert matrix[("contact-center", "loans")] == 1.0
    assert abs(matrix[("compliance", "loans")] - 1.0) < 1e-9  # 0.6 direct + 0.4 via send-proof
    assert abs(sum(matrix.values()) - payoff.metrics["expected_handoffs"]) < 1e-9
    assert ("payments", "loans") not in matrix  # the letter from loans after payments is a message
    table = trees["loan-payoff.html"].find("table", cls="matrix")
    total = " ".join(table.find("tfoot").text().split())
    assert total.endswith("4")


def test_time_chart_wait_and_work_per_department(trees, examples_result):
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    times = time_by_department(payoff.journey, payoff.analysis)
    assert times["contact-center"] == (18 * 60, 4 * 60)
    wait, work = times["compliance"]
    assert abs(wait - (9 * 60 + 0.4 * 3 * 86400)) < 1e-6 and abs(work - (8 * 60 + 0.4 * 30 * 60)) < 1e-6
    assert abs(sum(w for w, _ in times.values()) - payoff.metrics["expected_wait_s"]) < 1e-6
    chart = trees["loan-payoff.html"].by_id("time")
    text = " ".join(chart.text().split())
    assert "Compliance" in text and "waiting 1d 5h" in text  # 0.4 × 3d + 9m = 1d 4h 57m, rounded to the hour


def test_information_table_marks_repeats_and_where_first_given(trees):
    tree = trees["loan-payoff.html"]
    account = tree.by_id("data-account")
    asks = list(account.find_all("span", cls="ask"))
    assert len(asks) == 5 and all("repeated" in a.classes for a in asks)
    assert "before the journey (known)" in asks[0].text()
    dob = tree.by_id("data-dob")
    assert "first ask" in dob.text()
    assert "sensitive" in " ".join(tree.by_id("data-ssn").text().split()).lower()


def test_first_given_at_an_earlier_step():
    from journeyaudit.reports.html.report import render_pages

    from .helpers import audit_texts, parse

    text = """journeyaudit: 1
title: Ask twice
departments: {desk: {title: Desk}}
data: {email: {title: E-mail address}}
steps:
  form: {title: Fill in the form, department: desk, asks: [email], next: call}
  call: {title: Confirm by phone, department: desk, channel: phone, asks: [email], end: success}
"""
    page = parse(render_pages(audit_texts(text))["journey-0.html"])
    row = page.by_id("data-email")
    asks = list(row.find_all("span", cls="ask"))
    assert "first ask" in asks[0].text()
    assert "repeated" in asks[1].classes and "Fill in the form" in asks[1].text()


def test_pages_are_self_contained(pages):
    for name, text in pages.items():
        # No external resource of any kind: no src/href to another scheme or host.
        assert not re.search(r'\b(?:src|href)="(?:https?:)?//', text), name
        assert "<link" not in text and "@import" not in text and "url(" not in text, name
        assert re.findall(r"<script\b[^>]*>", text) == ["<script>"], name
        # Links between pages are relative file names.
        for href in re.findall(r'href="([^"#]+)"', text):
            assert re.fullmatch(r"[a-z][a-z0-9_-]*\.html", href), (name, href)


PORTFOLIO = (
    """journeyaudit: 1
id: card-new
title: Get a card (new customers)
segment: new
stage: acquire
departments: {web: {title: Web}}
steps:
  apply: {title: Apply online, department: web, next: done}
  done: {title: Card sent, department: web, kind: notification, end: success}
""",
    """journeyaudit: 1
id: card-vip
title: Get a card (VIP)
segment: vip
stage: acquire
variant_of: card-new
counterpart: ghost
departments: {desk: {title: Desk}, risk: {title: Risk, customer_facing: false}}
steps:
  call:
    title: Call the VIP line
    department: desk
    channel: phone
    wait: 30m
    waive: [{rule: long-wait, reason: The VIP line is staffed by one person on purpose}]
    next: check
  check: {title: Risk check, department: risk, channel: phone, next: done}
  done: {title: Card sent, department: desk, kind: notification, end: success}
""",
)


def test_portfolio_pairs_for_variants_and_missing_counterparts():
    from journeyaudit.reports.html.report import render_pages

    from .helpers import audit_texts, parse

    result = audit_texts(*PORTFOLIO)
    rules = {f.rule for f in result.all_findings()}
    assert {"loyalty-penalty", "missing-counterpart"} <= rules
    pages = render_pages(result)
    index = parse(pages["index.html"])
    pairs = {
        " ".join(pair.text().split()): [a.attrs["href"] for a in pair.find_all("a")]
        for pair in index.by_id("portfolio").find_all("article", cls="pair")
    }
    loyalty = next(text for text in pairs if "loyalty-penalty" in text)
    assert pairs[loyalty] == ["card-vip.html", "card-new.html"]
    missing = next(text for text in pairs if "missing-counterpart" in text)
    assert "ghost" in missing and "not in the audited files" in missing


def test_waived_findings_are_shown_as_waived_with_their_reason():
    from journeyaudit.reports.html.report import render_pages

    from .helpers import audit_texts, parse

    result = audit_texts(*PORTFOLIO)
    page = parse(render_pages(result)["card-vip.html"])
    waived = next(f for f in result.journeys[1].findings if f.rule == "long-wait")
    assert waived.waived
    item = page.by_id(f"f-{waived.fingerprint}")
    assert "waived" in item.classes
    text = " ".join(item.text().split())
    assert "waived" in text.lower() and "The VIP line is staffed by one person on purpose" in text
    # A step with only waived findings is not coloured as a warning.
    assert "sev-waived" in page.by_id("step-call").classes


def test_index_tells_the_ci_gate(examples_result):
    from journeyaudit.loading.config import Config
    from journeyaudit.reports.html.report import render_pages

    from .helpers import parse

    gate = " ".join(parse(render_pages(examples_result)["index.html"]).find("p", cls="gate").text().split())
    assert gate.startswith("CI gate fails 2 findings at or above error")
    config = Config()
    config.fail_on = "never"
    gate = " ".join(parse(render_pages(examples_result, config=config)["index.html"]).find("p", cls="gate").text().split())
    assert gate.startswith("CI gate off")
