"""Journey files in: found in paths and folders, read safely, each loaded into a `LoadResult`.

Finding (`find_journey_files`) survives symlink loops, unreadable folders and
non-regular files; reading (`load_file`) never blocks on a pipe or reads past
the size limit; loading (`load_bytes`, `load_text`) composes the YAML safely
(`safe_yaml.py`) and reads it against the format (`schema.py`). Bad input
never raises: it becomes located problems, and the other files are still read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from journeyaudit.common.bounded_read import read_at_most
from journeyaudit.common.text import YAML_SUFFIXES, display_path
from journeyaudit.loading.safe_yaml import (
    MAX_FILE_BYTES,
    Refused,
    check_text,
    compose,
    decode,
    paused_gc,
    too_large,
)
from journeyaudit.loading.schema import read_journey
from journeyaudit.model import Journey
from journeyaudit.model.findings import Problem

MAP_SUFFIXES = (".map.yaml", ".map.yml")
NOT_REGULAR = "not a regular file (a pipe, a socket or a device): nothing to audit"


@dataclass(slots=True)
class LoadResult:
    file: str
    journey: Journey | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.journey is not None and not self.problems


def load_bytes(
    data: bytes,
    file: str,
    *,
    default_id: str | None = None,
    known_rules: Iterable[str] | None = None,
) -> LoadResult:
    """Load a journey from the raw bytes of a file."""
    try:
        text, too_deep = decode(data, file)
    except Refused as refused:
        return LoadResult(file, None, [refused.problem])
    return load_text(text, file, default_id=default_id, known_rules=known_rules, _checked_depth=too_deep)


def load_text(
    text: str,
    file: str = "<string>",
    *,
    default_id: str | None = None,
    known_rules: Iterable[str] | None = None,
    _checked_depth: bool | None = None,
) -> LoadResult:
    """Load a journey from YAML text; `file` is the name used in messages."""
    try:
        check_text(text, file, _checked_depth)
        with paused_gc():  # the reading too builds many objects while the tree is alive
            root = compose(text, file)
            journey, problems = read_journey(root, file, default_id, known_rules)
    except Refused as refused:
        return LoadResult(file, None, [refused.problem])
    return LoadResult(file, journey, problems)


def journey_id_from_path(path: str | os.PathLike) -> str:
    name = os.path.basename(os.fspath(path))
    for suffix in YAML_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load_file(
    path: str | os.PathLike,
    *,
    known_rules: Iterable[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> LoadResult:
    """Load one journey file; never raises for bad input."""
    shown = display_path(path)
    try:
        # non-blocking, and only regular files: a named pipe or a device called x.yaml
        # would otherwise hang the run or read forever
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                if stat.S_ISDIR(os.fstat(descriptor).st_mode):
                    raise IsADirectoryError(path)
                return LoadResult(shown, None, [Problem(shown, 1, 1, NOT_REGULAR, "not-found")])
        except BaseException:
            os.close(descriptor)
            raise
        with os.fdopen(descriptor, "rb") as handle:
            data = read_at_most(handle, max_bytes)
    except IsADirectoryError:
        return LoadResult(shown, None, [Problem(shown, 1, 1, "is a folder, not a journey file", "not-found")])
    except FileNotFoundError:
        return LoadResult(shown, None, [Problem(shown, 1, 1, "no such file", "not-found")])
    except OSError as error:
        return LoadResult(shown, None, [Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error}", "not-found")])
    if len(data) > max_bytes:
        return LoadResult(shown, None, [too_large(shown, max_bytes)])
    return load_bytes(data, shown, default_id=journey_id_from_path(path), known_rules=known_rules)


def find_journey_files(
    paths: Iterable[str | os.PathLike], exclude: Callable[[Path], bool] | None = None
) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, `*.yaml`/`*.yml`) into a sorted, de-duplicated list.

    Hidden folders and `*.map.yaml` files (evidence maps) are skipped; symlinked folders are followed once (a
    symlink loop is visited once, not forever). A link that leads out of the folder being walked is not followed
    (a problem names it): a pull request could otherwise make the audit read, and quote in its messages, any file
    of the machine (a CI runner's credentials). A file named on the command line is read wherever it is. `exclude(path)`, when given,
    drops files (the configuration's `exclude` globs).
    """
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.setdefault(os.path.realpath(path), path)
        elif path.is_dir():
            seen_dirs: set[str] = set()

            def unreadable(error: OSError, path: Path = path) -> None:  # os.walk would skip the folder silently
                shown = display_path(error.filename or path)
                problems.append(Problem(shown, 1, 1, f"cannot read the folder: {error.strerror or error}", "not-found"))

            root = os.path.realpath(path)
            for folder, dirnames, filenames in os.walk(path, followlinks=True, onerror=unreadable):
                real = os.path.realpath(folder)
                if real in seen_dirs or not inside_folder(real, root):
                    # a link the exclude globs cover (anything under it) is left out without a word
                    if real not in seen_dirs and not (exclude is not None and exclude(Path(folder) / "_")):
                        problems.append(_outside_link(folder, "folder", path))
                    dirnames[:] = []
                    continue
                seen_dirs.add(real)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    # `*.map.yaml` files are evidence maps (docs/evidence.md), not journeys
                    if name.endswith(YAML_SUFFIXES) and not name.startswith(".") and not name.endswith(MAP_SUFFIXES):
                        candidate = Path(folder) / name
                        if inside_folder(real_file := os.path.realpath(candidate), root):
                            files.setdefault(real_file, candidate)
                        elif exclude is None or not exclude(candidate):
                            problems.append(_outside_link(candidate, "file", path))
        elif path.exists():
            problems.append(Problem(display_path(path), 1, 1, NOT_REGULAR, "not-found"))
        else:
            shown = display_path(path)
            problems.append(Problem(shown, 1, 1, "no such file or folder", "not-found"))
    ordered = sorted((p for p in files.values() if exclude is None or not exclude(p)), key=lambda p: display_path(p))
    return ordered, problems


