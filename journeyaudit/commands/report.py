"""`journeyaudit report PATH... -o DIR` (the HTML report: an index and one page per journey)
and `report PATH... --pdf FILE` (the same as a print-ready PDF, printed by Chromium)."""

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
    write_pdf_report,
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
    help="Folder to write index.html and one page per journey into (created when missing; default: reports, "
    "unless only --pdf is asked for).",
)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also (or, without -o, only) write the report as a PDF: about three pages per journey, the "
              "blueprint on a landscape page. Needs Chromium or Google Chrome (see README).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="Paper size of the PDF.")
@click.option("--audience", type=click.Choice(["team", "client"]), default="team", show_default=True,
              help="team: every detail (rule ids, files, lines, the CI gate); client: the same findings in plain "
              "words, without rule ids, file paths, formulas or the CI gate.")
@click.option(
    "--full-diagram",
    is_flag=True,
    help="Also draw every step of journeys over 300 steps or 1,000 arrows (they get a department map by default).",
)
@click.option("--log", "log_path", type=click.Path(path_type=str, readable=False),
              help="Event log of the journey (one journey): the page gets a 'Designed vs actual' section (docs/evidence.md).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, readable=False), help="Map of the --log onto the journey.")
@REPORT_FORCE_OPTION
@CONFIG_OPTION
@MAX_FILE_SIZE_OPTION
def command(paths, output_dir, pdf_path, paper, audience, full_diagram, log_path, map_path, force, config_path,
            max_file_size) -> None:
    """Write the report of journeys for people: HTML pages, or a PDF.

    The HTML report is a portfolio index, one page per journey and a comparison
    page for each redesign (`replaces`); the pages are self-contained (no
    network, no external files) and open from disk. --pdf prints the same as
    a PDF with Chromium. Exit 0 when the report was written, 2 when a file,
    Chromium or the command line could not be used (the other journeys are
    still reported). Findings do not change the exit code: use `audit` or
    `check` in CI.
    """
    if output_dir is None and pdf_path is None:
        output_dir = "reports"
    chromium = None
    if pdf_path is not None:
        from journeyaudit.reports.pdf import MISSING_CHROMIUM, find_chromium

        chromium = find_chromium()
        if chromium is None:  # said before the audit: nothing to wait for
            click.echo(MISSING_CHROMIUM, err=True)
            raise SystemExit(EXIT_USAGE)
    config = resolve_config(paths, config_path, None)
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    if not result.journeys and not result.problems:
        click.echo(no_journey_files(paths), err=True)
        raise SystemExit(EXIT_USAGE)
    from journeyaudit.commands._evidence import report_evidence
    from journeyaudit.fixes import attach_fixes, fixes_json

    attach_fixes(result, config)  # the pages' and the PDF's "What to fix first"
    fixes = fixes_json(result, config)
    inputs = run_inputs(paths, config, log_path, map_path)
    count = f"{len(result.journeys)} journey{'s' if len(result.journeys) != 1 else ''}"
    if output_dir is not None:
        evidence = report_evidence(result, config, log_path, map_path)
        index = write_html_report(
            result, output_dir, config=config, inputs=inputs, force=force, full_diagram=full_diagram,
            evidence=evidence, audience=audience, fixes=fixes,
        )
        click.echo(f"HTML report: {index} ({count})", err=True)
    if pdf_path is not None:
        write_pdf_report(result, pdf_path, config=config, inputs=inputs, force=force, paper=paper,
                         audience=audience, chromium=chromium, fixes=fixes)
        click.echo(f"PDF report: {pdf_path} ({count})", err=True)
    raise SystemExit(EXIT_USAGE if result.problems else EXIT_OK)
