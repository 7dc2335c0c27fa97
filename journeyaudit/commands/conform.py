"""`journeyaudit conform JOURNEY LOG`: the designed journey against what the event log shows."""

from __future__ import annotations

import click

from journeyaudit.commands._common import MAX_FILE_SIZE_OPTION, echo_problems
from journeyaudit.commands._eventlog_options import fail, one_line_errors, refuse_output
from journeyaudit.common.exit_codes import EXIT_OK, EXIT_USAGE


@click.command("conform")
@click.argument("journey_path", metavar="JOURNEY", type=click.Path(dir_okay=False, path_type=str))
@click.argument("log", type=click.Path(path_type=str))
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Map file: log activities -> step ids (docs/evidence.md). Default: match step ids and titles.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here (with --calibrate: the calibrated journey).")
@click.option("--write-map", type=click.Path(dir_okay=False), help="Write the map used (derived or given) to this file, to edit and pass with --map.")
@click.option("--calibrate", is_flag=True, help="Write the journey with measured branch shares and waits to -o OUT; the report goes to stdout.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--case-key", default=None, help="Case id attribute or column [default: the map's, else case:concept:name].")
@click.option("--activity-key", default=None, help="Activity attribute or column [default: the map's, else concept:name].")
@click.option("--timestamp-key", default=None, help="Timestamp attribute or column [default: the map's, else time:timestamp].")
@click.option("--lifecycle/--no-lifecycle", default=None, help="Activity = 'name (lifecycle:transition)' [default: the map's, else no].")
@click.option("--engine", type=click.Choice(["duckdb", "expat", "etree"]), default="duckdb", show_default=True,
              help="duckdb: the columnar engine (XES, CSV, Parquet); expat or etree: the reference reader with that "
                   "XML parser (XES, CSV). See docs/event-logs.md.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Unexpected moves and activities shown in text.")
@MAX_FILE_SIZE_OPTION
@one_line_errors
def command(journey_path, log, map_path, output_format, output, write_map, calibrate, force, case_key, activity_key,
            timestamp_key, lifecycle, engine, top, max_file_size):
    """Replay an event log (XES, CSV or Parquet) on a designed journey: fitness, unexpected moves,
    every edge designed vs measured, the audit's figures beside the measured ones.

    Exit 0 when the report was written, 2 when the journey, the map, the log or
    the command line cannot be used (file:line:column). See docs/evidence.md.
    """
    from journeyaudit.commands._common import known_rule_ids
    from journeyaudit.common.safe_write import UnsafeOutput, check_file, write_file
    from journeyaudit.common.text import printable
    from journeyaudit.editing import EditError, JourneyText
    from journeyaudit.evidence.mapping import render_map
    from journeyaudit.evidence.run import EvidenceError, conform_files
    from journeyaudit.loading import load_file

    if calibrate and not output:
        fail("--calibrate writes the calibrated journey to -o OUT: name the file")
    inputs = [journey_path, log] + ([map_path] if map_path else [])
    try:  # refuse before the work, not after it
        for target in (output, write_map):
            if target:
                check_file(target, inputs=inputs, overwrite=force)
    except UnsafeOutput as error:
        refuse_output(error)
    if output and write_map and _same_path(output, write_map):
        refuse_output(UnsafeOutput(output, "-o and --write-map name the same file"))

    loaded = load_file(journey_path, known_rules=known_rule_ids(), max_bytes=max_file_size * 1024 * 1024)
    if not loaded.ok or loaded.journey is None:
        echo_problems(loaded.problems, err=True)
        raise SystemExit(EXIT_USAGE)
    journey = loaded.journey
    overrides = {name: value for name, value in
                 (("case", case_key), ("activity", activity_key), ("timestamp", timestamp_key), ("lifecycle", lifecycle))
                 if value is not None}
    try:
        result = conform_files(journey, log, map_path, overrides, engine)
    except EvidenceError as error:
        for line in error.lines:
            click.echo(printable(line), err=True)
        raise SystemExit(EXIT_USAGE) from None
    evidence_map = result.evidence_map
    cases = result.log
    map_text = render_map(evidence_map, journey, result.unmapped, cases.path)
    try:
        if write_map:
            write_file(write_map, map_text, inputs=inputs, overwrite=force)
            click.echo(f"{write_map}: map written ({len(evidence_map.steps)} activities mapped)", err=True)
        if calibrate:
            from journeyaudit.evidence.calibrate import calibrate as calibrated
            from journeyaudit.loading import load_text

            calibration = calibrated(result, JourneyText.open(journey_path), cases.path)
            check = load_text(calibration.text, output, known_rules=known_rule_ids())
            if not check.ok:  # never write a journey that does not load
                echo_problems(check.problems, err=True)
                fail(f"{output}: the calibrated journey would not load; nothing written")
            write_file(output, calibration.text, inputs=inputs, overwrite=force)
            click.echo(
                f"{output}: calibrated journey written ({calibration.changed_probabilities} steps with measured shares, "
                f"{calibration.changed_waits} measured waits, {calibration.unexpected_moves} unexpected moves as comments)",
                err=True,
            )
        report = _render(result, output_format, None if map_path else map_text, top)
        if output and not calibrate:
            write_file(output, report, inputs=inputs, overwrite=force)
            click.echo(f"{output}: conformance report written", err=True)
        else:
            click.echo(report, nl=False)
    except UnsafeOutput as error:
        refuse_output(error)
    except EditError as error:
        fail(str(error))
    raise SystemExit(EXIT_OK)


def _render(result, output_format: str, map_text: str | None, top: int) -> str:
    if output_format == "json":
        from journeyaudit.reports.conform_text import render_json

        return render_json(result.document)
    if output_format == "html":
        from journeyaudit.reports.conform_html import render_page

        return render_page(result)
    from journeyaudit.reports.conform_text import render_text

    return render_text(result, map_text, top)


def _same_path(a: str, b: str) -> bool:
    """Whether two names are one file: the same path, or two links (hard or symbolic) to one existing file."""
    import os

    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet: two different names
        return False
