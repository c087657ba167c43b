"""Commands about follow-ups: status, log, snooze, schedule."""
from __future__ import annotations

import datetime as dt

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, parse_user_date, pass_app, report_skipped
from pcrm.core.errors import ParseError, UsageError
from pcrm.core.model import Contact
from pcrm.core.rules import RULE_TITLES, FollowUp


def _late(item: FollowUp, today: dt.date) -> str:
    days = (item.due - today).days
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} late"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


@cli.command()
@click.option("--days", default=7, show_default=True, type=click.IntRange(0, 3650),
              help="Show what is due within this many days.")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (spec 4).")
@pass_app
def status(app: App, days: int, tag: str | None, as_json: bool) -> None:
    """The agenda: overdue follow-ups, today's, and the next N days'.

    One line per contact: who, what is owed, when, how late, and why.
    Log the follow-up in the contact's file (pcrm log) and it disappears.

    \b
    Example:
      pcrm status
      pcrm status --days 14 --tag recruiter
      pcrm --today 2026-11-22 status --json
    """
    snapshot = app.snapshot
    today = app.today
    items = snapshot.agenda(today, days=days, tag=tag)
    if as_json:
        emit_json({"today": today.isoformat(), "items": [i.as_json(today) for i in items]})
        return
    report_skipped(snapshot.error_paths())
    if not items:
        click.echo(f"Nothing due in the next {days} days. Nice work.")
        return
    groups = [("Overdue", "red", [i for i in items if i.due < today]),
              ("Today", "yellow", [i for i in items if i.due == today]),
              (f"Next {days} days", None, [i for i in items if i.due > today])]
    who_width = min(36, max(len(_who(i)) for i in items))
    lines = []  # one write: a long agenda prints in one go
    for title, colour, group in groups:
        if not group:
            continue
        lines.append(click.style(f"{title} ({len(group)})", fg=colour, bold=True))
        for item in group:
            owed = RULE_TITLES[item.rule]
            line = (f"  {_who(item):<{who_width}}  {owed:<13} {item.due.isoformat()}  "
                    f"{_late(item, today):<12} {item.reason}")
            lines.append(click.style(line, fg=colour) if colour else line)
    click.echo("\n".join(lines) + "\n", color=app.color)


def _who(item: FollowUp) -> str:
    return f"{item.name} ({item.company})" if item.company else item.name


@cli.command()
@click.argument("contact")
@click.argument("kind")
@click.argument("text", required=False, default="")
@click.option("--date", "date_", metavar="DATE", help="When it happened: YYYY-MM-DD, "
              "today (default), yesterday, 3d (3 days ago).")
@click.option("--time", "time_", metavar="HH:MM", help="The time, for timed deadlines.")
@click.option("--expect", metavar="DATE", help="A date they promised news by "
              "(YYYY-MM-DD or 1w = in a week).")
