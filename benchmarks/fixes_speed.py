"""How fast every fix of a journey is measured (the what-if engine), beside the audit itself.

    python benchmarks/fixes_speed.py [--journeys 1000]

For the seeded journeys of benchmarks/synthetic.py (1,000 of 40 steps, and the
10,000-step journey): the audit (analysis and rules) is timed apart from the
fixes (every fix planned, applied, analysed and audited again, ranked, and all
of them applied together), and the ratio printed: what `audit --format json`
costs more for its `fixes`. `audit` measures the fixes too (text and JSON), so
the two journeys that must never explode are timed with their fixes: the
ladder of 60 two-way decisions (2^60 ways) and 150 steps each linked to all
others (the audit's targets: under 0.5 s and 2 s). The synthetic journeys are much rougher than real
ones (about 90 findings in 40 steps), so they have many more fixes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import dense, ladder, make_journey
from journeyaudit.audit import audit_journeys
from journeyaudit.fixes import measure_journey
from journeyaudit.loading import load_text
from journeyaudit.loading.config import Config
from journeyaudit.rules.registry import all_rules


def load(text: str, name: str):
    result = load_text(text, f"{name}.yaml")
    if result.journey is None:
        raise SystemExit(f"the generator wrote an unusable journey: {result.problems[:3]}")
    return result.journey


def measure(journeys) -> tuple[float, float, int, int, int]:
    """(audit seconds, fixes seconds, fixes, fixes combined, plans not measured)."""
    config, rules = Config(), all_rules()
    audit_s = fixes_s = 0.0
    fixes = combined = not_measured = 0
    for journey in journeys:
        began = time.process_time()
        result = audit_journeys([journey], config, rules=rules).journeys[0]
        audit_s += time.process_time() - began
        began = time.process_time()
        found = measure_journey(result, config, rules)
        fixes_s += time.process_time() - began
        fixes += len(found.fixes)
        combined += len(found.combined.applied) if found.combined else 0
        not_measured += found.not_measured
    return audit_s, fixes_s, fixes, combined, not_measured


def report(label: str, count: int, figures: tuple[float, float, int, int, int]) -> None:
    audit_s, fixes_s, fixes, combined, not_measured = figures
    print(
        f"{label}: fixes {fixes_s:.2f} s ({fixes:,} fixes, {fixes_s / max(fixes, 1) * 1000:.2f} ms a fix, "
        f"{combined:,} applied together; {not_measured:,} left unmeasured by the work budget) "
        f"vs the audit {audit_s:.2f} s: x{fixes_s / audit_s:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--skip-large", action="store_true", help="leave out the 10,000-step journey")
    arguments = parser.parse_args()

    small = [load(make_journey(40, 6, 20, 0.1, seed=seed), f"j{seed}") for seed in range(arguments.journeys)]
    report(f"{arguments.journeys:,} journeys of 40 steps", len(small), measure(small))
    if not arguments.skip_large:
        big = load(make_journey(10_000, 30, 200, 0.05, seed=1), "big")
        report("the 10,000-step journey", 1, measure([big]))
    for label, text, target in (("ladder of 60 two-way decisions (2^60 ways)", ladder(60), 0.5),
                                ("150 steps each linked to all others", dense(150), 2.0)):
        audit_s, fixes_s, fixes, _, _ = measure([load(text, "edge")])
        print(f"{label}: audit {audit_s:.2f} s + its {fixes} fixes {fixes_s:.2f} s = {audit_s + fixes_s:.2f} s (target < {target:g} s)")


if __name__ == "__main__":
    main()
