"""The report as a client deliverable, in a real browser (headless Chromium from disk):
the blueprint inside its box with whole titles, nothing wider than a phone, the to-be page
with its as-is, phases and the curve, client pages without the team's details, the PDF."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from journeyaudit.audit import run_audit
from journeyaudit.reports.html.report import write_report

from .browser import open_page, pytestmark  # noqa: F401 - skipped without Chromium
from .helpers import EXAMPLES, PROJECT, audit_texts, make_journey

JOURNEYS = PROJECT / "journeys"

LONG_TITLES = """journeyaudit: 1
title: A journey whose steps say a lot
departments:
  desk: {title: Customer service desk of the regional branch network}
  ops: {title: Operations, customer_facing: false}
steps:
  first:
    title: The customer calls the hotline, explains the whole situation again and waits for a supervisor to approve an exception
    department: desk
    channel: phone
    next: [second, third]
  second:
    title: Antidisestablishmentarianism-and-supercalifragilisticexpialidocious-reconciliation of the account
    department: ops
    channel: internal
    next: fourth
  third: {title: "Short", department: desk, channel: phone, next: fourth}
  fourth:
    title: WWWWWWWWWW MMMMMMMMMM WWWWWWWWWW MMMMMMMMMM (capitals are the widest letters of all)
    department: desk
    channel: email
    kind: notification
    actor: system
    end: success
"""


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped journeys and the shared examples, as the team's and as the client's report."""
    result = run_audit([str(JOURNEYS), str(EXAMPLES)])
    assert not result.problems, result.problems
    folder = tmp_path_factory.mktemp("deliverable")
    write_report(result, folder / "team")
    write_report(result, folder / "client", audience="client")
    return result, folder


def _titles_whole_and_inside(page) -> list[str]:
    """Problems of the blueprints on the page: a box's text not its whole title, text outside its
    box, a drawing wider than its box, text too small to read."""
    return page.evaluate(
        """() => {
      const problems = [];
      document.querySelectorAll("svg.blueprint").forEach((svg) => {
        const box = svg.closest(".diagram-box").getBoundingClientRect();
        const drawn = svg.getBoundingClientRect();
        if (drawn.right > box.right + 0.5 || drawn.left < box.left - 0.5) problems.push("drawing wider than its box");
        const scale = drawn.width / parseFloat(svg.getAttribute("data-width"));
        svg.querySelectorAll("g.step").forEach((node) => {
          const shape = node.querySelector("path, polygon").getBoundingClientRect();
          node.querySelectorAll("text").forEach((text) => {
            const r = text.getBoundingClientRect();
            if (r.left < shape.left - 0.5 || r.right > shape.right + 0.5 || r.top < shape.top - 0.5 || r.bottom > shape.bottom + 0.5)
              problems.push(node.id + ": text outside its box: " + text.textContent);
            const size = parseFloat(text.getAttribute("font-size")) * scale;
            if (size < 8.5) problems.push(node.id + ": text of " + size.toFixed(1) + " px");
          });
          if (node.textContent.includes("…")) problems.push(node.id + ": title cut");
        });
      });
      return problems;
    }"""
    )


def _box_texts(page) -> dict[str, str]:
    """Step id -> the text of its box, whitespace removed (lines are separate text elements)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("svg.blueprint g.step")).map(
          (node) => [node.id.replace(/^step-/, ""), node.textContent.replace(/\\s+/g, "")]))"""
    )


def test_blueprints_fit_their_box_at_1440_px_with_whole_titles(browser, shipped, tmp_path):
    result, folder = shipped
    extra = audit_texts(LONG_TITLES, make_journey(45, seed=4, loop_share=0.1))
    write_report(extra, tmp_path / "extra")
    pages = [(folder / "team" / f"{r.journey.id}.html", r.journey) for r in result.journeys]
    pages += [(tmp_path / "extra" / f"{r.journey.id}.html", r.journey) for r in extra.journeys]
    for path, journey in pages:
        context, page = open_page(browser, path.as_uri(), 1440)
        assert page.locator("svg.blueprint").count() == 1, path.name
        assert _titles_whole_and_inside(page) == [], path.name
        texts = _box_texts(page)
        assert set(texts) == set(journey.steps), path.name
        for step_id, step in journey.steps.items():
            assert "".join(step.title.split()) in texts[step_id], (path.name, step_id)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1440
        assert page.problems == [], page.problems
        context.close()


