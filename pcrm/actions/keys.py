"""``set_key``: set one front-matter date of a contact (``snooze``, ``follow_up``).

Only that key's line changes (or one line is added); the edit is refused if
the file would not read back with exactly that value.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pcrm.actions import commit as committing
from pcrm.core.config import Config
from pcrm.core.edit import set_front_matter_key
from pcrm.core.errors import RefusedEdit
from pcrm.core.model import Contact
from pcrm.core.parse import parse_contact
from pcrm.store.files import read_for_edit, write_atomic
from pcrm.store.locks import locked
from pcrm.store.vault import resolve_contacts

DATE_KEYS = ("snooze", "follow_up")
MESSAGES = {"snooze": "snooze: {name} until {date}",
            "follow_up": "schedule: follow up with {name} on {date}"}


@dataclass(frozen=True)
class KeySet:
    """What :func:`set_key` did: the file, the line's new text, the commit (if any)."""

    path: str
    line: str  # ``snooze: 2026-12-01``
    message: str
    commit: str | None = None


def set_key(root: Path, config: Config, contact: Contact | str, key: str, value: dt.date, *,
            commit: bool = False) -> KeySet:
    """Set ``KEY: VALUE`` in *contact*'s front-matter (*key* one of :data:`DATE_KEYS`).

    Raises :class:`~pcrm.core.errors.RefusedEdit` when that cannot be done by
    changing one line (a value over several lines, a flow-style front-matter).
    """
    if key not in DATE_KEYS:
        raise ValueError(f"set_key sets {', '.join(DATE_KEYS)}, not {key!r}")
    person = resolve_contacts(root, config, [contact], must_parse=True)[0]
    committing.prepare(root, commit)
    target = root / person.path
    # Locked from the read to the write: a second pcrm run waits, then edits
    # what this one wrote, so neither change is lost.
    with locked(root, [person.path]):
        old = read_for_edit(target)
        new = set_front_matter_key(old, key, value.isoformat(), person.path)
        # Refuse an edit that would not read back as exactly this value (a key
        # written in an unusual way, a flow-style front-matter...).
        after = parse_contact(person.path, new, config)
        if after.contact is None or not after.ok or getattr(after.contact, key) != value:
            raise RefusedEdit(f"cannot set '{key}:' here without changing more than that "
                              "line; edit it by hand; nothing was written", path=person.path)
        write_atomic(target, new, expected=old)
    message = MESSAGES[key].format(name=person.name, date=value.isoformat())
    made = committing.commit_written(root, [person.path], message) if commit else None
    return KeySet(person.path, f"{key}: {value.isoformat()}", message, made)
