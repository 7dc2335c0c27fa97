"""Helpers the commands share: printing problems, the rule ids waivers may name."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from journeyaudit.common.bounded_read import MAX_MIB
from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.common.text import no_journey_files, printable
from journeyaudit.loading import MAX_FILE_BYTES
from journeyaudit.model.findings import FAIL_ON_CHOICES, Problem

# Options several commands share, defined once so their names, defaults and help agree.
# readable=False: a file that cannot be read is the loader's `FILE:1:1: cannot read the file`
# (exit 2, the other files still audited), as it is inside a folder, not a usage error stopping the run
PATHS_ARGUMENT = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str, readable=False))
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, readable=False),
    help="Configuration file (default: the closest journeyaudit.toml or pyproject.toml).",
)
FAIL_ON_OPTION = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    help="Lowest severity that makes the exit code 1 (default: the config's, else error).",
)
MAX_FILE_SIZE_OPTION = click.option(
    "--max-file-size",
    type=click.IntRange(min=1, max=MAX_MIB),
    default=MAX_FILE_BYTES // (1024 * 1024),
    show_default=True,
    help="Largest journey file read, in MiB.",
)
COLOR_OPTION = click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: when printing to a terminal)."
)
REPORT_FORCE_OPTION = click.option(
    "--force", is_flag=True, help="Also replace files in the report folder that are not pages of an earlier report."
)
OUTPUT_OPTION = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output to this file.")


def known_rule_ids() -> frozenset[str] | None:
    """Rule ids a waiver may name (None while no rule is registered: no check)."""
    from journeyaudit.rules.registry import all_rules

    ids = frozenset(all_rules())
    return ids or None


def echo_problems(problems: list[Problem], err: bool = False) -> None:
    for problem in problems:
        click.echo(printable(problem.format()), err=err)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def resolve_config(paths, config_path: str | None, fail_on: str | None):
    """The configuration for a run: --config, else the closest file to the first path.

    Exits 2 with located messages when the file is wrong.
    """
    from journeyaudit.loading.config import ConfigError, find_config_file, load_config
    from journeyaudit.rules.registry import all_rules

    path = config_path
    if path is None:
        start = paths[0] if paths else "."
        found = find_config_file(start)
        path = str(found) if found else None
    try:
        config = load_config(path, all_rules())
    except ConfigError as error:
        echo_problems(error.problems, err=True)
        raise SystemExit(EXIT_USAGE) from None
    # every command that reads the configuration checks all of it: a [budgets] table that
    # `check` rejects is an error for `audit` and `report` too, not ignored
    budgets_or_exit(config, ())
    if fail_on:
        config.fail_on = fail_on
    return config


def budgets_or_exit(config, budget_arguments) -> list:
    """The budgets of the run (the config's, replaced per metric by --budget); exits 2 on a bad one."""
    from journeyaudit.audit.budgets import BudgetError, resolve_budgets

    try:
        return resolve_budgets(config, budget_arguments)
    except BudgetError as error:
        echo_problems(error.problems, err=True)
        raise SystemExit(EXIT_USAGE) from None
    except ValueError as error:
        click.echo(f"journeyaudit: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def exit_audited(result, paths, *, fails: bool) -> NoReturn:
    """Exit with the gate's code: 2 for input problems or when no journey was found (saying so), 1 when it fails."""
    from journeyaudit.audit.gate import exit_code

    if not result.problems and not result.journeys:
        click.echo(no_journey_files(paths), err=True)
    raise SystemExit(exit_code(problems=bool(result.problems), audited=bool(result.journeys), fails=fails))


def use_color(color: bool | None, output: str | None) -> bool:
    """--color/--no-color, else colour when printing to a terminal."""
    if color is None:
        return output is None and sys.stdout.isatty()
    return color


def run_with_progress(paths, config, max_bytes: int):
    """run_audit, with a progress bar on stderr when many files are audited on a terminal."""
    from journeyaudit.audit import run_audit
    from journeyaudit.loading import find_journey_files

    if not stderr_is_terminal():
        return run_audit(paths, config, max_bytes=max_bytes)
    files, _ = find_journey_files(paths, config.is_excluded if config is not None and config.exclude else None)
    if len(files) < 20:
        return run_audit(paths, config, max_bytes=max_bytes)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("loading"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("load", total=len(files))
        return run_audit(paths, config, max_bytes=max_bytes, progress=lambda _: bar.advance(task))


def run_inputs(paths, config=None, *others) -> list[str]:
    """Every file the run reads, which no output may overwrite: the journey files under `paths`
    (excluded ones too), the configuration file and the evidence it names, and `others`
    (a baseline, a log)."""
    from journeyaudit.loading import find_journey_files

    files, _ = find_journey_files(paths)
    found = [str(path) for path in files]
    if config is not None and config.path:
        found.append(config.path)
    for log, journey_map in getattr(config, "evidence", {}).values():
        found += [log, journey_map] if journey_map else [log]
    return found + [str(other) for other in others if other]


def refuse_output(refused: Exception) -> NoReturn:
    """An output the safe writer refused: `PATH: cannot write: why` as every command words it, exit 2."""
    click.echo(str(refused), err=True)
    raise SystemExit(EXIT_USAGE) from None


def write_output(text: str, output: str | None, inputs=()) -> None:
    """Print (no -o, or `-o -`), or write the file through the safe writer: regenerated on every
    run, never over one of `inputs` or through a link; exit 2 with `PATH: cannot write: why`."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from journeyaudit.common.safe_write import REGENERATED, UnsafeOutput, write_file

    try:
        write_file(output, text, inputs=inputs, overwrite=REGENERATED)
    except UnsafeOutput as refused:
        refuse_output(refused)


def write_html_report(result, folder: str, *, config, inputs, force: bool = False, full_diagram: bool = False,
                      evidence=None, audience: str = "team", fixes=None):
    """The HTML report into `folder` (see reports/html/report.py); exit 2 when a page is refused."""
    from journeyaudit.common.safe_write import UnsafeOutput
    from journeyaudit.reports.html.report import write_report

    try:
        return write_report(
            result, folder, config=config, full_diagram=full_diagram, evidence=evidence, inputs=inputs, force=force,
            audience=audience, fixes=fixes,
        )
    except UnsafeOutput as refused:
        refuse_output(refused)


def write_pdf_report(result, path: str, *, config, inputs, force: bool = False, paper: str = "a4",
                     audience: str = "team", chromium=None, fixes=None) -> None:
    """The PDF report (reports/pdf.py) through the safe writer: a PDF of an earlier run is
    replaced, any other existing file only with --force; exit 2 when refused or Chromium fails."""
    from journeyaudit.common.safe_write import UnsafeOutput, check_file, write_file
    from journeyaudit.reports.pdf import PdfUnavailable, is_own_pdf, render_pdf

    overwrite = force or _is_own_pdf_at(path, is_own_pdf)
    try:
        check_file(path, inputs=inputs, overwrite=overwrite)  # refused before Chromium runs
        data = render_pdf(result, paper=paper, client=audience == "client", config=config, fixes=fixes,
                          chromium=chromium)
        write_file(path, data, inputs=inputs, overwrite=overwrite)
    except UnsafeOutput as refused:
        refuse_output(refused)
    except PdfUnavailable as error:
        click.echo(printable(str(error)), err=True)
        raise SystemExit(EXIT_USAGE) from None


def _is_own_pdf_at(path: str, is_own) -> bool:
    """Whether `path` is a regular file (not a link) holding a PDF of an earlier run."""
    import os
    import stat

    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 512 * 1024 * 1024:
            return False
        with open(path, "rb") as handle:
            return is_own(handle.read())
    except OSError:
        return False