def test_a_wide_journey_is_wrapped_into_rows_and_zooms(browser, tmp_path):
    result = audit_texts(make_journey(45, seed=4, loop_share=0.1))
    write_report(result, tmp_path / "r")
    context, page = open_page(browser, (tmp_path / "r" / "journey-0.html").as_uri(), 1440)
    assert page.locator("svg.blueprint g.row-link").count() >= 2  # arrows go on in the next row
    box = page.locator(".blueprint-section .diagram-box").first
    fitted = page.locator("svg.blueprint").bounding_box()["width"]
    page.locator(".blueprint-section [data-zoom=in]").click()
    page.locator(".blueprint-section [data-zoom=in]").click()
    zoomed = page.locator("svg.blueprint").bounding_box()["width"]
    assert zoomed > fitted * 1.5
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the box scrolls, the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.locator(".blueprint-section [data-zoom=fit]").click()
    assert abs(page.locator("svg.blueprint").bounding_box()["width"] - fitted) < 1
    assert page.problems == []
    context.close()


WIDE_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width) wide.push("page " + document.documentElement.scrollWidth);
  document.querySelectorAll("body *").forEach((el) => {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5) wide.push(el.tagName + "." + el.className + " " + Math.round(r.right));
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      wide.push("scrolls sideways: " + el.tagName + "." + el.className);
  });
  return wide.slice(0, 10);
}"""


@pytest.mark.parametrize("audience", ["team", "client"])
def test_nothing_is_wider_than_a_390_px_phone(browser, shipped, audience):
    _, folder = shipped
    names = ["index.html", "loan-payoff.html", "broadband-fault.html", "compare.telecom-cancel-after.html"]
    for name in names:
        context, page = open_page(browser, (folder / audience / name).as_uri(), 390, 844, is_mobile=True)
        assert page.evaluate(WIDE_CHECK) == [], name
        assert page.problems == []
        context.close()


def test_the_time_chart_is_logarithmic(browser, shipped):
    _, folder = shipped
    context, page = open_page(browser, (folder / "team" / "loan-payoff.html").as_uri(), 1440)
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll("#time .track span")).map((s) => s.getBoundingClientRect().width)"""
    )
    ticks = page.locator("#time .axis span").all_inner_texts()
    assert ticks[:2] == ["1m", "10m"] and "1d" in ticks
    # 3 days in the post and 8 minutes on hold: both bars are there, the long one not 500 times longer
    nonzero = [w for w in widths if w > 0]
    assert len(nonzero) == len(widths) and max(nonzero) / min(nonzero) < 20
    context.close()


def test_the_to_be_page_shows_its_as_is(browser, shipped):
    result, folder = shipped
    by_id = {r.journey.id: r for r in result.journeys}
    before, after = by_id["telecom-cancel-before"], by_id["telecom-cancel-after"]
    context, page = open_page(browser, (folder / "team" / "compare.telecom-cancel-after.html").as_uri(), 1440)
    assert page.locator("svg.blueprint").count() == 2
    sides = page.locator("h3.side-title").all_inner_texts()
    assert any(before.journey.title in s for s in sides) and any(after.journey.title in s for s in sides)
    assert _titles_whole_and_inside(page) == []
    rows = {r.split("\t")[0]: r.split("\t") for r in page.locator("table.figures-table tbody tr").all_inner_texts()}
    score = next(v for k, v in rows.items() if k.startswith("Score"))
    assert score[1].strip() == str(before.metrics["score"]) and score[2].strip() == str(after.metrics["score"])
    assert "better" in score[3].lower()
    assert page.locator("#findings-0 h3.better").inner_text().startswith("Fixed (")
    fixed = int(re.search(r"\((\d+)\)", page.locator("#findings-0 h3.better").inner_text()).group(1))
    assert fixed > 0
    # the index pairs them, and each journey page links its comparison
    context.close()
    context, page = open_page(browser, (folder / "team" / "index.html").as_uri(), 1440)
    assert page.locator("#redesigns a[href='compare.telecom-cancel-after.html']").count() == 1
    for journey_id in ("telecom-cancel-before", "telecom-cancel-after"):
        assert page.locator(f"#j-{journey_id} a.pair-link").get_attribute("href") == "compare.telecom-cancel-after.html"
    context.close()


