"""The ``draft`` command: one follow-up note per person, and the guides' checklist (spec 11)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, pass_app
from pcrm.core.errors import UsageError, VaultNotFound
from pcrm.notes.draft import RULE_CHOICES



@cli.command()
@click.argument("contacts", nargs=-1, metavar="CONTACT...")
@click.option("--rule", type=click.Choice(RULE_CHOICES), help="Draft for this rule instead of the "
              "contact's next follow-up.")
@click.option("--mailto", is_flag=True, help="Print a mailto: URL per note (opens your mail app).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--check", "check_file", metavar="FILE|-", help="Check a written note against "
              "the checklist instead (- reads standard input).")
@click.option("--contact", "about", metavar="CONTACT", help="With --check: the person the note "
              "is for (their company and the notes of your latest conversation).")
@pass_app
def draft(app: App, contacts: tuple[str, ...], rule: str | None, mailto: bool, as_json: bool,
          check_file: str | None, about: str | None) -> int:
    """Draft a follow-up note per person, or check a note you wrote.

    Each CONTACT gets a note of their own for their next follow-up (or --rule),
    from the vault's templates/RULE.md or a built-in template: their first
    name, the company by name, the points from your notes of the conversation,
    your signature.name and signature.phone.

    --check FILE lists what a note misses of the guides' checklist (thanks,
    company, specific, interest, phone; advised: next-steps, spelling,
    paragraphs, mass-email) and exits 1 when a required item is missing.

    \b
    Example:
      pcrm draft jane
      pcrm draft jane peter sam --json   # or jane,peter,sam
      pcrm draft jane --mailto
      pcrm draft --check note.txt --contact jane
      pbpaste | pcrm draft --check -
    """
    if check_file is not None:
        if contacts or rule or mailto:
            raise UsageError("--check takes a FILE (or -) and no CONTACT, --rule or --mailto")
        return _check(app, check_file, about, as_json)
    if about is not None:
        raise UsageError("--contact goes with --check; to draft, name the contact: "
                         f"pcrm draft {about}")
    if not contacts:
        raise UsageError("name at least one CONTACT (or --check FILE)")
    if mailto and as_json:
        raise UsageError("--mailto and --json do not go together")
    _draft(app, contacts, rule, mailto, as_json)
    return 0


def _draft(app: App, queries: tuple[str, ...], rule: str | None, mailto: bool,
           as_json: bool) -> None:
    from pcrm.notes.draft import draft_note

    people = []
    for query in (q.strip() for arg in queries for q in arg.split(",") if q.strip()):
        person = app.contact(query)
        if all(person.id != other.id for other in people):
            people.append(person)
    notes = [draft_note(person, app.config, app.today, app.root, rule) for person in people]
    for note in notes:
        for warning in note.warnings:
            where = f"{note.contact}: " if len(notes) > 1 else ""
            click.echo(f"Warning: {where}{warning}", err=True)
    if as_json:
        several = len(queries) > 1 or "," in queries[0]
        emit_json([n.as_json() for n in notes] if several else notes[0].as_json())
    elif mailto:
        click.echo("\n".join(note.mailto() for note in notes))
    elif len(notes) == 1:
        click.echo(notes[0].text(), nl=False)
    else:
        click.echo("\n".join(f"==> {n.name} ({n.rule}) <==\n{n.text()}" for n in notes), nl=False)


def _check(app: App, file: str, about: str | None, as_json: bool) -> int:
    from pcrm.notes.checklist import REQUIRED, check_note
    from pcrm.notes.context import note_context

    if file == "-":
        text, shown = sys.stdin.read(), "<stdin>"
    else:
        try:
            text = Path(file).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--check {file}: cannot read it ({exc})") from None
        shown = file
    try:
        root = app.root
    except VaultNotFound:
        if about is not None:
            raise
        context = note_context()  # a note checks without a vault, too
    else:
        person = app.contact(about) if about is not None else None
        context = note_context(app.config, root, app.snapshot, person, app.today)
    found = check_note(text, context)
    required = sum(1 for f in found if f.severity == REQUIRED)
    if as_json:
        emit_json({"ok": required == 0, "findings": [f.as_json() for f in found]})
    else:
        if found:
            click.echo("\n".join(f.render(shown) for f in found))
        verdict = "misses a required item" if required else "passes the required items"
        click.echo(f"{required} required, {len(found) - required} advised finding(s) in "
                   f"{shown}: the note {verdict}.", err=True)
    return 1 if required else 0
