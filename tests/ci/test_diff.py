"""`diff OLD NEW`: step changes, figure directions, findings new and fixed, regressions, outputs."""

from __future__ import annotations

import json

import pytest

from journeyaudit.audit import run_audit
from journeyaudit.audit.diff import Tolerance, diff_results
from journeyaudit.loading.config import Config
from journeyaudit.reports import RenderOptions
from journeyaudit.reports.formats.markdown import mermaid_label, render_diff
from journeyaudit.reports.html.diff_page import render_html
from tests.ci.helpers import CLEAN, EXAMPLES, WARNINGS_ONLY, run_cli, write

# CLEAN with a hand-off to a back office that phones the customer: worse on every count.
WORSE = CLEAN.replace(
    "  web: {title: Web shop}\n",
    "  web: {title: Web shop}\n  desk: {title: 'Address desk <b>&</b> \"co\" #1 | @team'}\n",
).replace(
    "    asks: [address]\n    next: confirm\n",
    "    asks: [address]\n    next: check\n"
    "  check:\n"
    "    title: 'Desk checks the address [sic] <script>alert(1)</script>'\n"
    "    department: desk\n"
    "    channel: phone\n"
    "    wait: 20m\n"
    "    duration: 5m\n"
    "    asks: [address]\n"
    "    next: confirm\n",
)


def _folders(tmp_path, old: dict[str, str], new: dict[str, str]):
    for name, text in old.items():
        write(tmp_path, f"old/{name}", text)
    for name, text in new.items():
        write(tmp_path, f"new/{name}", text)
    return tmp_path / "old", tmp_path / "new"


def _diff(tmp_path, old, new, **kwargs):
    old_dir, new_dir = _folders(tmp_path, old, new)
    return diff_results(run_audit([old_dir]), run_audit([new_dir]), **kwargs)


def test_steps_metrics_and_findings_of_a_worse_journey(tmp_path):
    diff = _diff(tmp_path, {"clean.yaml": CLEAN}, {"clean.yaml": WORSE})
    (journey,) = diff.journeys
    assert journey.status == "changed" and journey.verdict == "worse"
    changes = {(c.step, c.change) for c in journey.steps}
    assert changes == {("check", "added"), ("edit", "changed")}
    edit = next(c for c in journey.steps if c.step == "edit")
    assert edit.fields == {"next": ("confirm", "check")}
    directions = {d.metric: d.direction for d in journey.metrics}
    assert directions["max_handoffs"] == "worse"
    assert directions["expected_duration_s"] == "worse"
    assert directions["score"] == "worse"
    assert directions["steps"] == "changed"  # no better direction
    assert {f.rule for f in journey.new_findings} >= {"long-wait", "repeated-ask"}
    assert not journey.fixed_findings
    assert any("new warning long-wait" in reason for reason in journey.regressions) is False  # warnings < fail-on
    assert any(reason.startswith("max_handoffs got worse") for reason in journey.regressions)
    assert any(reason.startswith("score got worse beyond the tolerance of 2 points") for reason in journey.regressions)


def test_the_reverse_change_is_better_and_fixes_findings(tmp_path):
    diff = _diff(tmp_path, {"clean.yaml": WORSE}, {"clean.yaml": CLEAN})
    (journey,) = diff.journeys
    assert journey.verdict == "better"
    assert journey.regressions == []
    assert {f.rule for f in journey.fixed_findings} >= {"long-wait", "repeated-ask"}
    assert {c.change for c in journey.steps} == {"removed", "changed"}
    from journeyaudit.audit.budgets import METRICS

    assert {d.direction for d in journey.metrics if METRICS[d.metric][0]} == {"better"}


