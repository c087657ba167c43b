"""Git commands: ``pcrm hooks install|uninstall``, ``pcrm history``, ``pcrm sync``.

Thin Click layers over :mod:`pcrm.hooks`, :mod:`pcrm.history` and
:mod:`pcrm.git`; the modules themselves are imported inside the commands so
that other commands do not pay for them.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, pass_app

if TYPE_CHECKING:  # pcrm.history is imported only by the command that uses it
    from pcrm.git.history import History


@cli.group("hooks")
def hooks_group() -> None:
    """Manage the vault's Git pre-commit hook.

    The hook runs 'pcrm check --staged' before every commit, so a broken
    contact file cannot be committed. A hook you already had keeps running.

    \b
    Example:
      pcrm hooks install
      pcrm hooks uninstall
    """


@hooks_group.command("install")
@click.option("--publish", "publish_url", metavar="URL",
              help="Also publish the feed to this CalDAV calendar after each commit, "
                   "in the background (see 'pcrm publish').")
@pass_app
def hooks_install(app: App, publish_url: str | None) -> None:
    """Install the pre-commit hook (a hook you had is kept and still runs first).

    Also adds 'contacts/**/*.md merge=union' to the vault's .gitattributes, so
    that two devices logging to the same contact merge without a conflict.
    Installing again is harmless (it updates the Python path it records).

    With --publish URL, a post-commit hook also runs 'pcrm publish --caldav
    URL' after each commit, in the background: the commit never waits, and
    'pcrm status' tells when the last publish failed.

    \b
    Example:
      pcrm hooks install
      git commit -m "notes"      # now checks the staged contact files
      git commit --no-verify     # skips the check once
      pcrm hooks install --publish https://dav.example.com/jane/job-hunt/
    """
    from pcrm.git import hooks  # noqa: PLC0415

    if publish_url is not None:
        from pcrm.calendar.davconn import check_url  # noqa: PLC0415

        check_url(publish_url)
    path = hooks.install(app.root)
    click.echo(f"Installed the pre-commit hook: {path}")
    if path.with_name(path.name + hooks.ORIGINAL_SUFFIX).exists():
        click.echo(f"Your previous hook runs first: {path.name}{hooks.ORIGINAL_SUFFIX}")
    if publish_url is not None:
        from pcrm.git import publish_hook  # noqa: PLC0415

        path = publish_hook.install(app.root, publish_url)
        click.echo(f"Installed the post-commit hook that publishes to {publish_url}: {path}")


@hooks_group.command("uninstall")
@pass_app
def hooks_uninstall(app: App) -> None:
    """Remove pcrm's pre-commit hook and put back the one it replaced.

    \b
    Example:
      pcrm hooks uninstall
    """
    from pcrm.git import hooks  # noqa: PLC0415
    from pcrm.git import publish_hook  # noqa: PLC0415

    published = publish_hook.uninstall(app.root)
    if published is not None:
        click.echo(f"Removed the post-commit hook that published the feed: {published}")
    path = hooks.uninstall(app.root)
    if path is None:
        click.echo("pcrm's pre-commit hook is not installed; nothing to do.")
    elif path.exists():
        click.echo(f"Removed pcrm's hook and restored your previous one: {path}")
    else:
        click.echo(f"Removed the pre-commit hook: {path}")


@cli.command()
@click.argument("contact")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_app
def history(app: App, contact: str, as_json: bool) -> None:
    """Show a contact's story from Git: created, logged, changed.

    CONTACT is an id, a unique prefix of one, or a name. Lists each commit of
    the contact's file (renames followed) with the interactions it logged and
    the front-matter it changed: a new company is a reason to congratulate.

    \b
    Example:
      pcrm history jane
      pcrm history "Jane Doe" --json
    """
    from pcrm.git.history import as_dict, contact_history  # noqa: PLC0415

    found = contact_history(app.root, app.contact(contact), app.config)
    if as_json:
        emit_json(as_dict(found))
        return
    _print_history(found)


def _print_history(found: History) -> None:
    """The text form of ``pcrm history``: one block per commit, oldest first."""
    from pcrm.git.history import value_text  # noqa: PLC0415

    contact = found.contact
    click.echo(f"{contact.display}: {contact.path}")
    if not found.steps:
        click.echo("Not committed yet: no history in Git.")
        return
    created = found.created
    if created:
        click.echo(f"Created on {created.date} by {created.author}.")
    for step in found.steps:
        click.echo("")
        click.echo(f"{step.date}  {step.commit[:8]}  {step.subject}")
        if step.created:
            click.echo("    created")
        if step.renamed_from:
            click.echo(f"    renamed from {step.renamed_from}")
        for interaction in step.added:
            title = f": {interaction.title}" if interaction.title else ""
            click.echo(f"    + {interaction.label()}{title}")
        for interaction in step.removed:
            title = f": {interaction.title}" if interaction.title else ""
            click.echo(f"    - {interaction.label()}{title} (removed)")
        if step.created:
            continue  # the first version's keys are not changes
        for change in step.changes:
            note = "  (a new job? a reason to congratulate)" \
                if change.key == "company" and change.old and change.new else ""
            click.echo(f"    {change.key}: {value_text(change.old)} -> "
                       f"{value_text(change.new)} on {step.date}{note}")


def _show_progress(line: str) -> None:
    sys.stderr.write(line)
    sys.stderr.flush()


@cli.command()
@pass_app
def sync(app: App) -> None:
    """Pull (rebase) then push the vault's repository; never forces anything.

    Runs 'git pull --rebase' then 'git push' on the current branch. Contact
    files merge line by line (see .gitattributes), so two devices that each
    logged an interaction to the same contact sync without a conflict. On a
    real conflict the rebase is undone and pcrm says what to do. After the
    rebase the vault is checked: one that does not pass 'pcrm check' (say, a
    key written twice by two devices) is not pushed.

    \b
    Example:
      pcrm log jane email "thank-you" --commit
      pcrm sync
    """
    from pcrm.actions.sync import sync_checked  # noqa: PLC0415

    # On a terminal, git's progress (counting, receiving, writing objects) is shown.
    progress = _show_progress if sys.stderr.isatty() else None
    result = sync_checked(app.root, app.today, progress=progress)
    pulled = f"{result.pulled} commit{'s' if result.pulled != 1 else ''}"
    pushed = f"{result.pushed} commit{'s' if result.pushed != 1 else ''}"
    if not result.pulled and not result.pushed:
        click.echo(f"Already in sync with {result.upstream}.")
    else:
        click.echo(f"Synced {result.branch} with {result.upstream}: pulled {pulled}, "
                   f"pushed {pushed}.")
