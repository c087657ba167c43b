"""``pcrm event``: start an event note, or create the contacts a note names."""
from __future__ import annotations

from pathlib import Path

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, parse_when_options, pass_app
from pcrm.core.errors import UsageError


def _names(values: tuple[str, ...]) -> list[str]:
    """``--with a,b --with c`` -> ``[a, b, c]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _note_path(app: App, given: str) -> str | None:
    """The vault path of an existing event note named by *given*, else None."""
    for candidate in (Path(given), app.root / given, app.root / "events" / given):
        absolute = candidate if candidate.is_absolute() else (Path.cwd() / candidate)
        if absolute.suffix == ".md" and absolute.is_file():
            try:
                return absolute.resolve().relative_to(app.root).as_posix()
            except ValueError:
                raise UsageError(f"{given} is not inside the vault {app.root}") from None
    return None


@cli.command()
@click.argument("title")
@click.option("--date", "date_", metavar="DATE", help="When: YYYY-MM-DD, today (default), "
              "yesterday, tomorrow, 3d (3 days ago), +3d (in 3 days).")
@click.option("--time", "time_", metavar="HH:MM", help="The time it started.")
@click.option("--kind", default="event", show_default=True,
              help="Any meeting kind: event, interview, meeting, coffee...")
@click.option("--with", "with_", multiple=True, metavar="A,B",
              help="People to follow up with (ids, prefixes or names; repeatable).")
@click.option("--skip", multiple=True, metavar="A,B",
              help="People met, with no follow-up planned (recorded as met).")
@click.option("--expect", metavar="DATE", help="A date they promised news by (as log).")
@click.option("--create-missing", is_flag=True,
              help="Create a contact for each person who has none. With an existing "
                   "note as TITLE: for each name in it that matches no contact.")
@click.option("--commit", is_flag=True, help="Commit the files written, in one commit.")
@pass_app
def event(app: App, title: str, date_: str | None, time_: str | None, kind: str,
          with_: tuple[str, ...], skip: tuple[str, ...], expect: str | None,
          create_missing: bool, commit: bool) -> None:
    """Start an event note in events/: one meeting with several people.

    Everyone in it gets the interaction as if logged in their own file, with
    the paragraphs that mention them as its notes: write them
    under each person's line, and link more people with [[id]] or [[Name]].

    \b
    Example:
      pcrm event "NYC Tech Career Fair" --date 2026-11-20 --time 18:30 \\
          --with alex,jane --skip bob
      pcrm event "Onsite panel at Globex" --kind interview --date 2026-11-24 \\
          --with priya,raj,sofia --expect 2026-12-01 --commit
      pcrm event --create-missing events/2026-11-20-nyc-tech-career-fair.md
    """
    from pcrm.actions.event import create_missing as create_people
    from pcrm.actions.event import new_event

    existing = _note_path(app, title) if title.endswith(".md") else None
    if existing is not None:
        if not create_missing or date_ or time_ or with_ or skip or expect:
            raise UsageError(f"{existing} exists: to add the contacts it names, use "
                             "only --create-missing (and --commit)")
        done = create_people(app.root, app.config, existing, app.today, commit=commit)
        for path in done.created:
            click.echo(f"Created {path}")
        for name in done.typos:
            click.echo(f"Not created: '{name}' is close to an existing contact "
                       "(run 'pcrm check' for the suggestion)")
        if not done.created and not done.typos:
            click.echo(f"Everyone in {existing} has a contact file.")
    else:
        day, clock, promised = parse_when_options(app.today, date_, time_, expect)
        done = new_event(app.root, app.config, title, day, time=clock, kind=kind,
                         with_=_names(with_), skip=_names(skip), expect=promised,
                         create=create_missing, commit=commit)
        for path in done.created:
            click.echo(f"Created {path}")
        click.echo(f"Created {done.path}")
    if done.commit:
        click.echo(f"Committed: {done.message}")
