"""`journeyaudit audit PATH...`: analyse journeys, run the rules, report."""

from __future__ import annotations

import click

from journeyaudit.commands._common import (
    COLOR_OPTION,
    CONFIG_OPTION,
    FAIL_ON_OPTION,
    MAX_FILE_SIZE_OPTION,
    OUTPUT_OPTION,
    PATHS_ARGUMENT,
    REPORT_FORCE_OPTION,
    echo_problems,
    exit_audited,
    resolve_config,
    run_inputs,
    run_with_progress,
    use_color,
    write_html_report,
    write_output,
)
from journeyaudit.reports import RenderOptions, output_formats, render

# The formats that show fixes (the JSON's `fixes`, the terminal's top fixes): only they pay for measuring them.
FORMATS_WITH_FIXES = ("json", "text")


@click.command("audit")
@PATHS_ARGUMENT
@click.option("--format", "output_format", type=click.Choice(list(output_formats())), default="text", show_default=True)
@OUTPUT_OPTION
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Also write the HTML report into this folder.")
@REPORT_FORCE_OPTION
@CONFIG_OPTION
@FAIL_ON_OPTION
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are at or above fail-on (input problems still exit 2).")
@MAX_FILE_SIZE_OPTION
@COLOR_OPTION
def command(paths, output_format, output, html_dir, force, config_path, fail_on, exit_zero, max_file_size, color) -> None:
    """Audit journeys: figures, findings and an exit code for CI.

    Exit 0 when no finding that is not waived is at or above fail-on, 1 when
    one is, 2 when a file, the config or the command line could not be used
    (the other files are still audited).
    """
    from journeyaudit.audit.gate import Gate

    config = resolve_config(paths, config_path, fail_on)
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    fixes = None
    if output_format in FORMATS_WITH_FIXES or html_dir:
        from journeyaudit.fixes import attach_fixes, fixes_json

        attach_fixes(result, config)
        fixes = fixes_json(result, config)  # the terminal's top fixes, the pages' "What to fix first"
    options = RenderOptions(config=config, color=use_color(color, output), command="audit",
                            extra={"fixes": fixes} if fixes is not None else {})
    inputs = run_inputs(paths, config)
    write_output(render(output_format, result, options), output, inputs)
    if html_dir:
        from journeyaudit.commands._evidence import report_evidence

        evidence = report_evidence(result, config)
        written = write_html_report(result, html_dir, config=config, inputs=inputs, force=force, evidence=evidence,
                                    fixes=fixes)
        click.echo(f"HTML report: {written}", err=True)
    fails = bool(Gate.of(config).failing(result.all_findings())) and not exit_zero
    exit_audited(result, paths, fails=fails)
