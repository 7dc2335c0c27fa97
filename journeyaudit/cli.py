"""The `journeyaudit` command line.

Each command lives in its own module under `journeyaudit/commands/` and exposes
a click command named `command`; this module only builds the group and names
the commands in `COMMANDS`. A command's module is imported only when that
command runs (or `--help` lists it): `journeyaudit validate FILE` and
`--version` start without loading the analysis, the reports or their libraries.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import traceback
from datetime import UTC

import click

from journeyaudit import __version__
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


# command name -> (module under journeyaudit.commands, the click command's name in it)
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("audit", "command"),
    "baseline": ("baseline", "command"),
    "check": ("check", "command"),
    "conform": ("conform", "command"),
    "diff": ("diff", "command"),
    "discover": ("discover", "command"),
    "explain": ("rules", "explain_command"),
    "fix": ("fix", "command"),
    "handoffs": ("handoffs", "command"),
    "import": ("import_", "command"),
    "init": ("init", "command"),
    "lsp": ("lsp", "command"),
    "report": ("report", "command"),
    "rules": ("rules", "rules_command"),
    "schema": ("schema", "command"),
    "validate": ("validate", "command"),
}


class JourneyauditGroup(click.Group):
    """A group that loads a command's module when the command is used, and turns
    unexpected exceptions into a one-line message and exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"journeyaudit.commands.{module_name}"), attribute)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole summary (the first paragraph of its help), wrapped with
        a hanging indent; click's own list cuts summaries at 45 characters or the first dot
        (`PATH...`)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            # click suggests close names from the commands loaded so far: offer all of them
            no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click >= 8.2
            if no_such_command is None or not isinstance(error, no_such_command):
                raise
            raise no_such_command(error.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

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


def _help_width() -> int:
    """--help as wide as the terminal (click stops at 80 columns), 120 at most."""
    import shutil

    return max(60, min(120, shutil.get_terminal_size((80, 24)).columns))


@click.group(
    cls=JourneyauditGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": _help_width()},
)
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
    _lone_surrogates_escaped()


def _lone_surrogates_escaped() -> None:
    """Text that cannot be UTF-8 (a file name that is not, quoted in a message or an output) is
    printed as `\\udcXX` rather than failing the run: in JSON that is the same character's escape."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change: left as is
                reconfigure(errors="backslashreplace")


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
