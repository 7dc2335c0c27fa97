"""`journeyaudit check PATH...`: the CI gate (findings, budgets, baseline) with an exit code."""

from __future__ import annotations

import click

from journeyaudit.commands._common import (
    COLOR_OPTION,
    CONFIG_OPTION,
    FAIL_ON_OPTION,
    MAX_FILE_SIZE_OPTION,
    OUTPUT_OPTION,
    PATHS_ARGUMENT,
    budgets_or_exit,
    echo_problems,
    exit_audited,
    resolve_config,
    run_inputs,
    run_with_progress,
    use_color,
    write_output,
)
from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.reports import RenderOptions, output_formats, render


@click.command("check")
@PATHS_ARGUMENT
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, readable=False), help="Fail only on findings not in this baseline file (see `journeyaudit baseline`).")
@click.option("--budget", "budget_arguments", multiple=True, metavar="METRIC=VALUE", help="A budget, e.g. max_handoffs=3, score>=70, expected_duration_s=1h, loan-payoff:max_handoffs=5 (repeatable; replaces the config's).")
@click.option("--format", "output_format", type=click.Choice(list(output_formats())), default="text", show_default=True)
@OUTPUT_OPTION
@CONFIG_OPTION
@FAIL_ON_OPTION
@click.option("--fail-on-stale-baseline", is_flag=True, help="Also exit 1 when baseline entries no longer occur.")
@MAX_FILE_SIZE_OPTION
@COLOR_OPTION
def command(paths, baseline_path, budget_arguments, output_format, output, config_path, fail_on,
            fail_on_stale_baseline, max_file_size, color) -> None:
    """Gate CI on journeys: findings at or above fail-on, budgets, new findings beyond a baseline.

    Exit 0 when nothing fails; 1 when a finding that is neither waived nor in
    the baseline is at or above fail-on, or a budget is broken; 2 when a file,
    the config, the baseline, a --budget or the command line could not be used.
    """
    from journeyaudit.audit.baseline import BaselineError, load_baseline
    from journeyaudit.audit.check import check_audit
    from journeyaudit.reports.check_summary import summary_lines, unknown_journey_warnings

    config = resolve_config(paths, config_path, fail_on)
    budgets = budgets_or_exit(config, budget_arguments)
    baseline = None
    if baseline_path:
        try:
            baseline = load_baseline(baseline_path)
        except BaselineError as error:
            echo_problems([error.problem], err=True)
            raise SystemExit(EXIT_USAGE) from None
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    outcome = check_audit(result, config, budgets, baseline, fail_on_stale=fail_on_stale_baseline)
    for line in unknown_journey_warnings(outcome):
        click.echo(line, err=True)

    options = RenderOptions(config=config, color=use_color(color, output), command="check", extra=outcome.extra())
    write_output(render(output_format, result, options), output, run_inputs(paths, config, baseline_path))
    for line in summary_lines(outcome, paths, machine_output=output_format != "text" or output is not None):
        click.echo(line, err=True)
    exit_audited(result, paths, fails=outcome.verdict.fails)
