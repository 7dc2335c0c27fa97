"""Coverage-guided fuzzing (atheris, libFuzzer) of the targets in fuzz_targets.py.

Longer than the hypothesis run of the test suite, and guided by the code it reaches:

    python3 -m venv --system-site-packages /tmp/fuzz && /tmp/fuzz/bin/pip install atheris
    cd <repository> && PYTHONPATH=$PWD /tmp/fuzz/bin/python tests/reliability/fuzz_atheris.py TARGET [-max_total_time=600]

TARGET: journey, config, csv, xes, xes-gz, baseline, bpmn (logs with the reference reader;
csv-duckdb and xes-duckdb with the columnar engine, slower per input). Any libFuzzer option may follow
(`-runs=N`, `-max_total_time=S`, a corpus folder); without a corpus folder the targets'
seeds start it. An input that breaks the contract (a traceback, an internal error, exit 2
without its place) stops the run with the AssertionError and is saved as `crash-*`:
replay it with the same command and the file as the only argument.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["journeyaudit"]):
    from tests.reliability import fuzz_targets

TARGETS = {
    "journey": (fuzz_targets.journey_file, fuzz_targets.JOURNEY_SEEDS),
    "config": (fuzz_targets.config_file, fuzz_targets.CONFIG_SEEDS),
    "csv": (lambda data: fuzz_targets.event_log(data, ".csv"), [fuzz_targets.CSV_SEED]),
    "xes": (lambda data: fuzz_targets.event_log(data, ".xes"), [fuzz_targets.XES_SEED]),
    "xes-gz": (lambda data: fuzz_targets.event_log(data, ".xes.gz"), [fuzz_targets.XES_SEED]),
    "csv-duckdb": (lambda data: fuzz_targets.event_log(data, ".csv", engine="duckdb"), [fuzz_targets.CSV_SEED]),
    "xes-duckdb": (lambda data: fuzz_targets.event_log(data, ".xes", engine="duckdb"), [fuzz_targets.XES_SEED]),
    "baseline": (fuzz_targets.baseline_file, None),
    "bpmn": (fuzz_targets.bpmn_model, fuzz_targets.BPMN_SEEDS),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target, seeds = TARGETS[sys.argv.pop(1)]
    if seeds is None:
        seeds = [fuzz_targets.baseline_seed()]
    arguments = sys.argv
    if not any(not argument.startswith("-") for argument in arguments[1:]):
        corpus = Path(tempfile.mkdtemp(prefix="journeyaudit-corpus-"))
        for number, seed in enumerate(seeds):
            (corpus / f"seed-{number}").write_bytes(seed)
        arguments = [*arguments, str(corpus)]
    atheris.Setup(arguments, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
