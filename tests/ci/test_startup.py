"""pre-commit runs `validate` on every commit: it starts without the analysis' and the reports' libraries."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import click
import pytest

from journeyaudit import commands as commands_package
from journeyaudit.cli import COMMANDS, main
from tests.ci.helpers import CLEAN, PROJECT, write

HEAVY = ("numpy", "scipy", "jinja2", "rich", "networkx")

PROBE = """
import sys
from journeyaudit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    print("exit", exit.code)
print("heavy", *sorted(name for name in {heavy!r} if name in sys.modules))
"""


def modules_after(*args: str) -> tuple[str, list[str]]:
    environment = dict(os.environ, PYTHONPATH=str(PROJECT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True, text=True, env=environment, cwd=PROJECT, check=False,
    )
    lines = run.stdout.splitlines()
    exit_line = next(line for line in lines if line.startswith("exit"))
    heavy_line = next(line for line in lines if line.startswith("heavy"))
    return exit_line.split()[1], heavy_line.split()[1:]


@pytest.mark.parametrize("valid", [True, False])
def test_validate_imports_none_of_the_heavy_libraries(tmp_path, valid):
    path = write(tmp_path, "journey.yaml", CLEAN if valid else CLEAN.replace("department: web", "department: webb", 1))
    code, heavy = modules_after("validate", str(path))
    assert code == ("0" if valid else "2")
    assert heavy == []


def test_version_imports_none_of_the_heavy_libraries():
    code, heavy = modules_after("--version")
    assert code == "0"
    assert heavy == []


def test_audit_does_load_the_analysis():
    # the probe sees modules: an audit needs NumPy and SciPy (the Markov chain)
    code, heavy = modules_after("audit", str(PROJECT / "journeys" / "gym-join.yaml"), "--format", "json")
    assert code in ("0", "1")
    assert {"numpy", "scipy"} <= set(heavy)


def test_every_command_module_is_in_the_table_under_its_name():
    modules = {info.name for info in pkgutil.iter_modules(commands_package.__path__) if not info.name.startswith("_")}
    assert {module for module, _ in COMMANDS.values()} == modules
    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert isinstance(command, click.Command)
        assert command.name == name
