"""The report in a real browser (headless Chromium from disk): no errors, no requests, links work."""

from __future__ import annotations

import pytest

from journeyaudit.reports.html.report import write_report

from .browser import pytestmark  # noqa: F401 - skipped without Chromium


@pytest.fixture
def report(tmp_path, examples_result):
    write_report(examples_result, tmp_path / "report")
    return tmp_path / "report"


def test_index_opens_cleanly_and_sorts(page, report, tmp_path):
    page.goto((report / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.title().startswith("Journey audit")
    first = page.locator("table.portfolio tbody tr").first
    assert first.get_attribute("id") == "j-loan-payoff"  # worst score first
    # The score column is sorted ascending already: a click reverses it, a second restores it.
    score = page.locator("table.portfolio thead th").nth(1).locator("button")
    score.click()
    assert page.locator("table.portfolio tbody tr").first.get_attribute("id") == "j-loan-application"
    assert page.locator("table.portfolio thead th").nth(1).get_attribute("aria-sort") == "descending"
    score.click()
    assert page.locator("table.portfolio tbody tr").first.get_attribute("id") == "j-loan-payoff"
    # Text columns sort too (by title).
    page.locator("table.portfolio thead th").nth(0).locator("button").click()
    assert page.locator("table.portfolio tbody tr").first.get_attribute("id") == "j-loan-application"
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert page.problems == []


def test_clicking_a_finding_highlights_its_step(page, report, tmp_path, examples_result):
    payoff = next(r for r in examples_result.journeys if r.journey.id == "loan-payoff")
    finding = next(f for f in payoff.findings if f.rule == "business-only-step" and f.step == "send-proof")
    page.goto((report / "loan-payoff.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("svg.swimlane g.step").count() == len(payoff.journey.steps)
    page.locator(f"#f-{finding.fingerprint} a.show").click()
    page.wait_for_timeout(150)
    node = page.locator("#step-send-proof")
    assert "hl" in node.get_attribute("class").split()
    assert page.evaluate("document.querySelector('#step-send-proof').matches(':target')")
    assert page.evaluate("location.hash") == "#step-send-proof"
    # The step is on screen, and the finding itself is marked.
    box = node.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900 and box["height"] > 0
    assert "hl" in page.locator(f"#f-{finding.fingerprint}").get_attribute("class").split()
    page.screenshot(path=str(tmp_path / "finding-highlighted.png"))
    page.screenshot(path=str(tmp_path / "loan-payoff.png"), full_page=True)
    assert page.problems == []


def test_clicking_a_step_shows_its_findings(page, report):
    page.goto((report / "loan-payoff.html").as_uri())
    page.locator("#step-pay a").first.click()
    page.wait_for_timeout(150)
    assert page.evaluate("location.hash") == "#at-pay"
    row = page.locator("#at-pay")
    assert row.is_visible()
    assert page.evaluate("document.querySelector('#at-pay').matches(':target')")
    assert "repeated-ask" in row.inner_text()
    assert page.problems == []


def test_works_without_javascript(browser, report, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto((report / "loan-payoff.html").as_uri() + "#step-call")
    assert page.evaluate is not None
    assert page.locator("svg.swimlane").is_visible()
    assert page.locator("li.finding").count() > 10
    # The anchor alone targets the step (styled by :target in CSS).
    page.locator("#at-call a.small").click()
    assert page.url.endswith("#step-call")
    page.screenshot(path=str(tmp_path / "no-js.png"))
    context.close()


def test_print_layout_renders(page, report, tmp_path):
    page.goto((report / "loan-payoff.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator("nav.topnav").is_hidden()
    pdf = page.pdf(path=str(tmp_path / "loan-payoff.pdf"), format="A4")
    assert pdf[:4] == b"%PDF"
    assert page.problems == []


def test_department_map_page_opens_cleanly(page, tmp_path):
    from .helpers import audit_texts, make_journey

    write_report(audit_texts(make_journey(400, seed=11)), tmp_path / "large")
    page.goto((tmp_path / "large" / "journey-0.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("svg.department-map").is_visible()
    assert page.locator("svg.swimlane").count() == 0
    link = page.locator("a.show").first
    if link.count():
        link.click()
        assert page.evaluate("location.hash").startswith("#at-")
    page.screenshot(path=str(tmp_path / "department-map.png"))
    assert page.problems == []
