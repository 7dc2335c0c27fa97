"""How fast the analysis engine is, and how much memory it takes.

    python benchmarks/analysis_speed.py

Loading (YAML) is timed apart from the analysis. Journeys come from the
seeded generator in benchmarks/synthetic.py, so runs are comparable.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import ladder, make_journey
from journeyaudit.analysis import analyze
from journeyaudit.loading import load_text


def load(text: str):
    result = load_text(text)
    if result.journey is None:
        raise SystemExit(f"the generator wrote an unusable journey: {result.problems[:3]}")
    return result.journey


def timed(function, *args):
    began = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - began


def main() -> None:
    big_text = make_journey(10_000, 30, 200, 0.05, seed=1)
    big, load_s = timed(load, big_text)
    analysis, analyze_s = timed(analyze, big)
    big_maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loops = sum(1 for members in analysis.graph.component_members if len(members) > 1)
    print(
        f"10,000 steps, 30 departments, 200 data items, {loops} loop regions: "
        f"load {load_s:.3f} s, analyse {analyze_s:.3f} s "
        f"(approximate: {analysis.metrics['approximate']}, largest region "
        f"{max(len(m) for m in analysis.graph.component_members)} steps)"
    )

    small = [load(make_journey(40, 6, 20, 0.1, seed=seed)) for seed in range(1000)]
    began = time.perf_counter()
    for journey in small:
        analyze(journey)
    small_s = time.perf_counter() - began
    print(f"1,000 journeys of 40 steps: analyse {small_s:.3f} s ({small_s / 1000 * 1000:.3f} ms each)")

    steps = load(ladder(60))
    result, ladder_s = timed(analyze, steps)
    print(f"ladder of 60 decisions (2^60 ways): analyse {ladder_s * 1000:.1f} ms, worst duration {result.metrics['worst_duration_s']} s")

    tracemalloc.start()
    analyze(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory of analysing 10,000 steps: {peak / 2**20:.1f} MB traced by the analysis; "
        f"process max RSS {big_maxrss_mb:.0f} MB after loading and analysing it, "
        f"{maxrss_mb:.0f} MB at the end (1,000 more journeys loaded)"
    )


if __name__ == "__main__":
    main()
