"""Journeys of many arrows: the page draws the department map above 1,000 arrows, as above
300 steps; below, the blueprint stacks the "continues in row N" markers of each step."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.reports.html.report import render_pages

from .helpers import audit_texts, parse


def many_arrows(steps: int, reach: int) -> str:
    """Each step leads to the `reach` steps after it: (steps - reach) * reach + reach * (reach - 1) / 2 arrows."""
    lines = ["journeyaudit: 1", "title: Many arrows", "departments:", "  a: {title: Front desk}",
             "  b: {title: Back office}", "steps:"]
    for i in range(steps):
        ahead = [f"s{j}" for j in range(i + 1, min(steps, i + 1 + reach))]
        where = f"department: {'ab'[i % 2]}, channel: phone"
        if ahead:
            lines.append(f"  s{i}: {{title: Step {i}, {where}, wait: {i + 1}m, next: [{', '.join(ahead)}]}}")
        else:
            lines.append(f"  s{i}: {{title: Step {i}, {where}, end: success}}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def at_the_cap():
    return audit_texts(many_arrows(53, 25))  # 1,000 arrows: still drawn step by step


@pytest.fixture(scope="module")
def over_the_cap():
    return audit_texts(many_arrows(54, 25))  # 1,025 arrows, 54 steps


def test_over_1000_arrows_the_page_draws_the_department_map(over_the_cap):
    pages = render_pages(over_the_cap)
    tree = parse(pages["journey-0.html"])
    assert tree.find("svg", cls="swimlane") is None
    assert tree.find("svg", cls="department-map") is not None
    text = " ".join(tree.by_id("diagram").text().split())
    assert "54 steps linked by 1,025 arrows, too many to draw one by one" in text
    assert "--full-diagram" in text
    # as a large journey's page: every finding in the files beside it
    assert {"journey-0.findings.csv", "journey-0.findings.json", "journey-0.steps.csv"} <= set(pages)


def test_full_diagram_draws_every_arrow_as_well(over_the_cap):
    tree = parse(render_pages(over_the_cap, full_diagram=True)["journey-0.html"])
    assert tree.find("svg", cls="department-map") is not None
    svg = tree.find("svg", cls="swimlane")
    assert svg is not None
    drawn = {g.attrs["id"] for g in svg.find_all("g", cls="flow") if "continued" not in g.classes}
    assert len(drawn) == 1025


def test_at_1000_arrows_the_blueprint_is_drawn(at_the_cap):
    tree = parse(render_pages(at_the_cap)["journey-0.html"])
    assert tree.find("svg", cls="department-map") is None
    svg = tree.find("svg", cls="swimlane")
    assert svg is not None
    assert len([g for g in svg.find_all("g", cls="flow") if "continued" not in g.classes]) == 1000
    assert "too many to draw" not in tree.by_id("diagram").text()


def test_the_diff_page_says_why_it_draws_no_blueprint(tmp_path):
    old, new, page = tmp_path / "old.yaml", tmp_path / "new.yaml", tmp_path / "diff.html"
    old.write_text(many_arrows(54, 25), encoding="utf-8")
    new.write_text(many_arrows(54, 25).replace("wait: 1m,", "wait: 7h,", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html", "-o", str(page)])
    assert result.exit_code in (0, 1), result.output
    tree = parse(page.read_text(encoding="utf-8"))
    assert tree.find("svg", cls="blueprint") is None
    text = " ".join(tree.text().split())
    assert text.count("This journey has 54 steps linked by 1,025 arrows: its page draws its department map.") == 2


def _vertical_centre(box) -> float:
    ys = [float(y) for y in re.findall(r"-?\d+(?:\.\d+)?,(-?\d+(?:\.\d+)?)", box.find("path").attrs["d"])]
    return (min(ys) + max(ys)) / 2


def test_row_markers_of_a_step_are_stacked_around_it(at_the_cap):
    """Each arrow to another row leaves its step by a marker of its own: the step's markers
    20 points apart (a marker and a gap), centred on the step; the same where they enter."""
    journey = at_the_cap.journeys[0].journey
    svg = parse(render_pages(at_the_cap)["journey-0.html"]).find("svg", cls="blueprint")
    by_index = {step.index: step_id for step_id, step in journey.steps.items()}
    stacks: dict[tuple[str, str], list[float]] = defaultdict(list)
    for marker in svg.find_all("g", cls="row-link"):
        side, source, target = re.fullmatch(r"(out|in)-edge-(\d+)-(\d+)", marker.attrs["id"]).groups()
        step = by_index[int(source if side == "out" else target)]
        stacks[(side, step)].append(float(marker.find("ellipse").attrs["cy"]))
    assert {side for side, _ in stacks} == {"out", "in"}
    assert max(len(ys) for ys in stacks.values()) > 1
    for (_side, step), ys in stacks.items():
        ys.sort()
        assert all(abs(b - a - 20) < 0.1 for a, b in pairwise(ys)), (step, ys)
        assert abs(sum(ys) / len(ys) - _vertical_centre(svg.by_id(f"step-{step}"))) < 0.1, (step, ys)
