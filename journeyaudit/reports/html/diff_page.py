"""The diff page: a self-contained HTML page (inline CSS, no scripts) from `diff.html`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyaudit.reports.html.environment import asset, render

if TYPE_CHECKING:
    from markupsafe import Markup

    from journeyaudit.audit.diff import DiffResult


def render_html(diff: DiffResult) -> str:
    report_css: Markup | str
    try:  # the HTML report's stylesheet: the same look
        report_css = asset("report.css")
    except OSError:
        report_css = ""
    return render(
        "diff.html",
        report_css=report_css,
        diff=diff,
        counts=diff.counts(),
        changed=[j for j in diff.journeys if j.status != "unchanged"],
        regressions=diff.regressions(),
    )