@click.option("--commit", is_flag=True, help="Commit this file (only) to Git.")
@pass_app
def log(app: App, contact: str, kind: str, text: str, date_: str | None, time_: str | None,
        expect: str | None, commit: bool) -> None:
    """Log an interaction: appends a heading to the contact's file, nothing else.

    KIND is one of the vault's kinds (interview, coffee, call, meeting, chat,
    event, email, message, linkedin, connect, sent, reply, received, note).

    \b
    Example:
      pcrm log jane interview "onsite, met Peter too" --time 15:00 --expect 2026-12-09
      pcrm log jane email "thank-you note" --commit
      pcrm log "Jane Doe" reply --date yesterday
    """
    from pcrm.core.edit import append_heading, heading_text, write_atomic
    from pcrm.core.parse import parse_contact
    from pcrm.core.timeutil import parse_clock

    today = app.today
    kind = kind.lower()
    if kind not in app.config.kinds:
        from pcrm.core.config import unknown_kind

        raise UsageError(unknown_kind(kind, app.config))
    if "\n" in text or "\r" in text:
        raise UsageError("TEXT must be one line (add notes in your editor)")
    day = parse_user_date(date_, today, future=False, option="--date") if date_ else today
    clock = None
    if time_:
        try:
            clock = parse_clock(time_)
        except ValueError as exc:
            raise UsageError(f"--time: {exc}") from None
    promised = parse_user_date(expect, today, future=True, option="--expect") if expect else None
    person = app.contact(contact, must_parse=True)
    _can_commit(app, commit)
    heading = heading_text(day, kind, text.strip(), clock=clock, expect=promised)
    target = app.root / person.path
    old = target.read_bytes()
    new = append_heading(old, heading)
    # The appended heading must read back as exactly one more interaction than
    # the bytes it was appended to (not the snapshot: the file may have changed).
    before = parse_contact(person.path, old, app.config)
    after = parse_contact(person.path, new, app.config)
    if before.contact is None or not before.ok:
        raise ParseError("the file changed since pcrm read it and no longer parses; "
                         "nothing was written", path=person.path)
    if after.contact is None or \
            len(after.contact.interactions) != len(before.contact.interactions) + 1:
        raise UsageError(f"'{heading}' would not read back as one interaction (a code block "
                         "left open at the end of the file? parentheses or '#' in TEXT?); "
                         "nothing was written")
    write_atomic(target, new, expected=old)
    click.echo(f"Logged in {person.path}: {heading}")
    if commit:
        _commit(app, person, f"log: {kind} with {person.name}")


def _commit(app: App, person: Contact, message: str) -> None:
    from pcrm.git.repo import commit_written

    commit_written(app.root, [person.path], message)
    click.echo(f"Committed: {message}")


def _can_commit(app: App, commit: bool) -> None:
    """With --commit, make sure git can commit before anything is written."""
    if commit:
        from pcrm.git.repo import check_can_commit

        check_can_commit(app.root)


def _set_key(app: App, contact: str, key: str, value: dt.date, commit: bool,
             message: str) -> None:
    from pcrm.core.edit import set_front_matter_key, write_atomic
    from pcrm.core.parse import parse_contact

    person = app.contact(contact, must_parse=True)
    _can_commit(app, commit)
    target = app.root / person.path
    old = target.read_bytes()
    new = set_front_matter_key(old, key, value.isoformat(), person.path)
    # Refuse an edit that would not read back as exactly this value (a key
    # written in an unusual way, a flow-style front-matter...).
    after = parse_contact(person.path, new, app.config)
    if after.contact is None or not after.ok or getattr(after.contact, key) != value:
        raise ParseError(f"cannot set '{key}:' here without changing more than that line; "
                         "edit it by hand; nothing was written", path=person.path)
    write_atomic(target, new, expected=old)
    click.echo(f"{person.path}: {key}: {value.isoformat()}")
    if commit:
        _commit(app, person, message.format(name=person.name, date=value.isoformat()))


@cli.command()
@click.argument("contact")
@click.argument("until", metavar="DATE|DURATION")
@click.option("--commit", is_flag=True, help="Commit this file (only) to Git.")
@pass_app
def snooze(app: App, contact: str, until: str, commit: bool) -> None:
    """No reminders for a contact before a date (sets `snooze:` in the file).

    Their pending follow-ups move to that date. Only the snooze line changes.

    \b
    Example:
      pcrm snooze jane 2w
      pcrm snooze jane 2027-01-05
    """
    day = parse_user_date(until, app.today, future=True, option="DATE")
    _set_key(app, contact, "snooze", day, commit, "snooze: {name} until {date}")


@cli.command()
@click.argument("contact")
@click.argument("when", metavar="DATE")
@click.option("--commit", is_flag=True, help="Commit this file (only) to Git.")
@pass_app
def schedule(app: App, contact: str, when: str, commit: bool) -> None:
    """Set an explicit follow-up date (sets `follow_up:` in the file).

    It is due on that date until an outbound message or meeting is logged on or
    after it.

    \b
    Example:
      pcrm schedule jane 2026-12-15
      pcrm schedule jane 3w
    """
    day = parse_user_date(when, app.today, future=True, option="DATE")
    _set_key(app, contact, "follow_up", day, commit, "schedule: follow up with {name} on {date}")
