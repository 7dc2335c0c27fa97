"""How long the report takes and how heavy its pages are: a 40-step journey (service
blueprint routed by Graphviz), a 200-step one (blueprint in rows, our own curves), a
10,000-step one (department map, findings summarised per rule), 150 steps each linked to
every other (`dense(150)`, 22,201 arrows: department map, as over 1,000 arrows), and the PDF.

Run from the project root: `python benchmarks/report_speed.py`. Targets, side by side with
what is measured: writing the report under 5 s for 200 steps including `dot` and under
10 s for 10,000 steps; under 2 s for the dense journey (it took 117 s and wrote 46 MB
when it drew every arrow); the 10,000-step page under 5 MB and loaded by Chromium in under
3 s; the PDF of the 40-step journey under 10 s. Load times need Chromium and playwright
(as the browser tests do); without them they read "–".
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import dense, make_journey
from journeyaudit.audit import audit_journeys
from journeyaudit.loading import load_text
from journeyaudit.reports.html.report import write_report
from journeyaudit.reports.pdf import find_chromium

CHROMIUM = find_chromium()  # the browser `report --pdf` prints with


def _audit(n_steps: int, n_departments: int, text: str | None = None):
    text = text or make_journey(n_steps, n_departments, 20, 0.05, 42)
    loaded = load_text(text, file=f"synthetic-{n_steps}.yaml", default_id=f"synthetic-{n_steps}")
    assert loaded.ok, loaded.problems[:3]
    return audit_journeys([loaded.journey])


def _load_ms(page_file: Path) -> float | None:
    """Chromium's load event for the page, from disk, in ms (None without a browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if CHROMIUM is None:
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        browser.close()
    return float(loaded)


def measure(n_steps: int, n_departments: int, text: str | None = None) -> tuple[float, float, float, float | None]:
    started = time.perf_counter()
    result = _audit(n_steps, n_departments, text)
    audited = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_report(result, folder)
        written = time.perf_counter()
        page = Path(folder) / f"synthetic-{n_steps}.html"
        size = page.stat().st_size
        load = _load_ms(page)
    return audited - started, written - audited, size / 1024, load


def measure_pdf() -> tuple[float, int] | None:
    """Seconds to print the 40-step journey's PDF, and its pages (None without Chromium)."""
    from journeyaudit.reports.pdf import render_pdf

    if CHROMIUM is None:
        return None
    result = _audit(40, 5)
    started = time.perf_counter()
    data = render_pdf(result, chromium=CHROMIUM)
    elapsed = time.perf_counter() - started
    assert data.startswith(b"%PDF")
    return elapsed, len(re.findall(rb"/Type\s*/Page[^s]", data))


def main() -> None:
    cases = [
        (40, 5, None, "blueprint (Graphviz routes)", 5.0),
        (200, 8, None, "blueprint in rows", 5.0),
        (10_000, 12, None, "department map", 10.0),
        (150, 5, dense(150), "department map (dense)", 2.0),
    ]
    print(f"{'journey':>16}  {'diagram':<28} {'audit':>8} {'report':>8} {'page':>10} {'load':>8}  targets")
    for n_steps, n_departments, text, label, target in cases:
        audit_s, report_s, size_kib, load_ms = measure(n_steps, n_departments, text)
        load = f"{load_ms:>6.0f}ms" if load_ms is not None else f"{'–':>8}"
        verdict = "ok" if report_s < target else "SLOW"
        extra = ""
        if n_steps == 10_000 or text is not None:
            size_ok = "ok" if size_kib < 5 * 1024 else "TOO BIG"
            load_ok = "–" if load_ms is None else "ok" if load_ms < 3000 else "SLOW"
            extra = f"; page < 5 MB: {size_ok}; load < 3 s: {load_ok}"
        print(
            f"{n_steps:>10} steps  {label:<28} {audit_s:>7.2f}s {report_s:>7.2f}s {size_kib:>8.0f}KiB {load}"
            f"  report < {target:g}s: {verdict}{extra}"
        )
    pdf = measure_pdf()
    if pdf is None:
        print(f"{'PDF, 40 steps':>16}  {'(no Chromium)':<28} {'':>8} {'–':>8}  PDF < 10s: –")
    else:
        pdf_s, pages = pdf
        print(f"{'PDF, 40 steps':>16}  {f'printed by Chromium, {pages} pages':<28} {'':>8} {pdf_s:7.2f}s"
              f"  PDF < 10s: {'ok' if pdf_s < 10 else 'SLOW'}; pages <= 7 (cover, summary, findings, the "
              f"blueprint's rows over as many landscape pages as keep titles at 6 pt): {'ok' if pages <= 7 else 'NO'}")


if __name__ == "__main__":
    main()
