"""QA: `journeyaudit rules | head -1` printed "internal error: BrokenPipeError"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT


@pytest.mark.parametrize("args", [["rules"], ["schema"], ["audit", "journeys", "--format", "sarif", "--exit-zero"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(args):
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "journeyaudit", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT, env=env,
    )
    process.stdout.close()  # long before the interpreter has started: every write hits a closed pipe
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=120)
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    assert "Exception ignored" not in stderr, stderr
    assert code == 141  # 128 + SIGPIPE, as Unix tools end
