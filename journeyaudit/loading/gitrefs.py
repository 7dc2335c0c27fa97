"""Read journey files as they were at a git ref (`diff --base-ref REF PATH...`).

Runs git itself (`git rev-parse`, `git ls-tree`, `git show REF:path`) with
subprocess: no library, no shell. The files keep the paths they have in the
working tree, so old and new findings point at the same file names.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from journeyaudit.common.text import YAML_SUFFIXES, display_path
from journeyaudit.loading import journey_id_from_path, load_bytes
from journeyaudit.loading.discovery import MAP_SUFFIXES
from journeyaudit.model.findings import Problem


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the ref does not exist."""


def _git(args: list[str], cwd: str | os.PathLike) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); --base-ref needs it") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took longer than 60 seconds") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return completed.stdout


def repo_root(start: str | os.PathLike) -> Path:
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    while not folder.exists():
        folder = folder.parent
    try:
        out = _git(["rev-parse", "--show-toplevel"], folder)
    except GitError as error:
        raise GitError(f"{display_path(start)} is not inside a git repository ({error})") from None
    return Path(out.decode("utf-8").strip())


def resolve_ref(ref: str, root: Path) -> str:
    """The commit id of `ref`; GitError with a readable message when there is none.

    `REF...` (git's three dots, as in `git diff main...`) is the merge base of REF and
    HEAD: what a pull request branched from, so changes made on the target branch
    since then are not counted as the pull request's (Lighthouse CI compares so too).
    """
    if ref.endswith("...") and len(ref) > 3:
        if ref[:-3].endswith("."):
            raise GitError(f"'{ref}' is not a git ref (one `...` at the end: REF...)")
        target = resolve_ref(ref[:-3], root)
        try:
            return _git(["merge-base", target, "HEAD"], root).decode().strip()
        except GitError:
            raise GitError(
                f"'{ref[:-3]}' and HEAD have no common ancestor in {display_path(root)} "
                "(in CI, fetch the history first: actions/checkout with fetch-depth: 0)"
            ) from None
    if not ref or ref.startswith("-"):
        raise GitError(f"'{ref}' is not a git ref")
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root).decode().strip()
    except GitError:
        hint = ""
        if "/" in ref:
            hint = " (in CI, fetch the history first: actions/checkout with fetch-depth: 0, or `git fetch origin`)"
        raise GitError(f"unknown git ref '{ref}': no such branch, tag or commit in {display_path(root)}{hint}") from None


def files_at_ref(ref: str, paths, exclude=None, max_bytes: int | None = None) -> tuple[str, list[tuple[str, bytes | None]]]:
    """(commit, [(display path, bytes)]) of the journey files under `paths` at `ref`; the bytes
    are None for a file over `max_bytes` (never read: a huge blob in the history stays in git).

    Only regular files: a symbolic link or a submodule named *.yaml is left out.
    A path missing at `ref` gives no files (its journeys are new). Raises GitError.
    """
    paths = list(paths) or ["."]
    root = repo_root(paths[0])
    commit = resolve_ref(ref, root)
    found: dict[str, str] = {}  # repo-relative path -> display path
    sizes: dict[str, int] = {}
    for raw in paths:
        absolute = Path(raw).resolve()
        try:
            relative = absolute.relative_to(root).as_posix()
        except ValueError:
            raise GitError(f"{display_path(raw)} is outside the git repository at {display_path(root)}") from None
        spec = relative if relative != "." else ""
        listing = _git(["ls-tree", "-r", "-z", "-l", commit, "--", spec or "."], root)
        # "mode type object size<TAB>name"; names as bytes (os.fsdecode: one that is not UTF-8
        # goes back to git unchanged)
        for entry in listing.split(b"\0"):
            meta, _, raw_name = entry.partition(b"\t")
            fields = meta.split()
            name = os.fsdecode(raw_name)
            if len(fields) != 4 or fields[0] not in (b"100644", b"100755") or not name.endswith(YAML_SUFFIXES):
                continue
            if any(part.startswith(".") for part in Path(name).parts):
                continue  # hidden folders are skipped, as in the working tree
            if name.endswith(MAP_SUFFIXES) and name != spec:
                continue  # an evidence map in a folder is not a journey, as in the working tree
            if exclude is not None and exclude(root / name):
                continue  # as the configuration's exclude does in the working tree
            found.setdefault(name, display_path(root / name))
            sizes[name] = int(fields[3])
    files: list[tuple[str, bytes | None]] = []
    for name in sorted(found, key=lambda n: found[n]):
        if max_bytes is not None and sizes[name] > max_bytes:
            files.append((found[name], None))
            continue
        data = _git(["cat-file", "blob", f"{commit}:{name}"], root)
        files.append((found[name], data))
    return commit, files


def load_at_ref(ref: str, paths, *, known_rules=None, max_bytes: int | None = None, exclude=None):
    """Journeys and problems of the files under `paths` at `ref` (same checks as the working tree)."""
    commit, files = files_at_ref(ref, paths, exclude, max_bytes)
    journeys, problems = [], []
    seen: dict[str, str] = {}
    for shown, data in files:
        if data is None:
            problems.append(Problem(shown, 1, 1, f"the file at {ref} is larger than the limit", "too-large"))
            continue
        result = load_bytes(data, shown, default_id=journey_id_from_path(shown), known_rules=known_rules)
        problems.extend(result.problems)
        journey = result.journey
        if journey is None:
            continue
        if journey.id in seen:
            problems.append(
                Problem(shown, journey.location.line, journey.location.column,
                        f"journey id '{journey.id}' is already used by {seen[journey.id]}", "duplicate-journey")
            )
            continue
        seen[journey.id] = shown
        journeys.append(journey)
    return commit, journeys, problems
