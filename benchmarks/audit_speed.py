"""Full audit speed against parsing alone, peak memory, and the 2^60-way ladder.

    python benchmarks/audit_speed.py

Targets (issue 3): for the seeded 10,000-step journey (30 departments, 200
data items, some loops) and for 1,000 journeys of 40 steps, the full audit
(load + analysis + every rule) takes at most 2x the time PyYAML's C loader
needs to parse the same files; peak memory under 300 MB for the big journey;
a ladder of 60 two-way decisions in a row audits in under 0.5 s; a dense
journey of 150 steps, each linked to all others (issue 15), in under 2 s.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import dense, ladder, make_journey
from journeyaudit.audit import run_audit


def best_of(repeat: int, job) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - began)
    return best


def parse_only(paths: list[Path]) -> None:
    for path in paths:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def audit(paths: list[Path]) -> None:
    result = run_audit(paths)
    if result.problems:
        raise SystemExit(f"unexpected problems: {[p.format() for p in result.problems[:3]]}")


def compare(name: str, paths: list[Path], repeat: int) -> None:
    parse_s = best_of(repeat, lambda: parse_only(paths))
    audit_s = best_of(repeat, lambda: audit(paths))
    print(f"{name}: C loader parse {parse_s:.3f} s, full audit {audit_s:.3f} s, ratio {audit_s / parse_s:.2f}x (target <= 2x)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        big = root / "big" / "big.yaml"
        big.parent.mkdir()
        big.write_text(make_journey(10_000, 30, 200, 0.05, seed=1), encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        compare("10,000-step journey", [big], repeat=2)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory (process max RSS): {after:.0f} MB (was {before:.0f} MB before; target < 300 MB)")

        small_dir = root / "small"
        small_dir.mkdir()
        small = []
        for seed in range(1000):
            path = small_dir / f"j{seed:04d}.yaml"
            path.write_text(make_journey(40, 6, 20, 0.1, seed=seed), encoding="utf-8")
            small.append(path)
        compare("1,000 journeys of 40 steps", small, repeat=2)

        steps = root / "ladder.yaml"
        steps.write_text(ladder(60), encoding="utf-8")
        ladder_s = best_of(3, lambda: audit([steps]))
        print(f"ladder of 60 two-way decisions (2^60 ways): full audit {ladder_s * 1000:.0f} ms (target < 500 ms)")

        crowded = root / "dense.yaml"
        crowded.write_text(dense(150), encoding="utf-8")
        dense_s = best_of(3, lambda: audit([crowded]))
        print(
            f"150 steps each linked to all others ({crowded.stat().st_size // 1024} KB): "
            f"full audit {dense_s:.2f} s (target < 2 s; it took 162 s)"
        )


if __name__ == "__main__":
    main()
