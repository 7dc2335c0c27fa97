"""Large journeys get a department map; the `report` command and `audit --html`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.analysis.breakdowns import handoff_matrix
from journeyaudit.cli import main
from journeyaudit.reports.html.report import render_pages

from .helpers import EXAMPLES, audit_texts, make_journey, parse


@pytest.fixture(scope="module")
def large_result():
    result = audit_texts(make_journey(400, n_departments=6, seed=7))
    assert len(result.journeys[0].journey.steps) == 400
    return result


def test_a_400_step_journey_gets_a_department_map(large_result):
    tree = parse(render_pages(large_result)["journey-0.html"])
    assert tree.find("svg", cls="swimlane") is None
    svg = tree.find("svg", cls="department-map")
    assert svg is not None
    journey = large_result.journeys[0].journey
    analysis = large_result.journeys[0].analysis
    used = {step.department for step in journey.steps.values()}
    for department in used:
        node = tree.by_id(f"dept-{department}")
        assert node is not None and journey.department_title(department) in node.text()
    # Each arrow carries the expected hand-offs between two departments.
    matrix = handoff_matrix(journey, analysis)
    arrows = {g.attrs["id"]: " ".join(g.text().split()) for g in svg.find_all("g", cls="edge")}
    assert len(arrows) == sum(1 for value in matrix.values() if value > 0)
    (source, target), value = max(matrix.items(), key=lambda item: item[1])
    from journeyaudit.reports.html.diagrams import lane_order

    order = lane_order(journey)  # arrows are numbered by department position
    label = arrows[f"handoff-{order.index(source)}-{order.index(target)}"]
    assert f"{value:.2f}".rstrip("0").rstrip(".") in label
    text = " ".join(tree.by_id("diagram").text().split())
    assert "400 steps" in text and "--full-diagram" in text
    # Finding links point at the step rows (there is no step graph to point at).
    for link in tree.find_all("a", cls="show"):
        assert link.attrs["href"].startswith("#at-")


def test_full_diagram_draws_the_steps_as_well(large_result):
    tree = parse(render_pages(large_result, full_diagram=True)["journey-0.html"])
    assert tree.find("svg", cls="department-map") is not None
    svg = tree.find("svg", cls="swimlane")
    assert svg is not None
    assert len(list(svg.find_all("g", cls="step"))) == 400


def test_report_command_writes_the_folder(tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["report", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "loan-application.html", "loan-payoff.html"]
    assert "HTML report:" in result.output


def test_report_command_exit_2_without_journeys(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2


def test_audit_html_writes_the_same_report(tmp_path):
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES), "--html", str(tmp_path / "a"), "--exit-zero"])
    assert result.exit_code == 0, result.output
    CliRunner().invoke(main, ["report", str(EXAMPLES), "-o", str(tmp_path / "b")])
    for page in (tmp_path / "a").iterdir():
        assert page.read_bytes() == (tmp_path / "b" / page.name).read_bytes()


ODD = """journeyaudit: 1
title: Odd shapes
known: [ref]
departments:
  a: {title: Front}
  b: {title: Back, customer_facing: false}
  unused: {title: Nobody}
data:
  ref: {title: Reference}
  never: {title: Never asked}
steps:
  start:
    title: Start
    department: a
    next: [{to: retry, p: 0.5}, {to: stuck, p: 0.5}]
  retry:
    title: Retry until it works
    department: b
    next: [{to: retry, p: 0.9}, {to: done, p: 0.1}]
  stuck:
    title: Nobody answers
    department: a
  orphan:
    title: Nobody comes here
    department: b
    next: done
  done: {title: Done, department: a, end: success}
"""


def test_odd_journeys_render(tmp_path):
    result = audit_texts(ODD)
    tree = parse(render_pages(result)["journey-0.html"])
    svg = tree.find("svg", cls="swimlane")
    assert svg is not None
    assert len(list(svg.find_all("g", cls="step"))) == 5
    assert tree.by_id("lane-unused") is None  # no steps, no lane
    loops = [g for g in svg.find_all("g", cls="edge") if "loop" in g.classes]
    assert loops  # the self-loop on `retry`
    steps_text = " ".join(tree.by_id("steps").text().split())
    assert "the customer is stuck" in steps_text and "not reachable from the start" in steps_text


def test_report_full_diagram_flag(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.yaml").write_text(make_journey(320, seed=3), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["report", str(tmp_path / "in"), "-o", str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(main, ["report", str(tmp_path / "in"), "-o", str(tmp_path / "b"), "--full-diagram"]).exit_code == 0
    default = (tmp_path / "a" / "big.html").read_text(encoding="utf-8")
    full = (tmp_path / "b" / "big.html").read_text(encoding="utf-8")
    assert 'class="diagram department-map"' in default and 'class="diagram swimlane' not in default
    assert 'class="diagram department-map"' in full and 'class="diagram swimlane' in full


def test_ids_are_unique_on_every_page(large_result, pages):
    import re
    from collections import Counter

    texts = list(pages.values()) + [render_pages(large_result, full_diagram=True)["journey-0.html"]]
    for text in texts:
        ids = Counter(re.findall(r'\sid="([^"]+)"', text))
        assert [i for i, n in ids.items() if n > 1] == []


def test_a_journey_called_index_does_not_replace_the_portfolio():
    text = ODD.replace("title: Odd shapes", "id: index\ntitle: Odd shapes")
    pages = render_pages(audit_texts(text))
    assert sorted(pages) == ["_index.html", "index.html"]
    index = parse(pages["index.html"])
    assert index.find("h1").text() == "Customer journey audit"
    assert index.by_id("j-index").find("a").attrs["href"] == "_index.html"


def test_unusable_files_are_listed_on_the_index(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.yaml").write_text("journeyaudit: 1\ntitle: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    index = parse((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    problems = " ".join(index.by_id("problems").text().split())
    assert "1 file could not be audited" in problems and "broken.yaml" in problems


def test_step_ids_never_clash_with_the_diagram_helpers():
    text = """journeyaudit: 1
title: Names
departments: {lane: {title: Lane}}
steps:
  corner_ll: {title: First, department: lane, next: corner_ur}
  corner_ur: {title: Last, department: lane, end: success}
"""
    svg = parse(render_pages(audit_texts(text))["journey-0.html"]).find("svg", cls="swimlane")
    assert {g.attrs["id"] for g in svg.find_all("g", cls="step")} == {"step-corner_ll", "step-corner_ur"}
    assert svg.find("g", cls="lanes") is not None


@pytest.mark.parametrize("n_steps, department_map", [(300, False), (301, True)])
def test_the_department_map_starts_over_300_steps(n_steps, department_map):
    """docs/report.md: journeys over 300 steps get the department map instead of the step graph."""
    result = audit_texts(make_journey(n_steps, n_departments=6, seed=3))
    assert len(result.journeys[0].journey.steps) == n_steps
    tree = parse(render_pages(result)["journey-0.html"])
    assert (tree.find("svg", cls="department-map") is not None) is department_map
    assert (tree.find("svg", cls="swimlane") is None) is department_map
