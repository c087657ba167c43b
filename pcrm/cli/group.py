"""The ``pcrm`` command line: thin Click commands over the core modules.

Errors: every :class:`~pcrm.errors.PcrmError` is turned into one ``Error: ...``
line and its exit code in :meth:`PcrmGroup.invoke`, the only place that does so.
"""
from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import sys
from typing import Any

import click

from pcrm import __version__
from pcrm.cli.app import App
from pcrm.cli.output import guarded
from pcrm.core.errors import PcrmError, UsageError

pass_app = click.make_pass_decorator(App)


# Commands live in one module per job and are imported when used, so that
# `pcrm status` does not pay for the code of `pcrm serve`.
COMMAND_MODULES = {
    "init": "contacts", "new": "contacts", "list": "contacts",
    "show": "contacts", "check": "contacts", "search": "contacts",
    "status": "status", "log": "status", "snooze": "status",
    "schedule": "status", "calendar": "feed", "serve": "feed", "publish": "feed",
    "hooks": "gitcmds", "history": "gitcmds", "sync": "gitcmds",
    "companies": "insights", "report": "insights",
    "draft": "draft",
    "event": "events",
    "import": "exchange", "export": "exchange",
}


class PcrmGroup(click.Group):
    """A group that loads its commands lazily and turns pcrm's errors into one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's main, with its usage errors on one ``Error: ...`` line too."""
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        with guarded():  # no control characters from files reach the terminal
            self._main(*args, **kwargs)

    def _main(self, *args: Any, **kwargs: Any) -> None:
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "pcrm"
            click.echo(f"Error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"{__package__}.{module}")  # registers its commands
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except PcrmError as exc:
            if str(exc):  # ProblemsFound: the problems were printed already
                click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # `pcrm list | head`
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: one line, the details on request
            if os.environ.get("PCRM_DEBUG"):
                import traceback

                traceback.print_exc()
            click.echo(f"Error: internal error: {type(exc).__name__}: {exc} "
                       "(set PCRM_DEBUG=1 for details, and please report it)", err=True)
            ctx.exit(70)


@click.group(cls=PcrmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--vault", metavar="PATH", help="The vault folder (default: $PCRM_VAULT, "
              "else the nearest folder with a .pcrm.yaml above the current one).")
@click.option("--today", metavar="YYYY-MM-DD", help="Pretend today is this date "
              "(also $PCRM_TODAY); for demos and tests.")
@click.option("--no-color", is_flag=True, help="No colours (also $NO_COLOR).")
@click.version_option(__version__, prog_name="pcrm")
@click.pass_context
def cli(ctx: click.Context, vault: str | None, today: str | None, no_color: bool) -> None:
    """pcrm: a plain-text, Git-backed personal CRM for people who network.

    Each contact is a Markdown file in your vault; pcrm tells you whom you owe a
    follow-up and by when.

    \b
    Example:
      pcrm init ~/network && cd ~/network
      pcrm new "Jane Doe" --company Acme --role "Engineering Manager"
      pcrm log jane interview "phone screen" --expect 2026-12-09
      pcrm status
    """
    color = False if (no_color or os.environ.get("NO_COLOR")) else None
    ctx.obj = App(vault=vault, today=today, color=color)


def emit_json(data: Any) -> None:
    """Machine-readable output: one JSON document, UTF-8, stable key order."""
    import json  # noqa: PLC0415 - only for --json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def report_skipped(errors: list[str]) -> None:
    """Reading commands skip bad files: say how many, and where to look."""
    if errors:
        click.echo(f"Warning: {len(errors)} file(s) with errors were skipped or read in "
                   f"part (first: {errors[0]}); run 'pcrm check' for details.", err=True)


def parse_user_date(text: str, today: dt.date, *, future: bool, option: str) -> dt.date:
    """A command-line date (see timeutil.parse_when), as a usage error when bad."""
    from pcrm.core.timeutil import parse_when  # noqa: PLC0415

    try:
        return parse_when(text, today, future=future)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def parse_when_options(today: dt.date, date_: str | None, time_: str | None,
                       expect: str | None) -> tuple[dt.date, dt.time | None, dt.date | None]:
    """``--date``, ``--time`` and ``--expect`` of ``log`` and ``event``: (day, clock, promised)."""
    from pcrm.core.timeutil import parse_clock  # noqa: PLC0415

    day = parse_user_date(date_, today, future=False, option="--date") if date_ else today
    clock = None
    if time_:
        try:
            clock = parse_clock(time_)
        except ValueError as exc:
            raise UsageError(f"--time: {exc}") from None
    promised = parse_user_date(expect, today, future=True, option="--expect") if expect else None
    return day, clock, promised


LONG_RUNNING = ("serve",)  # commands that keep Python's cycle collector on


def main() -> None:
    """Entry point of the console script and ``python -m pcrm``.

    A command runs for a moment, and what it builds (thousands of records)
    lives until it ends and holds no reference cycles: Python's cycle
    collector would only walk those objects again and again, about a tenth
    of a warm ``pcrm status`` on 10,000 contacts, and once more at exit. It is
    held for the command (``serve`` keeps it), and what is left at the end is
    frozen, so that the interpreter's last collection walks none of it.
    """
    if not any(name in sys.argv[1:] for name in LONG_RUNNING):
        gc.disable()
    try:
        cli(prog_name="pcrm")
    finally:
        gc.freeze()

