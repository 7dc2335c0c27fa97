"""Small journeys and a CLI runner shared by the CI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT.parent / "shared" / "examples"
SARIF_SCHEMA = PROJECT.parent / "shared" / "realdata" / "schemas" / "sarif-schema-2.1.0.json"

# No findings under the default configuration.
CLEAN = """\
journeyaudit: 1
title: Change the delivery address
stage: use
departments:
  web: {title: Web shop}
data:
  address: {title: Delivery address}
steps:
  edit:
    title: Enter the new address
    department: web
    channel: web
    actor: customer
    duration: 1m
    asks: [address]
    next: confirm
  confirm:
    title: Confirmation and one-question survey
    department: web
    channel: web
    actor: system
    kind: feedback
    end: success
"""

# Warnings only: no feedback step.
WARNINGS_ONLY = """\
journeyaudit: 1
title: Update the phone number
stage: use
departments:
  web: {title: Web shop}
steps:
  edit:
    title: Enter the new number
    department: web
    channel: web
    actor: customer
    duration: 1m
    next: done
  done:
    title: Number saved
    department: web
    channel: web
    actor: system
    end: success
"""

# One error (dead-end at 'stuck') besides the feedback step.
WITH_ERROR = """\
journeyaudit: 1
title: Cancel an order
stage: use
departments:
  web: {title: Web shop}
steps:
  ask:
    title: Ask to cancel
    department: web
    channel: web
    actor: customer
    duration: 1m
    next:
      - to: stuck
        p: 0.5
      - to: survey
        p: 0.5
  stuck:
    title: Nothing happens
    department: web
    channel: web
    actor: system
  survey:
    title: Cancelled, one-question survey
    department: web
    channel: web
    actor: system
    kind: feedback
    end: success
"""

# The same error, waived with a reason: only waived findings.
WAIVED_ONLY = WITH_ERROR.replace(
    "  stuck:\n    title: Nothing happens\n",
    "  stuck:\n    title: Nothing happens\n    waive:\n      - rule: dead-end\n        reason: Legacy screen, removed in Q3\n",
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args, cwd: Path | str = PROJECT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m journeyaudit ARGS` in a subprocess, importing the package from this worktree."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(PROJECT) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "journeyaudit", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def audit_text(tmp_path: Path, files: dict[str, str], config=None):
    """AuditResult of journeys written to tmp_path (in-process)."""
    from journeyaudit.audit import run_audit

    for name, text in files.items():
        write(tmp_path, name, text)
    return run_audit([str(tmp_path / name) for name in files], config)
