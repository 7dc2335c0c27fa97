"""What an open journey is judged with: its project's configuration and the other journeys of its folder.

The configuration is found as the command line finds it (the closest
journeyaudit.toml, or pyproject.toml with `[tool.journeyaudit]`, upward from
the file: `journeyaudit.loading.config`). The folder's other journey files are
what portfolio rules judge the open file against; a file open in the editor
counts with its unsaved text. Both are cached by modification time (or by the
buffer's text), so typing re-reads nothing that did not change.

Only the worker thread that checks documents calls this module: no locks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from journeyaudit.common.text import YAML_SUFFIXES, display_path
from journeyaudit.loading import MAX_FILE_BYTES, LoadResult, journey_id_from_path, load_file, load_text
from journeyaudit.loading.config import Config, ConfigError, find_config_file, load_config
from journeyaudit.loading.discovery import MAP_SUFFIXES, inside_folder
from journeyaudit.loading.safe_yaml import too_large
from journeyaudit.model import Journey
from journeyaudit.model.findings import Problem

# A folder holding more YAML files than this (a data folder, a Kubernetes repository):
# only the first ones, by name, count as the open journey's portfolio.
MAX_FOLDER_FILES = 1000


@dataclass(slots=True)
class ProjectConfig:
    config: Config
    file: Path | None  # the configuration file, None for the defaults
    problems: list[Problem] = field(default_factory=list)  # the file's own problems (defaults used)


def known_rules() -> frozenset[str] | None:
    """Rule ids a waiver may name, as the command line checks them."""
    from journeyaudit.rules.registry import all_rules

    return frozenset(all_rules()) or None


def load_buffer(text: str, path: Path | None, name: str) -> LoadResult:
    """Load a buffer's text with the loader's guards, the size limit of files included."""
    shown = display_path(path) if path is not None else name
    if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return LoadResult(shown, None, [too_large(shown, MAX_FILE_BYTES)])
    default_id = journey_id_from_path(path if path is not None else name)
    return load_text(text, shown, default_id=default_id, known_rules=known_rules())


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Project:
    """Configurations and folder journeys, cached for the checks of open documents."""

    def __init__(self) -> None:
        self._configs: dict[Path, tuple[tuple[int, int] | None, ProjectConfig]] = {}
        self._files: dict[Path, tuple[object, LoadResult]] = {}

    def config_for(self, path: Path | None) -> ProjectConfig:
        """The configuration of a journey file; a broken one gives the defaults and its problems."""
        from journeyaudit.rules.registry import all_rules

        found = find_config_file(path) if path is not None else None
        if found is None:
            return ProjectConfig(Config(), None)
        found = found.resolve()
        stamp = _stamp(found)
        cached = self._configs.get(found)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            loaded = ProjectConfig(load_config(found, all_rules()), found)
        except ConfigError as error:
            loaded = ProjectConfig(Config(), found, list(error.problems))
        self._configs[found] = (stamp, loaded)
        return loaded

    def folder_journeys(self, path: Path, config: Config, buffers: Mapping[Path, str]) -> list[tuple[Path, Journey]]:
        """The journeys of the other files of `path`'s folder (not its subfolders), by file name;
        an open file with its buffer's text; files the configuration excludes left out."""
        journeys = []
        for other in self._folder_files(path, config):
            text = buffers.get(other)
            result = self._load_buffer(other, text) if text is not None else self._load_disk(other)
            if result.journey is not None:
                journeys.append((other, result.journey))
        return journeys

    def _folder_files(self, path: Path, config: Config) -> list[Path]:
        folder = path.parent
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    entry.name
                    for entry in entries
                    if entry.name.endswith(YAML_SUFFIXES)
                    and not entry.name.endswith(MAP_SUFFIXES)  # evidence maps, as folder audits skip them
                    and not entry.name.startswith(".")
                    and entry.is_file()
                )
        except OSError:
            return []
        files = [folder / name for name in names[:MAX_FOLDER_FILES] if name != path.name]
        # a link out of the folder is not read, as folder audits do not read one (docs/format.md)
        root = os.path.realpath(folder)
        files = [file for file in files if inside_folder(os.path.realpath(file), root)]
        if config.exclude:
            files = [file for file in files if not config.is_excluded(file)]
        return files

    def _load_disk(self, path: Path) -> LoadResult:
        stamp = _stamp(path)
        cached = self._files.get(path)
        if cached is not None and cached[0] == ("disk", stamp):
            return cached[1]
        result = load_file(path, known_rules=known_rules())
        self._files[path] = (("disk", stamp), result)
        return result

    def _load_buffer(self, path: Path, text: str) -> LoadResult:
        key = ("buffer", len(text), hash(text))
        cached = self._files.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        result = load_buffer(text, path, path.name)
        self._files[path] = (key, result)
        return result
