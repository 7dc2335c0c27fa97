"""Benchmark: `journeyaudit handoffs` at scale, side by side with its references, in one run.

Whole processes (interpreter start and imports included), each timed from
start to exit, with its CPU time (user + system: the steadier figure on a
shared machine) and its peak memory (the child's ru_maxrss):
- on BPI Challenge 2013 incidents (XES, 65,533 events): journeyaudit against
  pm4py + rustxes (read_xes + discover_handover_of_work_network) and a
  ten-line polars + rustxes script computing the same matrix. pm4py is AGPL
  and never a dependency: both run with the interpreter of a separate venv
  (--ref-python or $HANDOFFS_REF_PYTHON; `python3 -m venv /tmp/venv-pm4py &&
  /tmp/venv-pm4py/bin/pip install pm4py rustxes polars`); without one they
  are skipped with a message;
- on synthetic CSVs of 10^6 and 10^7 events (10^8 with --big): journeyaudit
  against a DuckDB SQL query with one window function, and a polars lazy
  query doing the same (the two engines the columnar default was chosen
  between).

Targets (issue 14): >= 5x faster than pm4py+rustxes, faster than the polars
reference, within 1.3x of the DuckDB reference, memory flat in the number of
events (<= 500 MB at 10^7).

    python benchmarks/handoffs_scale.py [--ref-python PATH] [--big] [--sizes 1e6,1e7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LOGS = PROJECT.parent / "shared" / "realdata" / "logs"
INCIDENTS = LOGS / "07_bpic2013_incidents.xes.gz"

PM4PY = r"""
import sys, warnings
warnings.filterwarnings("ignore")
import pm4py
log = pm4py.read_xes(sys.argv[1], variant="rustxes")
network = pm4py.discover_handover_of_work_network(log, resource_key="org:group")
print(len(network.connections))
"""

POLARS_RUSTXES = r"""
import sys, polars as pl, rustxes
events = rustxes.import_xes(sys.argv[1])[0]
pairs = (events.filter(pl.col("org:group").is_not_null())
         .sort("case:concept:name", "time:timestamp", maintain_order=True)
         .with_columns(previous=pl.col("org:group").shift(1).over("case:concept:name"))
         .filter(pl.col("previous").is_not_null() & (pl.col("previous") != pl.col("org:group")))
         .group_by("previous", "org:group").len())
print(pairs.height)
"""

DUCKDB_SQL = r"""
import sys, duckdb
duckdb.execute("SET enable_progress_bar = false")  # a bar on stdout would cost time and hide the count
print(duckdb.execute(f'''
  SELECT count(*) FROM (
    SELECT previous, dept, count(*) FROM (
      SELECT dept, lag(dept) OVER (PARTITION BY "case" ORDER BY ts) AS previous FROM read_csv('{sys.argv[1]}'))
    WHERE previous <> dept GROUP BY ALL)''').fetchone()[0])
"""

POLARS_CSV = r"""
import sys, polars as pl
pairs = (pl.scan_csv(sys.argv[1]).sort("case", "ts", maintain_order=True)
         .with_columns(previous=pl.col("dept").shift(1).over("case"))
         .filter(pl.col("previous") != pl.col("dept")).group_by("previous", "dept").len().collect(engine="streaming"))
print(pairs.height)
"""


def measure(command: list[str], cwd: Path = PROJECT) -> tuple[float, float, str, float]:
    """(seconds, peak MB, last line of stdout, CPU seconds) of one whole process."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace").strip().splitlines()
        cpu = usage.ru_utime + usage.ru_stime
        if process.returncode != 0:
            tail = err.read().decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            return elapsed, usage.ru_maxrss / 1024, f"FAILED: {tail[0]}", cpu
    return elapsed, usage.ru_maxrss / 1024, text[-1] if text else "", cpu


def row(label: str, result: tuple[float, float, str, float], reference: tuple | None = None) -> None:
    seconds, peak, output, cpu = result
    ratio = ""
    if reference is not None and not output.startswith("FAILED"):
        ratio = f"  this / journeyaudit: {seconds / reference[0]:.2f}x time, {cpu / reference[3]:.2f}x CPU"
    print(f"  {label:<34} {seconds:8.2f} s  {cpu:6.2f} s CPU  {peak:7.0f} MB  {output[:40]:<40}{ratio}")


def verdict(text: str, met: bool) -> None:
    print(f"  target {text}: {'met' if met else 'NOT MET'}")


