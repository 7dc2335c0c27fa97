"""`journeyaudit discover LOG`: turn an event log (XES or CSV) into a journey file."""

from __future__ import annotations

import click

from journeyaudit.commands._eventlog_options import (
    engine_options,
    fail,
    log_options,
    one_line_errors,
    read_options,
    refuse_output,
    write_text,
)


@click.command("discover")
@click.argument("log", type=click.Path(dir_okay=True, path_type=str, readable=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the journey here (e.g. journeys/NAME.yaml) instead of stdout.")
@log_options
@click.option("--lifecycle", is_flag=True, help="Activity = concept:name with lifecycle:transition, e.g. 'Accepted (In Progress)'.")
@click.option("--min-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Drop a branch under this share of a step's outgoing transitions (case ends count), renormalise the rest.")
@click.option("--title", help="Journey title [default: 'Journey discovered from LOG'].")
@click.option("--channel", help="Channel written on every step [default: none: logs do not record it].")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@one_line_errors
def command(log, output, case_key, activity_key, timestamp_key, department_key, engine, memory_limit, temp_dir,
            max_decompressed_size, max_value_size, lifecycle, min_share, title, channel, force):
    """Discover a journey from an event log: XES (.xes, .xes.gz), CSV or Parquet.

    Steps are activities (department: the activity's most frequent one);
    branch probabilities are directly-follows frequencies; wait and duration
    are medians of the times between events; see docs/event-logs.md.
    """
    import os

    from journeyaudit.common.safe_write import UnsafeOutput, check_file
    from journeyaudit.eventlog.discover import (
        DiscoverError,
        DiscoverOptions,
        discover,
        journey_id_for,
    )
    from journeyaudit.eventlog.engines import open_log

    if channel is not None and (not channel.strip() or any(c.isspace() for c in channel.strip())):
        fail(f"--channel {channel!r}: one word, e.g. web, phone, branch")
    if output:
        # before reading the log: a discovered journey is a draft the user enriches by hand
        # (as `import bpmn` and `init`), kept unless --force; never the log itself
        try:
            check_file(output, inputs=[log], overwrite=force)
        except UnsafeOutput as refused:
            refuse_output(refused)
    read = read_options(case_key, activity_key, timestamp_key, department_key, engine, lifecycle,
                        max_decompressed_size, max_value_size)
    event_log = open_log(log, read, engine_options(memory_limit, temp_dir))
    try:
        # the id follows the output file's name, as the loader's default would
        journey_id = journey_id_for(os.path.basename(output)) if output else None
        options = DiscoverOptions(min_share=min_share, title=title, channel=channel.strip().lower() if channel else None, journey_id=journey_id)
        result = discover(event_log, options)
    except DiscoverError as error:
        fail(str(error))
    finally:
        close = getattr(event_log, "close", None)  # a columnar log keeps a temporary folder
        if close is not None:
            close()
    write_text(result.yaml, output, inputs=[log], overwrite=force)
    if output:
        click.echo(
            f"{output}: {result.steps} steps from {result.activities} activities "
            f"({event_log.n_cases} cases, {event_log.n_events} events)",
            err=True,
        )


if __name__ == "__main__":
    command()
