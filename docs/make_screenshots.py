"""Regenerate the screenshots of docs/report.md (docs/screenshots/*.png).

    python docs/make_screenshots.py

Audits the shipped journeys (journeys/), writes the team's HTML report and the client's
PDF into a temporary folder, and takes, in headless Chromium at 1440 px: the portfolio
index, a journey page (its summary, blueprint and emotion curve), the as-is / to-be
comparison page, and one page of the PDF (its landscape blueprint page, drawn by pdftoppm).
Needs what the browser tests need (`scripts/setup --test`: Chromium, playwright,
poppler-utils for pdftoppm).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from journeyaudit.audit import run_audit  # noqa: E402
from journeyaudit.reports.html.report import write_report  # noqa: E402
from journeyaudit.reports.pdf import find_chromium, render_pdf  # noqa: E402

OUT = PROJECT / "docs" / "screenshots"
WIDTH = 1440
# (file written, page of the report, top and height of the part shown, in CSS pixels)
SHOTS = [
    ("index.png", "index.html", 0, 1180),
    ("journey.png", "broadband-fault.html", 0, 2300),
    ("comparison.png", "compare.telecom-cancel-after.html", 0, 2000),
]
PDF_PAGE = ("pdf-page.png", "broadband-fault")  # the journey whose landscape blueprint page is shown


def main() -> None:
    chromium = find_chromium()
    if chromium is None or shutil.which("pdftoppm") is None:
        sys.exit("make_screenshots: needs Chromium and pdftoppm (scripts/setup --test)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764547200")  # the pages' date line: fixed, so images are stable
    result = run_audit([str(PROJECT / "journeys")])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report"
        write_report(result, report)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for name, html, top, height in SHOTS:
                page.goto((report / html).as_uri())
                page.wait_for_load_state("load")
                full = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(path=str(OUT / name), full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": min(height, full - top)})
                print(f"{OUT / name}")
            browser.close()
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(render_pdf(result, client=True, chromium=chromium))
        number = _landscape_page(pdf, PDF_PAGE[1], result)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(number), "-l", str(number), "-singlefile",
                        str(pdf), str(OUT / PDF_PAGE[0].removesuffix(".png"))], check=True)
        print(f"{OUT / PDF_PAGE[0]} (page {number} of the client's PDF)")


def _landscape_page(pdf: Path, journey_id: str, result) -> int:
    """The number of the landscape page holding the journey's blueprint."""
    from pypdf import PdfReader

    title = next(r.journey.title for r in result.journeys if r.journey.id == journey_id)
    for number, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        landscape = float(page.mediabox.width) > float(page.mediabox.height)
        if landscape and " ".join(title.split()) in " ".join((page.extract_text() or "").split()):
            return number
    raise SystemExit(f"make_screenshots: no landscape page for {journey_id}")


if __name__ == "__main__":
    main()