def test_new_findings_at_fail_on_are_regressions(tmp_path):
    diff = _diff(tmp_path, {"a.yaml": CLEAN}, {"a.yaml": CLEAN.replace("    kind: feedback\n", "")}, fail_on="warning")
    (journey,) = diff.journeys
    assert [f.rule for f in journey.new_findings] == ["no-feedback"]
    assert journey.regressions and journey.regressions[0].startswith("new warning no-feedback")
    relaxed = _diff(tmp_path / "relaxed", {"a.yaml": CLEAN}, {"a.yaml": CLEAN.replace("    kind: feedback\n", "")})
    assert relaxed.journeys[0].regressions == []  # a warning is below the default fail-on


def test_tolerance_decides_what_is_a_regression(tmp_path):
    slower = CLEAN.replace("duration: 1m", "duration: 63s")  # +5 % of the expected time, score unchanged
    diff = _diff(tmp_path / "a", {"a.yaml": CLEAN}, {"a.yaml": slower})
    delta = {d.metric: d for d in diff.journeys[0].metrics}["expected_duration_s"]
    assert delta.direction == "worse" and not delta.regression
    strict = _diff(tmp_path / "b", {"a.yaml": CLEAN}, {"a.yaml": slower}, tolerance=Tolerance(points=2, percent=1))
    assert strict.journeys[0].regressions == ["expected_duration_s got worse beyond the tolerance of 1 %: 1m → 1m 3s"]


def test_budget_crossing_is_a_regression(tmp_path):
    from journeyaudit.audit.budgets import parse_budget_argument

    budgets = parse_budget_argument("max_handoffs=1")
    diff = _diff(tmp_path, {"a.yaml": CLEAN}, {"a.yaml": WORSE}, budgets=budgets, tolerance=Tolerance(100, 1000))
    (journey,) = diff.journeys
    assert [c.budget.metric for c in journey.budget_crossings] == ["max_handoffs"]
    assert "crosses a budget: max_handoffs is 2: breaks its budget of at most 1 (set in --budget)" in journey.regressions
    # already broken before: not a crossing
    again = _diff(tmp_path / "again", {"a.yaml": WORSE}, {"a.yaml": WORSE}, budgets=budgets)
    assert again.journeys[0].regressions == [] and again.journeys[0].status == "unchanged"


def test_journeys_added_and_removed_are_matched_by_id(tmp_path):
    renamed = WARNINGS_ONLY.replace("journeyaudit: 1\n", "journeyaudit: 1\nid: warn\n")
    diff = _diff(
        tmp_path,
        {"clean.yaml": CLEAN, "warn.yaml": WARNINGS_ONLY},
        {"clean.yaml": CLEAN, "moved/other-name.yaml": renamed, "new.yaml": WARNINGS_ONLY},
    )
    status = {j.id: j.status for j in diff.journeys}
    assert status == {"clean": "unchanged", "warn": "unchanged", "new": "added"}
    assert {j.id: j.verdict for j in diff.journeys}["new"] == "new"  # not "worse": nothing to compare with
    diff = _diff(tmp_path / "2", {"clean.yaml": CLEAN, "gone.yaml": WARNINGS_ONLY}, {"clean.yaml": CLEAN})
    assert {j.id: j.status for j in diff.journeys} == {"clean": "unchanged", "gone": "removed"}
    assert diff.regressions() == []


