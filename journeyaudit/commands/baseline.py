"""`journeyaudit baseline PATH... -o FILE`: record today's findings so `check --baseline` fails only on new ones."""

from __future__ import annotations

import click

from journeyaudit.audit.baseline import DEFAULT_BASELINE, dumps, entries_for
from journeyaudit.commands._common import (
    CONFIG_OPTION,
    MAX_FILE_SIZE_OPTION,
    PATHS_ARGUMENT,
    echo_problems,
    resolve_config,
    run_inputs,
    run_with_progress,
    write_output,
)
from journeyaudit.common.exit_codes import EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files


@click.command("baseline")
@PATHS_ARGUMENT
@click.option("-o", "--output", default=DEFAULT_BASELINE, show_default=True, type=click.Path(dir_okay=False), help="The baseline file to write ('-' prints it).")
@CONFIG_OPTION
@MAX_FILE_SIZE_OPTION
def command(paths, output, config_path, max_file_size) -> None:
    """Write the findings of PATH... (not waived, any severity) to a baseline file.

    Entries are fingerprints (with rule, journey, step and message for
    readers), sorted, without line numbers or dates: the file changes only
    when findings do. Commit it; `journeyaudit check --baseline FILE` then
    fails only on findings that are not in it, and lists entries that no
    longer occur so you can shrink it by running this command again.
    Exit 2 (and no file written) when an input could not be used.
    """
    config = resolve_config(paths, config_path, None)
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    if result.problems:
        click.echo("baseline not written: fix the problems above first (a partial baseline would hide nothing)", err=True)
        raise SystemExit(EXIT_USAGE)
    if not result.journeys:
        click.echo(no_journey_files(paths), err=True)
        raise SystemExit(EXIT_USAGE)
    entries = entries_for(result.all_findings())
    write_output(dumps(entries), output, run_inputs(paths, config))  # never over a journey: `-o good.yaml`
    if output not in (None, "-"):
        click.echo(f"wrote {output}: {len(entries)} findings of {len(result.journeys)} journeys", err=True)
    raise SystemExit(EXIT_OK)
