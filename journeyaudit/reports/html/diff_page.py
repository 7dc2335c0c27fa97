"""The diff page (`journeyaudit diff --format html`): the comparison page of the report
(compare_page.py, compare.html), one comparison per changed journey; self-contained, and
without a script (every part of it reads without one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyaudit.audit.diff import DiffResult


def render_html(diff: DiffResult, *, client: bool = False) -> str:
    from journeyaudit.reports.html.compare_page import render_diff_page

    return render_diff_page(diff, client=client)
