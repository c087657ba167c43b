"""Commands for the calendar feed: ``pcrm calendar`` and ``pcrm serve``.

Both import the feed and the server inside the command: icalendar and
http.server are slow to import, and every other command must stay instant.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, pass_app, report_skipped

DEFAULT_PORT = 5545  # after RFC 5545, the iCalendar standard; unassigned by IANA


@cli.command()
@click.option("-o", "--output", metavar="FILE",
              help="Write the feed to FILE (atomically) instead of standard output.")
@pass_app
def calendar(app: App, output: str | None) -> None:
    """Write your follow-ups as an iCalendar (.ics) feed.

    One all-day event per contact's next follow-up (the same items as
    'pcrm status', with no date window), on its due date, one event per
    upcoming meeting (at its time when the heading has one), plus a yearly
    event for each birthday. Publish the file anywhere your calendar app can fetch
    it, or let 'pcrm serve' serve it. Set 'calendar.minimal: true' in
    .pcrm.yaml to show initials only. See docs/feed.md.

    \b
    Example:
      pcrm calendar -o ~/public_html/follow-ups.ics
      pcrm calendar > follow-ups.ics
    """
    from pcrm.store.files import REPLACE, write_atomic
    from pcrm.calendar.feedcache import vault_feed

    feed = vault_feed(app.root, app.config, app.today, app.state_dir, lambda: app.snapshot)
    report_skipped(feed.errors)
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(feed.data)  # the bytes as icalendar made them: CRLF, folded
        sys.stdout.buffer.flush()
        return
    write_atomic(Path(output).expanduser(), feed.data, expected=REPLACE)
    click.echo(f"Wrote {output}: {feed.follow_ups} follow-up(s), "
               f"{feed.birthdays} birthday(s), {feed.meetings} meeting(s).", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback puts a secret token "
                   "in the URL.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--new-token", is_flag=True,
              help="Replace the secret token, so the old URL stops working.")
@pass_app
def serve(app: App, host: str, port: int, new_token: bool) -> None:
    """Serve the feed over HTTP, for calendar apps that subscribe to a URL.

    Edits to your contacts show up at the calendar app's next refresh
    without restarting: the vault is checked at most once a second, and the
    feed rebuilt only when a file changed. Answers are gzip-compressed for
    apps that accept it, and 304 Not Modified when the app already has the
    feed. Only the feed is served, never the vault's files. It listens on
    127.0.0.1 (this machine only) by default; on any other address the URL contains a secret token,
    kept in the vault's untracked state folder. Ctrl-C stops it.

    \b
    Example:
      pcrm serve
      # then subscribe to webcal://127.0.0.1:5545/calendar.ics
      pcrm serve --host 0.0.0.0 --port 8080
    """
    from pcrm.calendar.live import LiveFeed
    from pcrm.calendar.server import feed_urls, is_loopback, load_token, make_server

    # A pinned --today (or PCRM_TODAY) stays pinned; otherwise "today" moves
    # on while the server runs for days.
    pinned = click.get_current_context().find_root().params.get("today") \
        or os.environ.get("PCRM_TODAY")
    build = LiveFeed(app.root, app.today if pinned else None)
    build()  # a broken vault fails now, not at the first request
    token = None if is_loopback(host) else load_token(app.state_dir, renew=new_token)
    server = make_server(host, port, build, token, log=lambda line: click.echo(line, err=True))
    http_url, webcal_url = feed_urls(host, server.server_address[1], token)
    try:  # from here on, Ctrl-C is the normal way out, even during the banner
        click.echo(f"Serving '{app.config.calendar_name}' at {http_url}")
        click.echo(f"Subscribe in your calendar app to: {webcal_url}")
        if token:
            click.echo("The URL holds a secret token: share it with nobody "
                       "('pcrm serve --new-token' replaces it).")
        elif new_token:
            click.echo("(--new-token: no token is used on loopback)")
        click.echo("Press Ctrl-C to stop.")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()


@cli.command()
@click.option("--caldav", "url", required=True, metavar="URL",
              help="The CalDAV calendar's URL (its collection, e.g. "
                   "https://dav.example.com/jane/job-hunt/).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(1, 600),
              help="Seconds to wait for each answer of the server.")
@click.option("--record", is_flag=True, hidden=True,
              help="Record the outcome for 'pcrm status' (the post-commit hook uses it).")
@pass_app
def publish(app: App, url: str, timeout: float, record: bool) -> None:
    """Push the feed to a CalDAV calendar now (Nextcloud, Fastmail, iCloud, Radicale).

    Creates, updates and deletes events so that the calendar holds exactly
    the feed's events; events pcrm did not create are never touched, and a
    run with nothing changed sends no write. Use a calendar of its own for
    pcrm. Credentials come from PCRM_CALDAV_USER and PCRM_CALDAV_PASSWORD,
    or the system keyring ('keyring set pcrm-caldav USER'), never from the
    vault or the command line. 'pcrm hooks install --publish URL' publishes
    after every commit. See docs/feed.md.

    \b
    Example:
      export PCRM_CALDAV_USER=jane
      keyring set pcrm-caldav jane
      pcrm publish --caldav https://dav.example.com/jane/job-hunt/
    """
    import datetime as dt

    from pcrm.calendar import publog
    from pcrm.calendar.davconn import credentials
    from pcrm.calendar.feed import generate
    from pcrm.calendar.publish import publish as push
    from pcrm.core.errors import PcrmError

    try:
        auth = credentials(url, os.environ)
        feed = generate(app.snapshot, app.config, app.today, app.state_dir)
        report_skipped(app.snapshot.error_paths())
        done = push(feed.data, url, auth, timeout=timeout)
    except PcrmError as exc:
        if record:
            publog.record(app.state_dir, url, False, str(exc), dt.datetime.now(dt.timezone.utc))
        raise
    message = (f"{done.created} created, {done.updated} updated, {done.deleted} deleted, "
               f"{done.unchanged} unchanged")
    if done.foreign:
        message += f"; {done.foreign} other event(s) left alone"
    if record:
        publog.record(app.state_dir, url, True, message, dt.datetime.now(dt.timezone.utc))
    click.echo(f"Published to {url}: {message}.")
