"""``log_interaction``: append one interaction heading to one or several contacts' files.

Only bytes are appended (the file's own line ending, one blank line before the
heading); every file is checked to read back with exactly one more
interaction before any file is written, and each write refuses if its file
changed since it was read.

Several contacts (a panel interview) are all or none: each gets its own
heading naming the others ("onsite panel, with Raj Kumar and Sofia Alvarez");
every contact is resolved, every file locked, read, checked and found writable
before the first write; if a write still fails, the files already written get
their old bytes back.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pcrm.actions import commit as committing
from pcrm.core.config import Config, unknown_kind
from pcrm.core.edit import append_heading
from pcrm.core.errors import ConflictError, PcrmError, RefusedEdit, UsageError, WriteError
from pcrm.core.model import Contact, heading_text
from pcrm.core.parse import parse_contact
from pcrm.store.files import read_for_edit, write_atomic
from pcrm.store.locks import locked
from pcrm.store.vault import resolve_contacts


@dataclass(frozen=True)
class LogResult:
    """What :func:`log_interaction` did: the heading, the files, the commit (if any)."""

    heading: str  # the first contact's heading
    paths: list[str]
    message: str  # the commit message (used when a commit was asked for)
    commit: str | None = None
    headings: tuple[str, ...] = ()  # one per path (they name the others)


def names_text(names: Sequence[str]) -> str:
    """``Raj Kumar``, ``Raj Kumar and Sofia Alvarez``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def with_others(text: str, others: Sequence[str]) -> str:
    """*text* naming the other people met: ``onsite panel, with Raj Kumar and Sofia Alvarez``."""
    if not others:
        return text
    suffix = f"with {names_text(others)}"
    return f"{text.strip()}, {suffix}" if text.strip() else suffix


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
                    commit: bool = False) -> LogResult:
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
    interaction_heading(config, kind, text, date, time, expect)  # bad input: before any lookup
    people = resolve_contacts(root, config, contacts, must_parse=True)
    committing.prepare(root, commit)
    names = [person.name for person in people]
    headings = [interaction_heading(config, kind, with_others(text, names[:n] + names[n + 1:]),
                                    date, time, expect) for n in range(len(people))]
    with locked(root, [person.path for person in people]):
        edits = [(person, *_appended(root, person, heading, config))
                 for person, heading in zip(people, headings)]
        for person, _old, _new in edits:
            _must_be_writable(root / person.path, person.path)
        _write_all(root, [(person.path, old, new) for person, old, new in edits])
    paths = [person.path for person in people]
    message = f"log: {kind.lower()} with {', '.join(names)}"
    made = committing.commit_written(root, paths, message) if commit else None
    return LogResult(headings[0], paths, message, made, tuple(headings))


def _must_be_writable(target: Path, path: str) -> None:
    """Refuse before the first write a file (or folder) that cannot be written."""
    try:
        info = target.stat()
    except OSError as exc:
        raise WriteError(f"cannot read: {exc.strerror}; nothing was written", path=path) from None
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteError("file is read-only; nothing was written", path=path)
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise WriteError("its folder is read-only; nothing was written", path=path)


def _write_all(root: Path, edits: list[tuple[str, bytes, bytes]]) -> None:
    """Write every (path, old, new); if one fails, put the written ones back, then raise."""
    done: list[tuple[str, bytes, bytes]] = []
    for path, old, new in edits:
        try:
            write_atomic(root / path, new, expected=old)
        except PcrmError as exc:
            failed = [p for p, o, n in done if not _restore(root / p, o, n)]
            undone = (f"; could not restore {', '.join(failed)}: check them" if failed else
                      "; nothing was written" if not done else
                      f"; {len(done)} file(s) already written were restored, nothing changed")
            raise type(exc)(exc.message.split("; nothing")[0] + undone, path=exc.path) from None
        done.append((path, old, new))


def _restore(target: Path, old: bytes, new: bytes) -> bool:
    try:
        write_atomic(target, old, expected=new)
    except PcrmError:
        return False
    return True
