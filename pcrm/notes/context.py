"""What the checklist knows beyond the note: the person, their company, the vault's words.

With a contact, "specific" means words from the interaction the note follows
(the one ``pcrm draft`` would write about) and "company" means that person's
company. Without one, the vault still lends its company names (any of them
counts as named) and its people's names (never misspelt, never a company).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

from pcrm.core.config import Config
from pcrm.core.model import Contact
from pcrm.notes.checklist import NoteContext
from pcrm.notes.draft import pick, recalled
from pcrm.notes.words import name_words
from pcrm.store.vault import Snapshot

MAX_LOOKUPS = 20  # words asked of the vault's index per note


def note_context(config: Config | None = None, root: Path | None = None,
                 snapshot: Snapshot | None = None, contact: Contact | None = None,
                 today: dt.date | None = None) -> NoteContext:
    """The context of a note for *contact* (or anyone), in the vault at *root* (or none).

    *today* decides, with a contact, which follow-up (and so which interaction)
    the note answers.
    """
    mine = config.signature_name if config is not None else None
    companies: set[str] = set()
    people: set[str] = set()
    if snapshot is not None:
        for person in snapshot.contacts:
            people |= name_words(person.name)
            if person.company:
                companies.add(person.company)
        companies.update(company.name for company in snapshot.companies)
    known = _vault_lookup(root, config, snapshot) if root and config and snapshot else None
    if contact is None:
        return NoteContext(companies=tuple(sorted(companies)), own=frozenset(name_words(mine)),
                           people=frozenset(people), known=known)
    if config is None or today is None:
        raise ValueError("a contact's context needs the config and today")
    rule, source, _notice = pick(contact, config, today, None)
    points = recalled(contact, rule, source, today)
    notes = "\n\n".join(dict.fromkeys(f"{i.notes}\n\n{i.title}" for i in (points, source)
                                       if i is not None)) or None
    own = name_words(mine, contact.name, contact.company)
    return NoteContext(company=contact.company, notes=notes,
                       about=source.label() if source is not None else "",
                       companies=tuple(sorted(companies | ({contact.company} if contact.company
                                                           else set()))),
                       own=frozenset(own), people=frozenset(people | own), known=known)


def _vault_lookup(root: Path, config: Config, snapshot: Snapshot
                  ) -> Callable[[set[str]], set[str]]:
    """A function telling which of some words the vault's contacts use (its full-text index)."""
    def known(words: set[str]) -> set[str]:
        from pcrm.store.search import search

        found = set()
        for word in sorted(words)[:MAX_LOOKUPS]:
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
            for hit in search(root, config, snapshot, word, limit=5):
                person = hit.contact
                text = " ".join([person.name, person.company or "", person.role or "",
                                 person.body] + [f"{i.title} {i.notes}" for i in
                                                 person.interactions])
                if pattern.search(text):
                    found.add(word)
                    break
        return found

    return known
