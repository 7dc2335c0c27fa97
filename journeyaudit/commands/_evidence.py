"""Evidence for the HTML report: each journey the configuration (or `report --log`) names, replayed on its log."""

from __future__ import annotations

import click

from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.common.text import printable


def report_evidence(result, config, log: str | None = None, map_path: str | None = None) -> dict:
    """journey id -> Conformance, for the journeys of `result` that have evidence; exits 2 on a bad map or log."""
    from journeyaudit.evidence.run import EvidenceError, conform_files

    journeys = {journey_result.journey.id: journey_result.journey for journey_result in result.journeys}
    sources: dict[str, tuple[str, str | None]] = dict(getattr(config, "evidence", {}) or {})
    if log is not None:
        if len(journeys) != 1:
            click.echo(f"journeyaudit: error: --log gives the evidence of one journey; {len(journeys)} were audited "
                       "(name the logs per journey in [tool.journeyaudit.evidence])", err=True)
            raise SystemExit(EXIT_USAGE)
        sources = {next(iter(journeys)): (log, map_path)}
    elif map_path is not None:
        click.echo("journeyaudit: error: --map needs --log", err=True)
        raise SystemExit(EXIT_USAGE)
    found = {}
    for journey_id, (log_path, journey_map) in sorted(sources.items()):
        if journey_id not in journeys:
            continue  # evidence of a journey this run does not report on
        try:
            found[journey_id] = conform_files(journeys[journey_id], log_path, journey_map)
        except EvidenceError as error:
            for line in error.lines:
                click.echo(printable(line), err=True)
            raise SystemExit(EXIT_USAGE) from None
    return found