def test_cli_exit_codes_and_formats(tmp_path):
    old, new = _folders(tmp_path, {"clean.yaml": CLEAN}, {"clean.yaml": WORSE})
    assert run_cli("diff", old, new).returncode == 0
    result = run_cli("diff", old, new, "--fail-on-regression")
    assert result.returncode == 1
    assert "regression: max_handoffs got worse" in result.stdout
    assert run_cli("diff", old, old, "--fail-on-regression").returncode == 0
    assert run_cli("diff", new, old, "--fail-on-regression").returncode == 0  # better is fine
    # from 0 hand-offs to 2 is worse whatever the tolerance (an increase from 0 is infinite %)
    assert run_cli("diff", old, new, "--fail-on-regression", "--tolerance-percent", "10000").returncode == 1
    write(tmp_path, "slower/clean.yaml", CLEAN.replace("duration: 1m", "duration: 63s"))
    assert run_cli("diff", old, tmp_path / "slower", "--fail-on-regression").returncode == 0
    strict = run_cli("diff", old, tmp_path / "slower", "--fail-on-regression", "--tolerance-percent", "1")
    assert strict.returncode == 1 and "expected_duration_s got worse beyond the tolerance of 1 %" in strict.stdout
    document = json.loads(run_cli("diff", old, new, "--format", "json").stdout)
    assert document["summary"]["regressions"] >= 2 and document["journeys"][0]["verdict"] == "worse"
    markdown = run_cli("diff", old, new, "--format", "markdown").stdout
    assert "```mermaid" in markdown and "worse for customers" in markdown
    assert run_cli("diff", old, new, "--format", "html", "-o", tmp_path / "d.html").returncode == 0
    assert "<script>alert" not in (tmp_path / "d.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (["only-one"], "diff takes OLD and NEW"),
        (["a", "b", "c"], "diff takes OLD and NEW"),
        (["--base-ref", "HEAD"], "needs the PATH"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path, args, message):
    result = run_cli("diff", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr


def test_cli_bad_new_input_exits_2_and_bad_old_input_is_a_warning(tmp_path):
    old, new = _folders(tmp_path, {"a.yaml": "journeyaudit: 1\ntitle: [x\n"}, {"a.yaml": CLEAN})
    result = run_cli("diff", old, new)
    assert result.returncode == 0
    assert "in the old version: ignored" in result.stderr
    assert run_cli("diff", new, old).returncode == 2
    assert run_cli("diff", old, tmp_path / "missing").returncode == 2
    assert run_cli("diff", old, new, "--budget", "nonsense=1").returncode == 2


def test_markdown_diff_escapes_titles_and_draws_mermaid(tmp_path):
    diff = _diff(tmp_path, {"clean.yaml": CLEAN}, {"clean.yaml": WORSE})
    text = render_diff(diff, RenderOptions(config=Config()))
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[sic\\]" in text
    mermaid = text[text.index("```mermaid"):]
    mermaid = mermaid[: mermaid.index("```", 3)]
    assert "#lt;script#gt;" in mermaid and "#91;sic#93;" in mermaid
    assert '"co"' not in mermaid and "#quot;co#quot;" in mermaid
    assert "#35;1 #124; @team" in mermaid
    assert "class s1 added" in mermaid and "class s0 changed" in mermaid  # check added, edit changed
    assert "==>" in mermaid  # a hand-off edge


def test_mermaid_label_escaping():
    assert mermaid_label('a "b" <c> #d [e] {f} |g|') == "a #quot;b#quot; #lt;c#gt; #35;d #91;e#93; #123;f#125; #124;g#124;"
    assert "\n" not in mermaid_label("two\nlines")


def test_html_diff_page_is_autoescaped_and_self_contained(tmp_path):
    diff = _diff(tmp_path, {"clean.yaml": CLEAN}, {"clean.yaml": WORSE})
    page = render_html(diff)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # neither ours nor the journey's
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<link" not in page and "<style>" in page
    assert "max_handoffs" in page and "regression" in page


def test_diff_of_the_shared_examples_against_themselves_is_empty(tmp_path):
    result = run_cli("diff", EXAMPLES, EXAMPLES, "--fail-on-regression")
    assert result.returncode == 0
    assert "no journey changed" in result.stdout


def test_metric_changes_show_the_signed_difference_in_the_figures_unit():
    from journeyaudit.audit.diff import MetricDelta

    assert MetricDelta("expected_duration_s", 1000.0, 3640.0, "worse").change_text() == "+44m"
    assert MetricDelta("score", 25, 24, "worse").change_text() == "-1"
    assert MetricDelta("expected_handoffs", 2.0, 2.0, "changed").change_text() == ""
