"""Commands about the vault and its contacts: init, new, list, show, check."""
from __future__ import annotations

from pathlib import Path

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, pass_app, report_skipped
from pcrm.core.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT
from pcrm.core.errors import GitError, PcrmError, ProblemsFound, UsageError
from pcrm.core.model import Contact
from pcrm.store.files import TEMP_SUFFIX


GITIGNORE = ("# pcrm keeps its caches in .git/pcrm; this is for local files.\n.pcrm/\n"
             "# A write that was killed half-way leaves a temporary file; never commit one.\n"
             f"*{TEMP_SUFFIX}\n")


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-git", is_flag=True, help="Do not run git init or install hooks.")
def init(path: Path | None, no_git: bool) -> None:
    """Create a vault: config, contacts/, .gitignore, Git repository and hooks.

    Safe to run in an existing folder or vault: it never overwrites a file.

    \b
    Example:
      pcrm init ~/network
      cd ~/network && pcrm new "Jane Doe" --company Acme
    """
    root = (path or Path.cwd()).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "contacts").mkdir(exist_ok=True)
        (root / "companies").mkdir(exist_ok=True)
    except OSError as exc:
        raise PcrmError(f"cannot create the vault in {root}: {exc.strerror}") from None
    created = []
    for name, text in ((CONFIG_NAME, DEFAULT_CONFIG_TEXT), (".gitignore", GITIGNORE)):
        file = root / name
        if not file.exists():
            file.write_text(text, encoding="utf-8")
            created.append(name)
    click.echo(f"Vault ready in {root}" + (f" (created {', '.join(created)})" if created else ""))
    if no_git:
        return
    from pcrm.git import hooks
    from pcrm.git import repo as git

    try:
        if git.init_if_needed(root):
            click.echo("Initialised a Git repository.")
        git.ensure_gitattributes(root)
        hook = hooks.install(root)
        click.echo(f"Installed the pre-commit hook: {hook}")
    except GitError as exc:
        click.echo(f"Warning: {exc} (the vault works without Git)", err=True)


@cli.command()
@click.argument("name")
@click.option("--company", help="Where they work.")
@click.option("--role", help="What they do.")
@click.option("--email", multiple=True, help="An email address (repeatable).")
@click.option("--phone", help="Phone number (kept as text).")
@click.option("--linkedin", help="LinkedIn profile URL.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--cadence", help="Keep-in-touch interval: 30d, 2w, 3m, 1y or none.")
@click.option("--commit", is_flag=True, help="Commit the new file to Git.")
@pass_app
def new(app: App, name: str, company: str | None, role: str | None, email: tuple[str, ...],
        phone: str | None, linkedin: str | None, tags: tuple[str, ...], cadence: str | None,
        commit: bool) -> None:
    """Create a contact file; never overwrites one.

    The file is contacts/<name-as-ascii>.md; a second "Jane Doe" gets
    jane-doe-2.md. A vault template at templates/contact.md is used when present
    ({name}, {company}, {role}, {date} are filled in).

    \b
    Example:
      pcrm new "Jane Doe" --company Acme --role "Engineering Manager" \\
          --email jane@acme.example --tag recruiter --cadence 30d
    """
    from pcrm.actions.new import new_contact

    created = new_contact(app.root, app.config, app.today, name, company=company, role=role,
                          emails=email, phone=phone, linkedin=linkedin, tags=tags,
                          cadence=cadence, commit=commit)
    click.echo(f"Created {created.path}")
    if created.commit:
        click.echo("Committed.")


