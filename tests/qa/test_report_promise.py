"""QA: the HTML report crashed (internal error) on a journey with a promise and no successful end."""

from __future__ import annotations

from click.testing import CliRunner

from journeyaudit.cli import main

JOURNEY = """\
journeyaudit: 1
title: Promised but never done
promise: {duration: 2d, contacts: 1}
departments: {desk: {title: Desk}}
steps:
  ask: {title: Ask for a refund, department: desk, next: refused}
  refused: {title: Refund refused, department: desk, end: failure}
"""


def test_a_promise_no_customer_can_reach_is_shown_broken(tmp_path):
    path = tmp_path / "refund.yaml"
    path.write_text(JOURNEY)
    for args in (["report", str(path), "-o", str(tmp_path / "r1")], ["audit", str(path), "--html", str(tmp_path / "r2")]):
        result = CliRunner().invoke(main, args)
        assert "internal error" not in result.output, result.output
        assert result.exit_code in (0, 1), result.output
    page = (tmp_path / "r1" / "refund.html").read_text(encoding="utf-8")
    assert "no customer reaches one" in page and "promise broken" in page
