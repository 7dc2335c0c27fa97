"""A named pipe given as an input is refused at once, never waited on (nothing writes to it)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT

LOG = "case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n1,B,2020-01-02T00:00:00,Y\n"
REFUSED = "a named pipe, not a file (reading it would wait for a writer)"


@pytest.mark.parametrize(
    ("pipe", "args", "message"),
    [
        ("pipe.toml", ["audit", "good.yaml", "--config", "pipe.toml"], "pipe.toml:1:1: cannot read the config file: "),
        ("pipe.json", ["check", "good.yaml", "--baseline", "pipe.json"], "pipe.json:1:1: cannot read the baseline file: "),
        ("pipe.bpmn", ["import", "bpmn", "pipe.bpmn", "-o", "out.yaml"], "pipe.bpmn: cannot read: "),
        ("pipe.csv", ["handoffs", "pipe.csv"], "pipe.csv: cannot open: "),
        ("pipe.csv", ["handoffs", "pipe.csv", "--engine", "expat"], "pipe.csv: cannot open: "),
        ("pipe.xes", ["discover", "pipe.xes", "-o", "out.yaml"], "pipe.xes: cannot open: "),
        ("pipe.csv", ["conform", "good.yaml", "pipe.csv"], "pipe.csv: cannot open: "),
        ("pipe.csv", ["report", "good.yaml", "--log", "pipe.csv", "-o", "rep"], "pipe.csv: cannot open: "),
        ("pipe.map.yaml", ["conform", "good.yaml", "log.csv", "--map", "pipe.map.yaml"], "pipe.map.yaml:1:1: cannot read the file: "),
    ],
)
def test_a_named_pipe_as_an_input_is_refused_not_waited_on(project, pipe, args, message):
    (project / "log.csv").write_text(LOG)
    os.mkfifo(project / pipe)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "journeyaudit", *args], cwd=project, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT)}, timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} waited for a writer to {pipe}")
    assert result.returncode == 2, result.stdout + result.stderr
    assert message + REFUSED in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "out.yaml").exists() and not (project / "rep").exists()
