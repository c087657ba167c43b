"""``log_interaction``: append one interaction heading to one or several contacts' files.

Only bytes are appended (the file's own line ending, one blank line before the
heading); every file is checked to read back with exactly one more
interaction before any file is written, and each write refuses if its file
changed since it was read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pcrm.actions import commit as committing
from pcrm.core.config import Config, unknown_kind
from pcrm.core.edit import append_heading
from pcrm.core.errors import ConflictError, RefusedEdit, UsageError
from pcrm.core.model import Contact, heading_text
from pcrm.core.parse import parse_contact
from pcrm.store.files import read_for_edit, write_atomic
from pcrm.store.vault import resolve_contacts


@dataclass(frozen=True)
class Logged:
    """What :func:`log_interaction` did: the heading, the files, the commit (if any)."""

    heading: str
    paths: list[str]
    message: str  # the commit message (used when a commit was asked for)
    commit: str | None = None


def interaction_heading(config: Config, kind: str, text: str, date: dt.date,
                        time: dt.time | None = None, expect: dt.date | None = None) -> str:
    """The heading to append, checked: UsageError for an unknown kind or a multi-line text."""
    kind = kind.lower()
    if kind not in config.kinds:
        raise UsageError(unknown_kind(kind, config))
    if "\n" in text or "\r" in text:
        raise UsageError("TEXT must be one line (add notes in your editor)")
    return heading_text(date, kind, text.strip(), clock=time, expect=expect)


def _appended(root: Path, person: Contact, heading: str, config: Config) -> tuple[bytes, bytes]:
    """The file's bytes now and with *heading* appended, refused unless it reads back."""
    old = read_for_edit(root / person.path)
    new = append_heading(old, heading)
    # The appended heading must read back as exactly one more interaction than
    # the bytes it was appended to (not the snapshot: the file may have changed).
    before = parse_contact(person.path, old, config)
    after = parse_contact(person.path, new, config)
    if before.contact is None or not before.ok:
        raise ConflictError("the file changed since pcrm read it and no longer parses; "
                            "nothing was written", path=person.path)
    if after.contact is None or \
            len(after.contact.interactions) != len(before.contact.interactions) + 1:
        raise RefusedEdit(f"'{heading}' would not read back as one interaction (a code block "
                          "left open at the end of the file? parentheses or '#' in TEXT?); "
                          "nothing was written")
    return old, new


def log_interaction(root: Path, config: Config, contacts: Sequence[Contact | str], kind: str,
                    text: str = "", date: dt.date | None = None, time: dt.time | None = None,
                    expect: dt.date | None = None, *, today: dt.date | None = None,
                    commit: bool = False) -> Logged:
    """Log ``## DATE [TIME] KIND[: TEXT] [(expect DATE)]`` in each contact's file.

    *contacts* are parsed contacts or what a user types to name one (id, prefix,
    name: see :func:`pcrm.store.vault.resolve_contacts`); the same file named
    twice is logged once. *date* defaults to *today* (one of them is needed).
    With *commit*, Git must be able to commit before anything is written, and
    the files written are committed together.
    """
    if date is None:
        if today is None:
            raise TypeError("log_interaction needs a date or today")
        date = today
    heading = interaction_heading(config, kind, text, date, time, expect)
    people = resolve_contacts(root, config, contacts, must_parse=True)
    committing.prepare(root, commit)
    edits = [(person, *_appended(root, person, heading, config)) for person in people]
    for person, old, new in edits:
        write_atomic(root / person.path, new, expected=old)
    paths = [person.path for person in people]
    names = ", ".join(person.name for person in people)
    message = f"log: {kind.lower()} with {names}"
    made = committing.commit_written(root, paths, message) if commit else None
    return Logged(heading, paths, message, made)
