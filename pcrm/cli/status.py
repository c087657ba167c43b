"""Commands about follow-ups: status, log, snooze, schedule."""
from __future__ import annotations

import datetime as dt
import sys

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, parse_user_date, parse_when_options, pass_app, \
    report_skipped
from pcrm.core.errors import UsageError
from pcrm.core.model import when_text
from pcrm.core.rules import RULE_TITLES, FollowUp
from pcrm.core.upcoming import Upcoming


def _late(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
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
    booked = snapshot.upcoming(today, days=days, tag=tag)
    if as_json:
        emit_json({"today": today.isoformat(), "items": [i.as_json(today) for i in items],
                   "upcoming": [u.as_json() for u in booked]})
        return
    report_skipped(snapshot.error_paths())
    _report_publish_failure(app)
    if not items and not booked:
        click.echo(f"Nothing due in the next {days} days. Nice work.")
        _gap_footer(app)
        return
    lines = agenda_lines(items, booked, today, days, colour=_shows_colour(app.color))
    click.echo("\n".join(lines) + "\n", color=app.color)
    _gap_footer(app)


def _shows_colour(color: bool | None) -> bool:
    """Whether ``click.echo`` keeps colours on standard output (it decides per write):
    without them, 2,000 lines are not styled only to be stripped again."""
    decide = getattr(click.utils, "should_strip_ansi", None)
    return decide is None or not decide(sys.stdout, color)


def agenda_lines(items: list[FollowUp], booked: list[Upcoming], today: dt.date,
                 days: int, *, colour: bool = True) -> list[str]:
    """The text agenda: Overdue, Today, Next N days, then Upcoming meetings.

    Columns are as wide as their longest cell (a name is cut at 36), so that
    "123 days late" never runs into the reason. Without *colour*, no styles.
    """
    rows: list[tuple[str, str | None, list[tuple[str, str, str, str, str]]]] = [
        (title, hue, [(_who(i), RULE_TITLES[i.rule], i.due.isoformat(), _late(i.due, today),
                       i.reason) for i in group])
        for title, hue, group in (
            ("Overdue", "red", [i for i in items if i.due < today]),
            ("Today", "yellow", [i for i in items if i.due == today]),
            (f"Next {days} days", None, [i for i in items if i.due > today]))]
    rows.append(("Upcoming", "cyan", [
        (_who(u), u.kind.capitalize(),
         when_text(u.date, u.time),
         _late(u.date, today), _prepare(u)) for u in booked]))
    cells = [cell for _title, _hue, group in rows for cell in group]
    if not cells:
        return []
    widths = [max(map(len, column)) for column in list(zip(*cells))[:4]]
    widths[0] = min(36, widths[0])
    row = "  {:<%d}  {:<%d}  {:<%d}  {:<%d}  {}" % tuple(widths)  # noqa: UP031 - one format
    lines = []  # one write: a long agenda prints in one go
    for title, hue, group in rows:
        if not group:
            continue
        heading = f"{title} ({len(group)})"
        lines.append(click.style(heading, fg=hue, bold=True) if colour else heading)
        if colour and hue:
            lines += [click.style(row.format(*cell), fg=hue) for cell in group]
        else:
            lines += [row.format(*cell) for cell in group]
    return lines


def _gap_footer(app: App) -> None:
    """One line when a target company has a gap: "2 targets lack a recruiter: pcrm companies"."""
    from pcrm.insights.companies import status_gaps

    line = status_gaps(app.snapshot, app.today)
    if line:
        click.echo(f"{line}: pcrm companies")


def _report_publish_failure(app: App) -> None:
    """A background publish (the post-commit hook) that failed: say so, once per run."""
    from pcrm.calendar.publog import last_failure  # noqa: PLC0415 - light, no icalendar

    failure = last_failure(app.state_dir)
    if failure is not None:
        click.echo(f"Warning: {failure}", err=True)


def _prepare(meeting: Upcoming) -> str:
    where = meeting.company or "their company"
    what = f"{meeting.title}; " if meeting.title else ""
    return f"{what}prepare questions about the role and {where}"


def _who(item: FollowUp | Upcoming) -> str:
    return f"{item.name} ({item.company})" if item.company else item.name


@cli.command()
@click.argument("contacts", metavar="CONTACT")
@click.argument("kind")
@click.argument("text", required=False, default="")
@click.option("--date", "date_", metavar="DATE", help="When it happened: YYYY-MM-DD, "
              "today (default), yesterday, 3d (3 days ago).")
@click.option("--time", "time_", metavar="HH:MM", help="The time, for timed deadlines.")
@click.option("--expect", metavar="DATE", help="A date they promised news by "
              "(YYYY-MM-DD or 1w = in a week).")
@click.option("--commit", is_flag=True, help="Commit the files written (only them), in one commit.")
@pass_app
def log(app: App, contacts: str, kind: str, text: str, date_: str | None, time_: str | None,
        expect: str | None, commit: bool) -> None:
    """Log an interaction: appends a heading to each contact's file, nothing else.

    KIND is one of the vault's kinds: meetings (interview, coffee, call,
    meeting, chat, event), what you send (email, message, sent; linkedin or
    connect for a connection request), what you get (reply, received: also when
    they accept your LinkedIn request), news about them (news, job-change), or
    a note.

    CONTACT may name several people (a panel): a,b,c separated by commas. Each file
    gets its own heading naming the others, the same --expect for all; either
    every file is written or none is.

    \b
    Example:
      pcrm log jane interview "onsite, met Peter too" --time 15:00 --expect 2026-12-09
      pcrm log priya,raj,sofia interview "onsite panel" --time 10:00 --commit
      pcrm log jane email "thank-you note" --commit
      pcrm log "Jane Doe" reply --date yesterday
    """
    from pcrm.actions.log import log_interaction

    today = app.today
    named = [part.strip() for part in contacts.split(",")]
    if not all(named):
        raise UsageError(f"CONTACT: an empty name in '{contacts}' (write a,b,c)")
    day, clock, promised = parse_when_options(today, date_, time_, expect)
    logged = log_interaction(app.root, app.config, named, kind, text, day, clock, promised,
                             commit=commit)
    for path, heading in zip(logged.paths, logged.headings):
        click.echo(f"Logged in {path}: {heading}")
    if logged.commit:
        click.echo(f"Committed: {logged.message}")
    if promised is not None and promised < today:
        _past(f"--expect {promised.isoformat()}", "the check-in is due at once")


def _past(what: str, consequence: str) -> None:
    """A date in the past is allowed (catching up on a log), but said out loud."""
    click.echo(f"Warning: {what} is in the past: {consequence}.", err=True)


def _set_date(app: App, contact: str, key: str, text: str, commit: bool,
              past: tuple[str, str]) -> None:
    """Set the date key *key* from the user's *text*; warn ("what", "so what") if it is past."""
    from pcrm.actions.keys import set_key

    day = parse_user_date(text, app.today, future=True, option="DATE")
    done = set_key(app.root, app.config, contact, key, day, commit=commit)
    click.echo(f"{done.path}: {done.line}")
    if done.commit:
        click.echo(f"Committed: {done.message}")
    if day < app.today:
        _past(f"{past[0]} {day.isoformat()}", past[1])


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
    _set_date(app, contact, "snooze", until, commit, ("snooze", "it holds nothing back"))


@cli.command()
@click.argument("contact")
@click.argument("when", metavar="DATE")
@click.option("--commit", is_flag=True, help="Commit this file (only) to Git.")
@pass_app
def schedule(app: App, contact: str, when: str, commit: bool) -> None:
    """Set an explicit follow-up date (sets `follow_up:` in the file).

    It is due on that date until an outbound message or meeting is logged on
    it, after it, or up to 3 days before it.

    \b
    Example:
      pcrm schedule jane 2026-12-15
      pcrm schedule jane 3w
    """
    _set_date(app, contact, "follow_up", when, commit,
              ("follow-up date", "it is due at once, already late"))