def test_phases_and_the_emotion_curve_are_drawn(browser, shipped):
    result, folder = shipped
    fault = next(r for r in result.journeys if r.journey.id == "broadband-fault")
    context, page = open_page(browser, (folder / "team" / "broadband-fault.html").as_uri(), 1440)
    phases = [t.replace("\n", " ") for t in page.locator("svg.blueprint text.phase-title").all_text_contents()]
    assert phases == ["Report the fault", "Get an engineer", "The repair"]
    assert page.locator("svg.curve").is_visible()
    way = fault.analysis.most_likely_way
    assert page.locator("svg.curve g.friction").count() == len(way)
    felt = [s for s in way if fault.journey.steps[s].feeling is not None]
    assert page.locator("svg.curve circle.feeling").count() == len(felt)
    assert page.locator("svg.curve text.phase-title").count() == 3
    assert page.problems == []
    context.close()




def _rule_ids():
    from journeyaudit.rules.registry import all_rules

    return sorted(all_rules(), key=len, reverse=True)


def test_client_pages_name_no_rule_file_gate_or_formula(browser, shipped):
    _, folder = shipped
    ids = [rule for rule in _rule_ids() if "-" in rule]  # `handoffs` is also a plain word
    forbidden = re.compile(
        r"\b(" + "|".join(map(re.escape, ids)) + r")\b|\.ya?ml\b|\.txt\b|/work/|journeys/|CI gate|fail-on|"
        r"Σ|visits\(u\)|chance\(u|value: business|--full-diagram|\bline \d+"
    )
    for path in sorted((folder / "client").glob("*.html")):
        context, page = open_page(browser, path.as_uri(), 1440)
        text = page.inner_text("body")
        assert not forbidden.search(text), (path.name, forbidden.search(text).group(0))
        tooltips = " ".join(page.evaluate("() => Array.from(document.querySelectorAll('[title]')).map(e => e.title)"))
        assert not forbidden.search(tooltips), path.name
        context.close()
    team = (folder / "team" / "loan-payoff.html").read_text(encoding="utf-8")
    assert "repeated-ask" in team and "loan-payoff.yaml" in team  # the team keeps today's detail


def test_a_10000_step_page_is_small_and_opens_fast(browser, tmp_path):
    result = audit_texts(make_journey(10_000, seed=3))
    write_report(result, tmp_path / "big")
    page_file = tmp_path / "big" / "journey-0.html"
    assert page_file.stat().st_size < 5_000_000
    context, page = open_page(browser, page_file.as_uri(), 1440)
    loaded_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert loaded_ms < 3000
    assert page.locator("svg.department-map").is_visible()
    # the clustered department map: every department once, inside the group of what the customer
    # sees of it (d2 and d5 are back office), hand-offs on the arrows
    placed = page.evaluate("""() => {
      const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
      const groups = Object.fromEntries(["facing", "back"].map((key) => [key, document.getElementById("group-" + key)]));
      return Array.from(document.querySelectorAll("svg.department-map g.department")).map((node) => {
        const box = node.getBoundingClientRect();
        return [node.id, Object.keys(groups).filter((key) => groups[key] && inside(box, groups[key].getBoundingClientRect()))];
      });
    }""")
    assert sorted(placed) == [[f"dept-d{i}", ["back" if i % 3 == 2 else "facing"]] for i in range(6)]
    assert page.locator("svg.department-map g.edge text").count() >= 5
    # every finding is in the files beside the page, the page shows a summary per rule
    import csv
    import json

    findings = result.journeys[0].findings
    rows = list(csv.reader((tmp_path / "big" / "journey-0.findings.csv").open(encoding="utf-8")))
    assert len(rows) == len(findings) + 1
    listed = json.loads((tmp_path / "big" / "journey-0.findings.json").read_text(encoding="utf-8"))["findings"]
    assert len(listed) == len(findings)
    assert page.locator("li.finding:not(.more)").count() < len(findings) / 10
    assert page.locator("a[href='journey-0.findings.csv']").count() == 1
    assert page.problems == []
    context.close()


