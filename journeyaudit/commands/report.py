"""`journeyaudit report PATH... -o DIR`: only the HTML report (index + one page per journey)."""

from __future__ import annotations

import click

from journeyaudit.commands._common import (
    CONFIG_OPTION,
    MAX_FILE_SIZE_OPTION,
    PATHS_ARGUMENT,
    REPORT_FORCE_OPTION,
    echo_problems,
    resolve_config,
    run_inputs,
    run_with_progress,
    write_html_report,
)
from journeyaudit.common.exit_codes import EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files


@click.command("report")
@PATHS_ARGUMENT
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False),
    default="reports",
    show_default=True,
    help="Folder to write index.html and one page per journey into (created when missing).",
)
@click.option(
    "--full-diagram",
    is_flag=True,
    help="Also draw every step of journeys over 300 steps (they get a department map by default).",
)
@click.option("--log", "log_path", type=click.Path(path_type=str, readable=False),
              help="Event log of the journey (one journey): the page gets a 'Designed vs actual' section (docs/evidence.md).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, readable=False), help="Map of the --log onto the journey.")
@REPORT_FORCE_OPTION
@CONFIG_OPTION
@MAX_FILE_SIZE_OPTION
def command(paths, output_dir, full_diagram, log_path, map_path, force, config_path, max_file_size) -> None:
    """Write the HTML report of journeys: a portfolio index and one page per journey.

    The pages are self-contained (no network, no external files) and open
    from disk. Exit 0 when the report was written, 2 when a file or the
    command line could not be used (the other journeys are still reported).
    Findings do not change the exit code: use `audit` or `check` in CI.
    """
    config = resolve_config(paths, config_path, None)
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    if not result.journeys and not result.problems:
        click.echo(no_journey_files(paths), err=True)
        raise SystemExit(EXIT_USAGE)
    from journeyaudit.commands._evidence import report_evidence

    evidence = report_evidence(result, config, log_path, map_path)
    index = write_html_report(
        result, output_dir, config=config, inputs=run_inputs(paths, config, log_path, map_path), force=force,
        full_diagram=full_diagram, evidence=evidence,
    )
    click.echo(f"HTML report: {index} ({len(result.journeys)} journey{'s' if len(result.journeys) != 1 else ''})", err=True)
    raise SystemExit(EXIT_USAGE if result.problems else EXIT_OK)