OUTSIDE_LINK = "outside-link"


def _outside_link(link: str | os.PathLike, kind: str, root: Path) -> Problem:
    return Problem(
        display_path(link), 1, 1,
        f"a link to a {kind} outside {display_path(root)}: not read (a pull request could otherwise make the audit "
        "quote any file of the machine); name its target on the command line to audit it, or exclude it",
        OUTSIDE_LINK,
    )


def inside_folder(real: str, root: str) -> bool:
    """Whether the resolved path `real` is `root` or under it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def load_paths(
    paths: Iterable[str | os.PathLike],
    *,
    known_rules: Iterable[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[LoadResult], object] | None = None,
    exclude: Callable[[Path], bool] | None = None,
) -> tuple[list[LoadResult], list[Problem]]:
    """Load every journey file under `paths`; problems of one file never stop the others.

    Returns the results (one per file, sorted by path) and the problems of the
    run: missing paths, unreadable or invalid files, and journey ids used by
    two files. `progress`, when given, is called once per file.
    """
    files, problems = find_journey_files(paths, exclude)
    rules = frozenset(known_rules) if known_rules is not None else None
    results = []
    first_file_of: dict[str, LoadResult] = {}
    for path in files:
        result = load_file(path, known_rules=rules, max_bytes=max_bytes)
        if progress is not None:
            progress(result)
        journey = result.journey
        if journey is not None:
            other = first_file_of.get(journey.id)
            if other is not None:
                result.problems.append(
                    Problem(
                        result.file,
                        journey.location.line,
                        journey.location.column,
                        f"journey id '{journey.id}' is already used by {other.file}; give one of them another `id:`",
                        "duplicate-journey",
                    )
                )
                result.journey = None
            else:
                first_file_of[journey.id] = result
        problems.extend(result.problems)
        results.append(result)
    return results, problems
