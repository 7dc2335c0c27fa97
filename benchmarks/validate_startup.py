"""Start-up of `journeyaudit validate FILE` against yamllint on the same small file.

Target (issue 9): the whole process (interpreter start, imports, reading and
checking the file, exit) takes at most 1.5x the time yamllint needs for the
same file, since pre-commit runs `validate` on every commit. Both run with
this interpreter (`python -m ...`), so both pay the same start-up, and both
read compiled bytecode, as installed packages do (a fresh cache folder,
filled by a first run: PYTHONDONTWRITEBYTECODE would make every run compile
journeyaudit's sources again); the figures are the best wall time of N runs.
yamllint is not a dependency: `pip install yamllint` to run this.

    python benchmarks/validate_startup.py [--file journeys/gym-join.yaml] [--repeat 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "scipy", "jinja2", "rich", "networkx")


def best_wall_time(command: list[str], repeat: int, env: dict[str, str]) -> float:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)  # warm-up
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        best = min(best, time.perf_counter() - began)
    return best


def heavy_imports(command: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries the command imports (from `python -X importtime`)."""
    run = subprocess.run(command[:1] + ["-X", "importtime"] + command[1:], capture_output=True, text=True, env=env)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    return [name for name in HEAVY if name in imported]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(ROOT / "journeys" / "gym-join.yaml"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if importlib.util.find_spec("yamllint") is None:
        raise SystemExit("yamllint is not installed: pip install yamllint (the reference, not a dependency)")
    cache = tempfile.TemporaryDirectory(prefix="validate-startup-")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), PYTHONPYCACHEPREFIX=cache.name)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    validate = [sys.executable, "-m", "journeyaudit", "validate", args.file]
    version = [sys.executable, "-m", "journeyaudit", "--version"]
    yamllint = [sys.executable, "-m", "yamllint", args.file]
    empty = [sys.executable, "-c", "pass"]

    interpreter_s = best_wall_time(empty, args.repeat, env)
    yamllint_s = best_wall_time(yamllint, args.repeat, env)
    validate_s = best_wall_time(validate, args.repeat, env)
    version_s = best_wall_time(version, args.repeat, env)
    name = os.path.relpath(args.file)
    print(f"best of {args.repeat} runs, whole process, on {name}:")
    print(f"  python -c pass            {interpreter_s * 1000:6.0f} ms (the interpreter alone)")
    print(f"  yamllint                  {yamllint_s * 1000:6.0f} ms")
    print(f"  journeyaudit validate     {validate_s * 1000:6.0f} ms")
    print(f"  journeyaudit --version    {version_s * 1000:6.0f} ms")
    print(f"validate / yamllint: {validate_s / yamllint_s:.2f}x (target <= 1.5x)")
    for command, label in ((validate, "validate"), (version, "--version")):
        heavy = heavy_imports(command, env)
        shown = ", ".join(heavy) if heavy else "none of " + ", ".join(HEAVY)
        print(f"{label} imports {shown}")
    cache.cleanup()


if __name__ == "__main__":
    main()
