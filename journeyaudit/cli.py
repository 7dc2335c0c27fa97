"""The `journeyaudit` command line.

Each command lives in its own module under `journeyaudit/commands/` and exposes
a click command named `command`; this module only builds the group, so new
commands never need an edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from datetime import UTC

import click

from journeyaudit import __version__
from journeyaudit import commands as commands_package
from journeyaudit.common.exit_codes import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
)


def _version_text() -> str:
    """What `--version` prints: asked of the loader itself at the time of the call, so it
    names the YAML loader journeys are really read with."""
    import yaml

    from journeyaudit import loading as _loader

    loader = "C loader (libyaml)" if _loader.C_LOADER else "pure-Python loader (libyaml missing: slower)"
    return f"journeyaudit {__version__}, PyYAML {yaml.__version__} with the {loader}"


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(_version_text())
    ctx.exit()


class JourneyauditGroup(click.Group):
    """A group that turns unexpected exceptions into a one-line message and exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("journeyaudit: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # whoever read the output stopped (`journeyaudit rules | head`): stop quietly with
            # the status of a process ended by SIGPIPE, as other Unix tools do; stdout goes to
            # /dev/null so the interpreter's last flush does not fail again
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # the last line of defence: never a traceback unless asked
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.echo(
                    f"journeyaudit: internal error: {type(exc).__name__}: {exc} "
                    "(run with --debug for the traceback, and please report it)",
                    err=True,
                )
            sys.exit(EXIT_USAGE)


@click.group(cls=JourneyauditGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and whether the C YAML loader is in use, and exit.",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Audit customer journeys: hand-offs, repeated asks, waits, dead ends."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _check_source_date_epoch()


def _check_source_date_epoch() -> None:
    """SOURCE_DATE_EPOCH dates the HTML report; a malformed value is a usage error (exit 2).

    Checked before anything is imported: NumPy (under SciPy) reads the variable when
    it is imported and crashes on a value that is not a whole number of seconds.
    An empty value means unset, as reproducible-builds.org has it.
    """
    import os
    from datetime import datetime

    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return
    if not value.strip():
        del os.environ["SOURCE_DATE_EPOCH"]
        return
    try:
        datetime.fromtimestamp(int(value.strip()), tz=UTC)
    except (ValueError, OverflowError, OSError):
        click.echo(
            f"journeyaudit: SOURCE_DATE_EPOCH={value!r} is not a date: give whole seconds since "
            "1970-01-01 UTC (e.g. `git log -1 --format=%ct`), or unset it",
            err=True,
        )
        sys.exit(EXIT_USAGE)


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(commands_package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands_package.__name__}.{module_info.name}")
        for command in getattr(module, "commands", [getattr(module, "command", None)]):
            if command is not None:
                main.add_command(command)


_register_commands()
