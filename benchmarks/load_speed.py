"""Loading speed: journeyaudit's loader against PyYAML's C loader on the same files.

Target (issue 2): loading 1,000 journeys of 40 steps takes at most 1.5x the
time `yaml.load(..., Loader=yaml.CSafeLoader)` needs to parse the same files.

    python benchmarks/load_speed.py [--journeys 1000] [--steps 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journeyaudit.loading import C_LOADER, load_file

CHANNELS = ["phone", "web", "app", "email", "chat", "branch", "mail"]


def journey_text(index: int, steps: int, rng: random.Random) -> str:
    """A realistic journey: 6 departments, 12 data items, branches and a loop."""
    lines = [
        "# generated for the load benchmark",
        "journeyaudit: 1",
        f"title: Synthetic journey {index}",
        "segment: existing",
        "stage: support",
        "known: [d0, d1]",
        "promise: {duration: 2d, contacts: 3}",
        "departments:",
    ]
    lines += [f"  dept{d}: {{title: Department {d}, customer_facing: {str(d % 3 != 0).lower()}}}" for d in range(6)]
    lines.append("data:")
    lines += [f"  d{d}: {{title: Data item {d}}}" for d in range(12)]
    lines.append("steps:")
    for s in range(steps):
        lines += [
            f"  s{s}:",
            f"    title: Step {s} of the journey, from the customer's side",
            f"    department: dept{rng.randrange(6)}",
            f"    channel: {rng.choice(CHANNELS)}",
            f"    wait: {rng.randrange(1, 30)}m",
            f"    duration: {rng.randrange(1, 15)}m",
            f"    asks: [d{rng.randrange(12)}, d{rng.randrange(12)}]",
        ]
        if s == steps - 1:
            lines.append("    end: success")
        elif s % 7 == 3 and s > 3:
            lines += [
                "    next:",
                f"      - to: s{s + 1}",
                "        p: 0.8",
                "        when: the request is complete",
                f"      - to: s{s - 2}",
                "        p: 0.2",
            ]
        else:
            lines.append(f"    next: s{s + 1}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(args.journeys):
            path = Path(folder) / f"j{index:04d}.yaml"
            path.write_text(journey_text(index, args.steps, rng), encoding="utf-8")
            paths.append(path)
        size = sum(p.stat().st_size for p in paths)

        def pyyaml_c() -> None:
            for path in paths:
                with open(path, "rb") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)

        def journeyaudit_loader() -> None:
            for path in paths:
                result = load_file(path)
                assert result.ok, result.problems[:1]

        timings = {}
        for name, job in (("PyYAML CSafeLoader", pyyaml_c), ("journeyaudit loader", journeyaudit_loader)):
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                job()
                best = min(best, time.perf_counter() - started)
            timings[name] = best
    base = timings["PyYAML CSafeLoader"]
    ours = timings["journeyaudit loader"]
    print(f"corpus: {args.journeys} journeys x {args.steps} steps, {size / 1e6:.1f} MB; C loader in use: {C_LOADER}")
    print(f"PyYAML CSafeLoader (parse only):     {base:.3f} s (best of {args.repeat})")
    print(f"journeyaudit loader (parse + check): {ours:.3f} s (best of {args.repeat})")
    print(f"ratio: {ours / base:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
