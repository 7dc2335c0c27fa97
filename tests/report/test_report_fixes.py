"""The report's "What to fix first" with the audit's fixes (spec/output.md "Fixes"): per journey,
best first with their measured effect; portfolio-wide, the biggest score gains across journeys;
without fixes, the most severe problems. The fixes here are built by hand, as the audit's JSON
lists them."""

from __future__ import annotations

import pytest

from journeyaudit.reports.fix_effect import impact_text
from journeyaudit.reports.html.report import render_pages, write_report

from .browser import needs_browser, open_page
from .helpers import parse

FIXES = {
    "loan-payoff": [
        {"id": "use-held-data@loans-desk", "findings": ["9f2c1e0b7d4a"],
         "summary": "Stop asking for Full name and Loan account number at 'loans-desk': they are already held",
         "impact": {"score": 6, "effort": -4.0, "expected_asks": -2.0, "expected_duration_s": 0.0}},
        {"id": "cap-hold@call", "findings": ["0b7d4a9f2c1e"],
         "summary": "Cut the hold at 'call' to the phone's limit",
         "impact": {"score": 3, "expected_duration_s": -780.0}},
        {"id": "same-department@pay", "findings": [], "summary": "Let Loan servicing take the payment at 'pay'",
         "impact": {"score": 2, "expected_handoffs": -1.0}},
        {"id": "fourth@closed", "findings": [], "summary": "A fourth fix, below the top three", "impact": {"score": 1}},
    ],
    "loan-application": [
        {"id": "merge-verifications@kyc", "findings": [], "summary": "Verify the identity once",
         "impact": {"score": 4, "success_rate": 0.05}},
    ],
}


def _fix_list(tree, container_id="summary") -> list[str]:
    section = tree.by_id(container_id)
    items = section.find("ol", cls="fix-list").find_all("li")
    return [" ".join(item.text().split()) for item in items]


def test_the_effect_of_a_fix_in_words():
    assert impact_text({"score": 6, "effort": -4.0, "expected_asks": -2.0, "expected_duration_s": 0.0}) == (
        "score +6, 2 asks fewer, 4 effort points less"
    )
    assert impact_text({"score": -1, "expected_handoffs": 1, "expected_duration_s": -780}) == (
        "score -1, 1 hand-off more, 13m less time"
    )
    assert impact_text({"success_rate": 0.05}) == "success +5%"
    assert impact_text({"score": "six", "expected_asks": None}) == ""  # not figures: no words
    assert impact_text(None) == ""


def test_each_journey_shows_its_top_three_fixes_best_first(examples_result):
    pages = render_pages(examples_result, fixes=FIXES)
    listed = _fix_list(parse(pages["loan-payoff.html"]))
    assert listed == [
        "Stop asking for Full name and Loan account number at 'loans-desk': they are already held "
        "score +6, 2 asks fewer, 4 effort points less use-held-data@loans-desk",
        "Cut the hold at 'call' to the phone's limit score +3, 13m less time cap-hold@call",
        "Let Loan servicing take the payment at 'pay' score +2, 1 hand-off fewer same-department@pay",
    ]
    assert _fix_list(parse(pages["loan-application.html"])) == [
        "Verify the identity once score +4, success +5% merge-verifications@kyc"
    ]


def test_the_portfolio_lists_the_biggest_gains_across_journeys(examples_result):
    index = parse(render_pages(examples_result, fixes=FIXES)["index.html"])
    listed = _fix_list(index)
    assert [item.split(" in ")[0] for item in listed][:3] == [
        "Stop asking for Full name and Loan account number at 'loans-desk': they are already held",
        "Verify the identity once",
        "Cut the hold at 'call' to the phone's limit",
    ]
    assert len(listed) == 5  # the five biggest score gains of the portfolio
    links = [a.attrs["href"] for a in index.by_id("summary").find("ol", cls="fix-list").find_all("a")]
    assert links[:2] == ["loan-payoff.html", "loan-application.html"]


def test_a_client_reads_fixes_by_step_title_without_fix_ids(examples_result):
    pages = render_pages(examples_result, fixes=FIXES, audience="client")
    first = _fix_list(parse(pages["loan-payoff.html"]))[0]
    payoff = next(r.journey for r in examples_result.journeys if r.journey.id == "loan-payoff")
    assert f"at “{' '.join(payoff.steps['loans-desk'].title.split())}”" in first
    assert "'loans-desk'" not in first and "use-held-data@" not in pages["loan-payoff.html"]
    assert "use-held-data@" not in pages["index.html"]


def test_without_fixes_the_summary_names_the_worst_problems(examples_result):
    pages = render_pages(examples_result)
    listed = _fix_list(parse(pages["loan-payoff.html"]))
    assert 1 <= len(listed) <= 3 and all("finding" in item for item in listed)
    assert "score +" not in pages["loan-payoff.html"]
    assert _fix_list(parse(pages["index.html"]))  # the commonest problems instead


@needs_browser
@pytest.mark.parametrize("width", [1440, 390])
def test_fixes_are_shown_in_the_browser(browser, examples_result, tmp_path, width):
    write_report(examples_result, tmp_path, fixes=FIXES)
    for name, first in (("loan-payoff.html", "Stop asking for Full name"), ("index.html", "Stop asking for Full name")):
        context, page = open_page(browser, (tmp_path / name).as_uri(), width, is_mobile=width < 500)
        items = page.locator("#summary ol.fix-list li")
        assert items.first.is_visible() and items.first.inner_text().startswith(first)
        assert page.locator("#summary .fix-effect").first.inner_text() == "score +6, 2 asks fewer, 4 effort points less"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert page.problems == []
        context.close()
