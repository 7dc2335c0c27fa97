"""One open journey checked as the command line would: loaded, audited with its folder, indexed.

`check_document` turns a buffer's text into a `Checked` snapshot that every
editor feature reads: the loader's located problems, the audit's findings for
this file (portfolio rules judge it against the other journeys of its
folder), the journey's analysis for hovers, and the index of its ids. It
never raises: whatever goes wrong inside becomes a problem shown on the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from journeyaudit.common.text import display_path
from journeyaudit.loading import LoadResult
from journeyaudit.lsp.project import Project, ProjectConfig, load_buffer
from journeyaudit.lsp.symbols import FileIndex, index_text
from journeyaudit.lsp.text_lines import LineMap, split_lines
from journeyaudit.model import Journey
from journeyaudit.model.findings import Finding, Problem

# The loader's answers for YAML that is not a journey at all: left alone in the editor.
NOT_A_JOURNEY = frozenset({"not-a-journey", "not-a-mapping", "empty-file"})
# Problems that stop reading before the loader can tell whether the file is a journey.
UNREADABLE = frozenset({"yaml-syntax", "too-large", "too-deep", "binary-file", "encoding", "alias-bomb"})
# A file that starts a journey: its format version at the top level.
VERSION_LINE = re.compile(r"^journeyaudit[ \t]*:", re.MULTILINE)
VERSION_LOOKAHEAD = 64 * 1024


@dataclass(slots=True)
class Checked:
    """What the editor shows of one version of one document."""

    version: int | None
    text: str
    lines: list[str]
    is_journey: bool  # False: another YAML file, left alone
    load: LoadResult
    index: FileIndex | None = None  # None when the text does not compose
    journey: Journey | None = None
    analysis: object | None = None  # the journey's JourneyAnalysis, when it audits
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the loader's, and the run's on this file
    config: ProjectConfig | None = None
    line_map: LineMap = field(default_factory=lambda: LineMap(""))  # the loader's positions to LSP lines
    folder: dict[str, Journey] = field(default_factory=dict)  # journey id -> the folder's other journeys
    folder_files: dict[str, Path] = field(default_factory=dict)  # journey id -> its file


def looks_like_journey(text: str, load: LoadResult, was_journey: bool) -> bool:
    """Is this YAML a journey the editor should judge? The loader says so, except where it
    could not read far enough to tell: then a top-level `journeyaudit:` line, or the
    document having been a journey before (a syntax error typed into one)."""
    if load.journey is not None:
        return True
    codes = {problem.code for problem in load.problems}
    if "not-a-journey" in codes:
        return False
    if codes and codes <= NOT_A_JOURNEY | UNREADABLE:
        return was_journey or VERSION_LINE.search(text, 0, VERSION_LOOKAHEAD) is not None
    return True


def check_document(
    text: str,
    version: int | None,
    path: Path | None,
    name: str,
    project: Project,
    buffers: Mapping[Path, str],
    was_journey: bool = False,
) -> Checked:
    """Check one document; `buffers` holds the unsaved text of the other open files."""
    lines = split_lines(text)
    try:
        return _check(text, version, lines, path, name, project, buffers, was_journey)
    except Exception as error:  # the last line of defence: a diagnostic, never a dead server
        shown = display_path(path) if path is not None else name
        problem = Problem(
            shown, 1, 1, f"internal error: {type(error).__name__}: {error} (please report it)", "internal"
        )
        return Checked(version, text, lines, True, LoadResult(shown, None, [problem]), problems=[problem])


def _check(
    text: str,
    version: int | None,
    lines: list[str],
    path: Path | None,
    name: str,
    project: Project,
    buffers: Mapping[Path, str],
    was_journey: bool,
) -> Checked:
    config = project.config_for(path)
    if path is not None and config.config.exclude and config.config.is_excluded(path):
        return Checked(version, text, lines, False, LoadResult(name, None, []), config=config)
    load = load_buffer(text, path, name)
    checked = Checked(
        version, text, lines, looks_like_journey(text, load, was_journey), load, config=config, line_map=LineMap(text)
    )
    if not checked.is_journey:
        return checked
    checked.problems = list(load.problems)
    _audit(checked, config, path, project, buffers)
    if not any(problem.code in UNREADABLE for problem in load.problems):
        checked.index = index_text(text, node_spans=bool(checked.problems))
    return checked


def _audit(
    checked: Checked, config: ProjectConfig, path: Path | None, project: Project, buffers: Mapping[Path, str]
) -> None:
    """The findings of the checked journey, judged with the other journeys of its folder."""
    from journeyaudit.audit import audit_journeys

    load = checked.load
    in_folder = project.folder_journeys(path, config.config, buffers) if path is not None else []
    others = [other for _, other in in_folder]
    journey = load.journey
    if journey is not None:
        clash = [other for other in others if other.id == journey.id]
        for other in clash:
            checked.problems.append(
                Problem(
                    load.file,
                    journey.location.line,
                    journey.location.column,
                    f"journey id '{journey.id}' is also used by {other.file}; give one of them another `id:`",
                    "duplicate-journey",
                )
            )
        others = [other for other in others if other.id != journey.id]
    checked.folder = {other.id: other for other in others}
    checked.folder_files = {other.id: file for file, other in in_folder if other.id in checked.folder}
    if journey is None:
        return
    result = audit_journeys([journey, *others], config.config, rules=None)
    checked.problems += [problem for problem in result.problems if problem.file == load.file]
    for journey_result in result.journeys:
        if journey_result.journey is journey:
            checked.journey = journey
            checked.analysis = journey_result.analysis
            checked.findings = list(journey_result.findings)
