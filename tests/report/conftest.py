from __future__ import annotations

import pytest

from journeyaudit.reports.html.report import write_report

from .browser import browser, page  # noqa: F401 - the browser fixtures of every test module
from .helpers import EXAMPLES, audit_examples, parse


@pytest.fixture(autouse=True)
def _no_source_date(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="session")
def examples_result():
    if not EXAMPLES.is_dir():
        pytest.fail(f"the shared examples are missing: {EXAMPLES}")
    return audit_examples()


@pytest.fixture(scope="session")
def examples_report(examples_result, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    write_report(examples_result, folder)
    return folder


@pytest.fixture(scope="session")
def pages(examples_report):
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(examples_report.glob("*.html"))}


@pytest.fixture(scope="session")
def trees(pages):
    return {name: parse(text) for name, text in pages.items()}
