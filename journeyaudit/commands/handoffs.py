"""`journeyaudit handoffs LOG`: the hand-off matrix between departments, measured in an event log."""

from __future__ import annotations

import sys

import click

from journeyaudit.commands._eventlog_options import (
    engine_options,
    log_options,
    one_line_errors,
    read_options,
    write_text,
)


@click.command("handoffs")
@click.argument("log", type=click.Path(dir_okay=True, path_type=str, readable=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@log_options
@click.option("--top", type=click.IntRange(min=1, max=1_000_000), default=10, show_default=True,
              help="Department pairs and worst cases shown (JSON always lists every pair).")
@one_line_errors
def command(log, output_format, output, case_key, activity_key, timestamp_key, department_key, engine, memory_limit, temp_dir,
            max_decompressed_size, max_value_size, top):
    """Measure hand-offs between departments in an event log (XES, CSV or Parquet).

    A hand-off is two consecutive events of a case (by timestamp) whose
    departments differ; events without a department are left out, so they
    neither create nor break one. Ping-pong: the case's department sequence,
    repeats collapsed, contains x, y, x. See docs/event-logs.md.
    """
    from journeyaudit.eventlog.engines import handoffs_from_file
    from journeyaudit.reports.handoffs import (
        print_rich,
        render_html,
        render_json,
        render_text,
    )

    options = read_options(case_key, activity_key, timestamp_key, department_key, engine, False,
                           max_decompressed_size, max_value_size)
    options.require_activity = False  # hand-offs need no activity
    report = handoffs_from_file(log, options, engine_options(memory_limit, temp_dir), worst=top)
    if output_format == "json":
        write_text(render_json(report, top), output, inputs=[log])
    elif output_format == "html":
        write_text(render_html(report, top), output, inputs=[log])
    elif output is None and sys.stdout.isatty():
        print_rich(report, top)
    else:
        write_text(render_text(report, top), output, inputs=[log])
    if output:
        click.echo(f"{output}: hand-off report written", err=True)


if __name__ == "__main__":
    command()
