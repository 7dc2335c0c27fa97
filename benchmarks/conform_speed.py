"""Benchmark: `journeyaudit conform` on a real log and on a synthetic log of 10^6 events.

1. BPI Challenge 2013 incidents (65,533 events) with the shipped design
   `journeys/it-incident.yaml` and its map;
2. a synthetic CSV log of about 10^6 events walked from a journey's chain with
   a seed (`tests/evidence/simulate.py`), the map derived from step titles.

Each run is a fresh interpreter executing the whole command (imports, reading,
replay, JSON out), timed from outside; peak memory is the child's ru_maxrss.
The reference beside each figure is `journeyaudit handoffs` on the same log in
the same way: reading the log is the floor, so the ratio says what the replay
and the figures add on top of reading.

    python benchmarks/conform_speed.py [--repeat 3] [--events 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LOGS = PROJECT.parent / "shared" / "realdata" / "logs"
sys.path.insert(0, str(PROJECT))

# Runs the CLI in a fresh interpreter and reports its own peak memory on stderr's last line.
CHILD = r"""
import resource, sys
from journeyaudit.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def run(arguments: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one fresh process running `journeyaudit ARGUMENTS`."""
    environment = dict(os.environ, PYTHONPATH=str(PROJECT))
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", CHILD, *arguments], capture_output=True, text=True, env=environment,
                               check=False, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"journeyaudit {' '.join(arguments)} failed:\n{completed.stderr}")
    peak_kib = int(completed.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024


def measure(name: str, conform: list[str], reference: list[str], repeat: int) -> None:
    conform_runs = [run(conform) for _ in range(repeat)]
    reference_runs = [run(reference) for _ in range(repeat)]
    wall = statistics.median(w for w, _ in conform_runs)
    peak = max(m for _, m in conform_runs)
    reference_wall = statistics.median(w for w, _ in reference_runs)
    reference_peak = max(m for _, m in reference_runs)
    print(f"{name}")
    print(f"  conform   wall {wall:6.2f} s (median of {repeat}, best {min(w for w, _ in conform_runs):.2f} s)   peak {peak:6.0f} MiB")
    print(f"  handoffs  wall {reference_wall:6.2f} s (median of {repeat})                  peak {reference_peak:6.0f} MiB")
    print(f"  ratio     {wall / reference_wall:.2f}x the time of reading the log for hand-offs, {peak / reference_peak:.2f}x its memory")


def synthetic_log(folder: Path, events: int) -> tuple[Path, Path, int, int]:
    from journeyaudit.loading import load_text
    from tests.evidence.fixtures import COMPLAINT
    from tests.evidence.simulate import to_csv, walk

    journey = load_text(COMPLAINT, "complaint.yaml").journey
    sample = walk(journey, 1000, seed=1)
    cases = int(events * 1000 / sample.events)
    walked = walk(journey, cases, seed=7)
    log = folder / "synthetic.csv"
    log.write_text(to_csv(journey, walked), encoding="utf-8")
    (folder / "complaint.yaml").write_text(COMPLAINT, encoding="utf-8")
    return folder / "complaint.yaml", log, cases, walked.events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, default=1_000_000)
    options = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    incidents = LOGS / "07_bpic2013_incidents.xes.gz"
    if incidents.is_file():
        measure(
            "BPI Challenge 2013 incidents (7,554 cases, 65,533 events), journeys/it-incident.yaml with its map",
            ["conform", str(PROJECT / "journeys" / "it-incident.yaml"), str(incidents),
             "--map", str(PROJECT / "journeys" / "evidence" / "it-incident.map.yaml"), "--format", "json"],
            ["handoffs", str(incidents), "--format", "json"],
            options.repeat,
        )
    else:
        print(f"{incidents}: missing, skipped")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        journey, log, cases, events = synthetic_log(Path(folder), options.events)
        print(f"(synthetic log written in {time.perf_counter() - started:.1f} s: {log.stat().st_size / 2**20:.0f} MiB of CSV)")
        measure(
            f"synthetic CSV log ({cases:,} cases, {events:,} events), the complaint journey, map by step titles",
            ["conform", str(journey), str(log), "--format", "json"],
            ["handoffs", str(log), "--format", "json", "--department-key", "concept:name"],
            options.repeat,
        )


if __name__ == "__main__":
    main()
