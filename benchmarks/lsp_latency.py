"""Diagnostics latency of `journeyaudit lsp`: from a change sent to its diagnostics received.

    python benchmarks/lsp_latency.py [--changes 30] [--steps 200]

Target (issue 16): the diagnostics of a 200-step journey arrive within 200 ms
of a change, on this machine. The script starts the real server over stdio
(the tests' plain JSON-RPC client), opens a seeded synthetic journey
(benchmarks/synthetic.py), then types: each change rewrites one step's title
(an incremental edit, as editors send), waits for the diagnostics of that
version, and records the time. The debounce (50 ms by default) is part of
the figure, as an editor's user sees it. The machine is shared: the load
average is printed beside the figures, and the server's own CPU time per
change (read from /proc), which other processes do not inflate. Also
printed: the check alone, in process (load, audit, index).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import make_journey
from journeyaudit.lsp.checking import check_document
from journeyaudit.lsp.project import Project
from journeyaudit.lsp.server import DEBOUNCE_S
from tests.lsp.client import LspClient

TARGET_MS = 200.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process, all its threads (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_alone(path: Path, text: str, repeat: int = 10) -> float:
    project = Project()
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        checked = check_document(text, 1, path, path.name, project, {})
        best = min(best, time.perf_counter() - began)
    if not checked.findings:
        raise SystemExit("the synthetic journey gave no findings: nothing was measured")
    return best * 1000


def measure(steps: int, changes: int) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        path = folder / "synthetic.yaml"
        text = make_journey(steps, 8, 30, 0.1, seed=16)
        path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        title_lines = [i for i, line in enumerate(lines) if line.startswith("    title: Step ")]

        client = LspClient.start(cwd=folder)
        try:
            client.initialize(folder)
            began = time.perf_counter()
            uri = client.open(path, text=text)
            first = client.diagnostics(uri, version=1, timeout=120)
            cold_ms = (time.perf_counter() - began) * 1000
            latencies = []
            cpu_before = cpu_seconds(client.process.pid)
            for version in range(2, changes + 2):
                line = title_lines[(version * 37) % len(title_lines)]
                old = lines[line]
                new = f"    title: Step edited {version}"
                began = time.perf_counter()
                client.change_range(uri, version, (line, 0), (line, len(old)), new)
                client.diagnostics(uri, version=version, timeout=120)
                latencies.append((time.perf_counter() - began) * 1000)
                lines[line] = new
            cpu_after = cpu_seconds(client.process.pid)
            client.stop()
        finally:
            if client.process.poll() is None:
                client.process.kill()
        alone_ms = check_alone(path, "\n".join(lines) + "\n")

    median = statistics.median(latencies)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"journeyaudit lsp, {steps}-step journey ({len(first)} diagnostics), {changes} changes; load average {load} on {os.cpu_count()} cores")
    print(f"  open to first diagnostics (imports included): {cold_ms:8.0f} ms")
    print(f"  change to diagnostics, median:                {median:8.1f} ms   target {TARGET_MS:.0f} ms   ratio {median / TARGET_MS:.2f}")
    print(f"  change to diagnostics, 90th percentile:       {percentile(latencies, 0.9):8.1f} ms")
    print(f"  change to diagnostics, slowest:               {max(latencies):8.1f} ms")
    print(f"  of which debounce:                            {DEBOUNCE_S * 1000:8.0f} ms")
    if cpu_before is not None and cpu_after is not None:
        print(f"  server CPU time per change:                   {(cpu_after - cpu_before) * 1000 / changes:8.1f} ms")
    print(f"  the check alone, in process (best of 10):     {alone_ms:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--changes", type=int, default=30)
    arguments = parser.parse_args()
    measure(arguments.steps, arguments.changes)


if __name__ == "__main__":
    main()
