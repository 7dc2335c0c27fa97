"""One journey against one log, from files: the map read and checked, the log read, the replay.

`conform_files(journey, log, map_path)` is what `conform` and the HTML report
call; any input that cannot be used raises `EvidenceError`, whose lines are
located messages (`FILE:LINE:COLUMN: ...`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from journeyaudit.evidence.figures import Conformance, conformance
from journeyaudit.evidence.mapping import EvidenceMap, MapError, check_map, derive_map, read_map_file
from journeyaudit.evidence.source import DEFAULT_ENGINE, EventLogError, LogKeys, read_cases
from journeyaudit.model import Journey


class EvidenceError(Exception):
    """The map or the log cannot be used; `lines` are the messages, one per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def conform_files(
    journey: Journey,
    log: str | os.PathLike,
    map_path: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Conformance:
    """Replay `log` on `journey` with the map in `map_path` (None: by step ids and titles).

    `overrides` are log keys given on the command line (case, activity, timestamp, lifecycle): they win over the map's.
    """
    evidence_map: EvidenceMap | None = None
    if map_path is not None:
        try:
            evidence_map = read_map_file(map_path)
        except MapError as error:
            raise EvidenceError([problem.format() for problem in error.problems]) from None
    keys = replace(evidence_map.keys if evidence_map else LogKeys(), **(overrides or {}))
    try:
        cases = read_cases(log, keys, engine)
    except EventLogError as error:
        raise EvidenceError([str(error)]) from None
    activities = {activity for case in cases for activity, _, _ in case.events if activity is not None}
    if evidence_map is None:
        evidence_map = derive_map(journey, activities, keys)
    else:
        evidence_map.keys = keys
        problems = check_map(evidence_map, journey, activities)
        if problems:
            raise EvidenceError([problem.format() for problem in problems])
    return conformance(journey, cases, evidence_map)