def synthetic_csv(path: Path, events: int) -> None:
    """events rows, 10 per case, 40 departments, ISO timestamps; written by DuckDB (fast, deterministic)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET preserve_insertion_order = false")
    connection.execute("SET enable_progress_bar = false")
    connection.execute(
        f"""COPY (SELECT 'case-' || (i // 10) AS "case", 'activity ' || (hash(i) % 12) AS activity,
                  strftime(TIMESTAMP '2024-01-01' + INTERVAL (i // 10 * 60 + hash(i * 7) % 3600) SECOND,
                           '%Y-%m-%dT%H:%M:%S') AS ts,
                  'dept ' || (hash(i * 13) % 40) AS dept
                FROM range({events}) r(i)) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    connection.close()


def compare_xes(journeyaudit: list[str], ref_python: str | None) -> None:
    print(f"\n{INCIDENTS.name} (XES, 65,533 events):")
    ours = measure(journeyaudit + [str(INCIDENTS), "--format", "json", "-o", os.devnull])
    row("journeyaudit handoffs (duckdb)", ours)
    row("journeyaudit handoffs (reference)", measure(journeyaudit + [str(INCIDENTS), "--engine", "expat", "--format", "json",
                                                                      "-o", os.devnull]), ours)
    if not ref_python or not Path(ref_python).exists():
        print("  pm4py+rustxes, polars+rustxes: skipped (pass --ref-python PATH to a venv with pm4py rustxes polars)")
        return
    pm4py = measure([ref_python, "-c", PM4PY, str(INCIDENTS)])
    row("pm4py + rustxes", pm4py, ours)
    polars = measure([ref_python, "-c", POLARS_RUSTXES, str(INCIDENTS)])
    row("polars + rustxes", polars, ours)
    verdict(f">= 5x faster than pm4py + rustxes ({pm4py[0] / ours[0]:.1f}x)", pm4py[0] >= 5 * ours[0])
    verdict(f"faster than polars + rustxes ({polars[0] / ours[0]:.2f}x)", polars[0] > ours[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref-python", default=os.environ.get("HANDOFFS_REF_PYTHON"),
                        help="a venv's python with pm4py, rustxes and polars")
    parser.add_argument("--sizes", default="1e6,1e7", help="synthetic CSV sizes, events (empty: none)")
    parser.add_argument("--no-xes", action="store_true", help="skip the XES comparison")
    parser.add_argument("--big", action="store_true", help="also 10^8 events (about 6 GB of CSV in the temp folder)")
    parser.add_argument("--temp-dir", default=None)
    args = parser.parse_args()
    python = sys.executable
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}; "
          "whole processes, one run each")
    journeyaudit = [python, "-m", "journeyaudit.commands.handoffs"]
    print("start-up (no work):")
    row("python -c pass", measure([python, "-c", "pass"]))
    row("python -c 'import duckdb'", measure([python, "-c", "import duckdb"]))
    row("journeyaudit handoffs --help", measure(journeyaudit + ["--help"]))

    if not args.no_xes:
        compare_xes(journeyaudit, args.ref_python)
    sizes = [int(float(size)) for size in args.sizes.split(",") if size] + ([10**8] if args.big else [])
    folder = Path(tempfile.mkdtemp(prefix="handoffs-scale-", dir=args.temp_dir))
    try:
        for events in sizes:
            path = folder / f"synthetic-{events}.csv"
            started = time.perf_counter()
            synthetic_csv(path, events)
            print(f"\nsynthetic CSV, {events:,} events, {path.stat().st_size / 1e6:,.0f} MB (written in {time.perf_counter() - started:.1f} s):")
            ours = measure(journeyaudit + [str(path), "--case-key", "case", "--activity-key", "activity", "--timestamp-key",
                                           "ts", "--department-key", "dept", "--format", "json", "-o", os.devnull,
                                           "--temp-dir", str(folder)])
            row("journeyaudit handoffs (duckdb)", ours)
            reference = measure([python, "-c", DUCKDB_SQL, str(path)])
            row("DuckDB SQL, one window function", reference, ours)
            if events >= 10**8:
                print("  polars lazy, streaming: skipped (its memory grows with the log: 1.5 GB at 10^7 events)")
            elif args.ref_python and Path(args.ref_python).exists():
                row("polars lazy, streaming", measure([args.ref_python, "-c", POLARS_CSV, str(path)]), ours)
            verdict(f"within 1.3x of the DuckDB query ({ours[0] / reference[0]:.2f}x)", ours[0] <= 1.3 * reference[0])
            if events >= 10**7:
                verdict(f"<= 500 MB ({ours[1]:.0f} MB)", ours[1] <= 500)
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