@cli.command("list")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--company", help="Only contacts at this company (case-insensitive).")
@click.option("--all", "show_all", is_flag=True, help="Include paused and archived contacts.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def list_(app: App, tag: str | None, company: str | None, show_all: bool, as_json: bool) -> None:
    """List the contacts (active ones unless --all).

    \b
    Example:
      pcrm list --company Acme
      pcrm list --tag recruiter --json
    """
    from pcrm.insights import people

    if as_json:
        _list_json(app, tag, company)
        return
    snapshot = app.plain_snapshot()  # names, roles, companies, tags, statuses: no event changes
    found = people.listed(people.briefs_of(snapshot), tag=tag, company=company,
                          active_only=not show_all)
    report_skipped(snapshot.error_paths())
    if not found:
        click.echo("No contacts." + ("" if tag or company else " Add one: pcrm new \"Name\""))
        return
    width = min(32, max(len(brief.name or "") for _cid, brief in found))
    click.echo("\n".join(people.lines(found, width)))  # one write: 10,000 lines in one go


def _list_json(app: App, tag: str | None, company: str | None) -> None:
    """``list --json``: every contact (any status), with what only records hold."""
    snapshot = app.snapshot  # the cycle collector is held for the command (cli.group.main)
    contacts = sorted(snapshot.contacts, key=lambda c: (c.name.casefold(), c.id))
    if tag:
        contacts = [c for c in contacts if tag in c.tags]
    if company:
        contacts = [c for c in contacts if (c.company or "").casefold() == company.casefold()]
    report_skipped(snapshot.error_paths())
    emit_json([{"id": c.id, "name": c.name, "company": c.company, "role": c.role,
                "email": c.emails, "phone": c.phone, "tags": c.tags, "status": c.status,
                "last": c.last.isoformat() if c.last else None, "path": c.path,
                "quiet": c.quiet(app.today)} for c in contacts])


@cli.command()
@click.argument("contact")
@pass_app
def show(app: App, contact: str) -> None:
    """A contact's card, log and pending follow-ups (with the rule behind each).

    CONTACT is an id (jane-doe), a unique prefix of one, or a unique name.
    A company's name (any case) shows its card: its "In", people and
    applications.

    \b
    Example:
      pcrm show jane
      pcrm show acme
    """
    from pcrm.cli.insights import show_company

    if show_company(app, contact):
        return
    person = app.contact(contact)
    _echo_card(app, person)
    click.echo("")
    _echo_log(app, person)
    click.echo("")
    _echo_follow_ups(app, person)
    _echo_upcoming(app, person)


def _heading(app: App, title: str) -> None:
    click.echo(click.style(title, bold=True), color=app.color)


def _echo_card(app: App, person: Contact) -> None:
    """The name, then one line per field that has a value."""
    from pcrm.core.rules import quiet_since

    quiet = quiet_since(person, app.config)
    if quiet is not None and app.today < quiet:
        quiet = None
    _heading(app, person.name)
    for label, value in (("company", person.company), ("role", person.role),
                         ("email", ", ".join(person.emails)), ("phone", person.phone),
                         ("linkedin", person.linkedin), ("tags", ", ".join(person.tags)),
                         ("cadence", str(person.cadence) if person.cadence else None),
                         ("follow-up", person.follow_up and person.follow_up.isoformat()),
                         ("snoozed until", person.snooze and person.snooze.isoformat()),
                         ("status", person.status if person.status != "active" else None),
                         ("quiet", quiet and f"since {quiet.isoformat()}: no reply to "
                                             f"{app.config.nudge_limit} nudges; reach someone "
                                             f"else at {person.company or 'their company'}"),
                         ("file", person.path)):
        if value:
            click.echo(f"  {label + ':':<14} {value}")


def _echo_log(app: App, person: Contact) -> None:
    """The interactions, in the order the rules read them."""
    from pcrm.core.model import when_text
    from pcrm.core.rules import ordered

    _heading(app, "Log")
    if not person.interactions:
        click.echo("  nothing logged yet")
    for item in ordered(person.interactions):
        when = when_text(item.date, item.time)
        extra = f" (expect {item.expect.isoformat()})" if item.expect else ""
        source = f"  [{item.origin}]" if item.origin else ""
        click.echo(f"  {when:<16} {item.kind:<10} {item.title}{extra}{source}".rstrip())


def _echo_follow_ups(app: App, person: Contact) -> None:
    """The pending follow-ups, each with how late it is and the rule behind it."""
    from pcrm.core.rules import RULE_TITLES, pending

    _heading(app, "Follow-ups")
    items = pending(person, app.config, app.today)
    if not items:
        why = f" (status: {person.status})" if person.status != "active" else ""
        click.echo(f"  nothing pending{why}")
    for item in items:
        late = item.overdue_days(app.today)
        when = f"{item.due.isoformat()}" + (f", {late} day{'s' * (late != 1)} late"
                                             if late else "")
        click.echo(f"  {RULE_TITLES[item.rule]:<14} due {when}: {item.reason} "
                   f"[rule {item.rule}]")


def _echo_upcoming(app: App, person: Contact) -> None:
    """Booked meetings still ahead; the section is left out when there are none."""
    from pcrm.core.model import when_text
    from pcrm.core.upcoming import upcoming_of

    booked = upcoming_of(person, app.today)
    if booked:
        click.echo("")
        _heading(app, "Upcoming")
    for meeting in booked:
        title = f": {meeting.title}" if meeting.title else ""
        click.echo(f"  {when_text(meeting.date, meeting.time):<16} {meeting.kind}{title}; "
                   "prepare questions about the role and "
                   f"{meeting.company or 'their company'}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--staged", is_flag=True, help="Check the content staged for commit (the hook).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def check(app: App, paths: tuple[Path, ...], staged: bool, as_json: bool) -> None:
    """Validate the vault, or the given files, or the staged versions.

    Prints path:line:col: error|warning: message per problem; exits 1 on any
    error, 0 with warnings only.

    \b
    Example:
      pcrm check
      pcrm check contacts/jane-doe.md
      pcrm check --staged        # what the pre-commit hook runs
    """
    from pcrm.actions.check import check_paths, check_staged

    if staged and paths:
        raise UsageError("--staged checks the whole staged snapshot; give no PATH")
    report = check_staged(app.root, app.today) if staged else \
        check_paths(app.root, app.today, paths)
    if as_json:
        emit_json({"errors": report.errors, "warnings": report.warnings,
                   "problems": [d.as_dict() for d in report.problems]})
    else:
        if report.problems:
            click.echo("\n".join(map(str, report.problems)))
        if not staged or report.problems:
            click.echo(f"{report.errors} error(s), {report.warnings} warning(s) in "
                       f"{report.checked}.", err=True)
    if report.errors:
        raise ProblemsFound()


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def search(app: App, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over names, companies, roles, tags and notes, best first.

    Every word must match (as a prefix, accents ignored); each result shows the
    interaction that matches best.

    \b
    Example:
      pcrm search swift concurrency
      pcrm search acme recruiter --json
    """
    from pcrm.store.search import search as run_search

    # The files' own text: the event notes change nothing it shows.
    hits = run_search(app.root, app.config, app.plain_snapshot(), " ".join(query), limit)
    if as_json:
        emit_json({"query": " ".join(query), "hits": [hit.as_json() for hit in hits]})
        return
    if not hits:
        click.echo(f"No contact matches '{' '.join(query)}'.")
        return
    for hit in hits:
        person = hit.contact
        click.echo(click.style(person.display, bold=True) + f"  ({person.id})", color=app.color)
        if hit.interaction is not None:
            item = hit.interaction
            click.echo(f"  {item.date.isoformat()} {item.kind}: {item.title}".rstrip(": "))
        click.echo(f"  {hit.snippet}")
