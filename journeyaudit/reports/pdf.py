"""`journeyaudit report PATH... --pdf FILE`: the report as a print-ready PDF.

One HTML document laid out for paper (templates/print.html: the portfolio, then about three
pages per journey, the blueprint on landscape pages, and a page per as-is / to-be pair) is
printed by headless Chromium, the browser the report is tested in: its print engine is what
lays out the pages a reader sees on screen. Chromium is looked for on PATH (`chromium`,
`chromium-browser`, `google-chrome`, `google-chrome-stable`, `chrome`) or named by the
JOURNEYAUDIT_CHROMIUM variable; without it the command says so and exits 2.

The same input gives the same bytes: Chromium writes the time of printing into the PDF's
CreationDate and ModDate, which are replaced (same length, so the file's cross-reference
offsets stay right) by SOURCE_DATE_EPOCH's date, or 2000-01-01 00:00 UTC when unset.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PAPERS = {"a4": ("A4", "210mm", "297mm"), "letter": ("letter", "8.5in", "11in")}
PDF_TITLE = "Customer journey review - journeyaudit"  # ASCII: the PDF keeps it as written, so a rerun knows its file
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)
TIMEOUT_S = 180
_LINK = re.compile(r'\s(?:xlink:)?href="[^"]*"')
_DATE = re.compile(rb"\((D:\d{14})((?:[+-]\d\d'\d\d')|Z)?\)")


class PdfUnavailable(RuntimeError):
    """Chromium is missing or failed: `str(error)` says what to do."""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) to print with: JOURNEYAUDIT_CHROMIUM, else the first on PATH."""
    named = os.environ.get("JOURNEYAUDIT_CHROMIUM", "").strip()
    if named:
        return shutil.which(named) or (named if os.path.isfile(named) and os.access(named, os.X_OK) else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


MISSING_CHROMIUM = (
    "journeyaudit: report --pdf prints with Chromium (or Google Chrome), which was not found: install it "
    "(Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or name it with "
    "JOURNEYAUDIT_CHROMIUM=/path/to/chrome; the HTML report (-o DIR) needs no browser"
)


def pdf_date() -> datetime:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return datetime.fromtimestamp(int(value), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass
    return FIXED_DATE


def fix_dates(pdf: bytes, moment: datetime) -> bytes:
    """Every PDF date string `(D:YYYYMMDDHHmmSS+hh'mm')` set to `moment`, keeping its length."""
    stamp = moment.strftime("D:%Y%m%d%H%M%S").encode()

    def replace(match: re.Match[bytes]) -> bytes:
        zone = match.group(2) or b""
        new_zone = b"+00'00'" if zone.startswith((b"+", b"-")) else zone
        return b"(" + stamp + new_zone + b")"

    return _DATE.sub(replace, pdf)


def is_own_pdf(existing: bytes) -> bool:
    """A PDF an earlier `report --pdf` wrote (its title says so)."""
    return existing.startswith(b"%PDF") and f"/Title ({PDF_TITLE})".encode() in existing


def print_html(
    result: AuditResult,
    *,
    paper: str = "a4",
    client: bool = False,
    rules: Mapping[str, Rule] | None = None,
    config: Config | None = None,
    fixes: Mapping[str, list[dict]] | None = None,
) -> str:
    """The document Chromium prints: every page of the PDF, in print.html."""
    from journeyaudit.reports.html.environment import environment
    from journeyaudit.reports.html.print_document import print_context

    context = print_context(result, rules=rules, config=config, client=client, fixes=fixes or {}, paper=paper)
    name, width, height = PAPERS[paper]
    document = environment().get_template("print.html").render(
        {**context, "paper": name, "paper_width": width, "paper_height": height, "pdf_title": PDF_TITLE}
    )
    # Paper has no links: Chromium would write each as a URI of the scratch folder it printed
    # from (a different name every run). Our own attributes only: journey text is escaped.
    return _LINK.sub("", document)


def html_to_pdf(document: str, chromium: str) -> bytes:
    """Print `document` with headless Chromium, in a private temporary folder (its profile too)."""
    with tempfile.TemporaryDirectory(prefix="journeyaudit-pdf-") as folder:
        source = os.path.join(folder, "report.html")
        target = os.path.join(folder, "report.pdf")
        with open(source, "w", encoding="utf-8", errors="backslashreplace") as handle:  # our own scratch file
            handle.write(document)
        command = [
            chromium, "--headless", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-features=Translate,MediaRouter",
            f"--user-data-dir={os.path.join(folder, 'profile')}",
            f"--print-to-pdf={target}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to run as root inside its sandbox
        command.append("file://" + source)
        try:
            run = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"journeyaudit: Chromium did not finish printing the PDF within {TIMEOUT_S} s") from None
        except OSError as error:
            raise PdfUnavailable(f"journeyaudit: Chromium ({chromium}) could not be started: {error.strerror}") from None
        if not os.path.isfile(target):
            detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PdfUnavailable(
                f"journeyaudit: Chromium ({chromium}) printed no PDF (exit {run.returncode})"
                + (f": {detail[-1][:300]}" if detail else "")
            )
        with open(target, "rb") as handle:
            data = handle.read()
    return fix_dates(data, pdf_date())


def render_pdf(result: AuditResult, *, paper: str = "a4", client: bool = False, rules=None, config=None,
               fixes=None, chromium: str | None = None) -> bytes:
    """The PDF of the report; raises PdfUnavailable without Chromium."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfUnavailable(MISSING_CHROMIUM)
    return html_to_pdf(print_html(result, paper=paper, client=client, rules=rules, config=config, fixes=fixes),
                       chromium)