def test_pdf_pages_and_text(tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    from click.testing import CliRunner

    from journeyaudit.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    paths = [str(JOURNEYS / "telecom-cancel-before.yaml"), str(JOURNEYS / "telecom-cancel-after.yaml"),
             str(EXAMPLES / "loan-payoff.yaml")]
    audited = [r.journey for r in run_audit(paths).journeys]
    for paper, size in (("a4", (595, 842)), ("letter", (612, 792))):
        out = tmp_path / f"{paper}.pdf"
        run = runner.invoke(main, ["report", *paths, "--pdf", str(out), "--paper", paper, "--audience", "client"])
        assert run.exit_code == 0, run.output
        assert not (tmp_path / "reports").exists()  # only the PDF was asked for
        reader = pypdf.PdfReader(str(out))
        pages = reader.pages
        assert 1 + 3 * 3 <= len(pages) <= 2 + 4 * 3  # the portfolio, about three pages per journey
        shapes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
        assert set(shapes) == {size, size[::-1]}
        # the landscape pages are the blueprints, one or two per journey, every step title legible
        landscape = [p for p, shape in zip(pages, shapes, strict=True) if shape == size[::-1]]
        heads = [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split())[:90] for p in landscape]
        assert all(": service blueprint" in head for head in heads), heads
        assert 3 <= len(landscape) <= 6
        for journey in audited:
            on_pages = [p for p, head in zip(landscape, heads, strict=True) if head.startswith(journey.title)]
            assert 1 <= len(on_pages) <= 2, journey.title
            sizes = _text_sizes(on_pages, [step.title for step in journey.steps.values()])
            assert set(sizes) == {" ".join(step.title.split()) for step in journey.steps.values()}, journey.title
            assert min(sizes.values()) >= 6.0, journey.title  # points on paper
        text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pages))  # the "fi" ligature
        for title in ("Cancel a mobile phone contract (redesigned)", "Pay off a personal loan early", "What to fix first"):
            assert title in " ".join(text.split()), title
        assert "repeated-ask" not in text and ".yaml" not in text
        assert reader.metadata.creation_date.year == 2023  # SOURCE_DATE_EPOCH
    again = tmp_path / "again.pdf"
    assert runner.invoke(main, ["report", *paths, "--pdf", str(again), "--audience", "client"]).exit_code == 0
    assert again.read_bytes() == (tmp_path / "a4.pdf").read_bytes()  # byte-identical
    # a second run replaces its own PDF; any other file needs --force
    assert runner.invoke(main, ["report", *paths, "--pdf", str(again)]).exit_code == 0
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4 someone else's")
    refused = runner.invoke(main, ["report", *paths, "--pdf", str(other)])
    assert refused.exit_code == 2 and "cannot write" in refused.output
    assert other.read_bytes() == b"%PDF-1.4 someone else's"


def _text_sizes(pages, titles: list[str]) -> dict[str, float]:
    """The smallest printed size, in points, of each title's lines found on the pages (a
    title wraps: a line that begins it counts); only the titles found."""
    import math

    wanted = [" ".join(t.split()) for t in titles]
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        line = " ".join(unicodedata.normalize("NFKC", text).split())  # the "fi" ligature
        for title in wanted:
            if line and (title == line or title.startswith(line + " ")):
                a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                printed = size * math.sqrt(abs(a * d - b * c))
                sizes[title] = min(sizes.get(title, printed), printed)

    for page in pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_a_long_journey_prints_over_several_legible_blueprint_pages(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from click.testing import CliRunner

    from journeyaudit.cli import main

    source = tmp_path / "long.yaml"
    source.write_text(make_journey(45, seed=4, loop_share=0.1), encoding="utf-8")
    out = tmp_path / "long.pdf"
    run = CliRunner().invoke(main, ["report", str(source), "--pdf", str(out)])
    assert run.exit_code == 0, run.output
    pages = pypdf.PdfReader(str(out)).pages
    landscape = [p for p in pages if p.mediabox.width > p.mediabox.height]
    assert 3 <= len(landscape) <= 6 and len(pages) <= len(landscape) + 4
    for number, page in enumerate(landscape, start=1):
        assert f"service blueprint ({number} of {len(landscape)})" in page.extract_text()
    sizes = _text_sizes(landscape, [f"Step {i}" for i in range(45)])
    assert len(sizes) == 45  # every step on a blueprint page
    assert min(sizes.values()) >= 6.0


def test_pdf_without_chromium_says_what_to_install(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from journeyaudit.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on it
    run = CliRunner().invoke(main, ["report", str(EXAMPLES), "--pdf", str(tmp_path / "r.pdf")])
    assert run.exit_code == 2
    assert "Chromium" in run.output and "apt-get install chromium" in run.output
    assert not Path(tmp_path / "r.pdf").exists()
