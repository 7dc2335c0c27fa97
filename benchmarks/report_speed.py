"""How long the HTML report takes: a 200-step journey (step swimlane, drawn by
Graphviz) and a 10,000-step journey (department map).

Run from the project root: `python benchmarks/report_speed.py`. Targets: under
5 s for 200 steps including `dot`, under 10 s for 10,000 steps. The audit
(load, analysis, rules) is timed apart from the report itself.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import make_journey
from journeyaudit.audit import audit_journeys
from journeyaudit.loading import load_text
from journeyaudit.reports.html.report import write_report


def measure(n_steps: int, n_departments: int, full_diagram: bool = False) -> tuple[float, float, float]:
    text = make_journey(n_steps, n_departments, 20, 0.05, 42)
    started = time.perf_counter()
    loaded = load_text(text, file=f"synthetic-{n_steps}.yaml", default_id=f"synthetic-{n_steps}")
    assert loaded.ok, loaded.problems[:3]
    result = audit_journeys([loaded.journey])
    audited = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        index = write_report(result, folder, full_diagram=full_diagram)
        written = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        assert index.exists()
    return audited - started, written - audited, size / 1024


def main() -> None:
    cases = [
        (200, 8, False, "step swimlane (Graphviz)", 5.0),
        (10_000, 12, False, "department map", 10.0),
    ]
    print(f"{'journey':>16}  {'diagram':<26} {'audit':>8} {'report':>8} {'size':>9}  target")
    for n_steps, n_departments, full, label, target in cases:
        audit_s, report_s, size_kib = measure(n_steps, n_departments, full)
        verdict = "ok" if report_s < target else "SLOW"
        print(
            f"{n_steps:>10} steps  {label:<26} {audit_s:>7.2f}s {report_s:>7.2f}s {size_kib:>7.0f}KiB"
            f"  report < {target:g}s: {verdict}"
        )


if __name__ == "__main__":
    main()
