"""Event notes in a read vault: who they name, and the follow-ups that gives each (spec 2.5).

:func:`apply_events` runs as the vault is read (:func:`pcrm.store.vault.read_vault`):
the people event notes name get their follow-ups derived again with the notes'
interactions merged in, cached in the index (:mod:`pcrm.store.derived`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from pcrm.core.attendance import Directory, derive_all, merge
from pcrm.core.model import (COMPANIES_FOLDER, CONTACTS_FOLDER, EVENTS_FOLDER, Contact,
                             Interaction, ParsedFile)
from pcrm.core.records import brief_of, summarize
from pcrm.core.snapshot import Snapshot
from pcrm.store.files import read_file

CONTACTS, COMPANIES, EVENTS = CONTACTS_FOLDER, COMPANIES_FOLDER, EVENTS_FOLDER


class _BriefNames(Mapping):
    """Contact names by id, read from the briefs on demand (an id is a dict lookup)."""

    def __init__(self, briefs: Mapping[str, Any]) -> None:
        self._briefs = briefs

    def __getitem__(self, cid: str) -> str:
        name = self._briefs[f"{CONTACTS}/{cid}.md"].name
        if name is None:
            raise KeyError(cid)
        return name

    def __iter__(self) -> Iterator[str]:
        return (cid for cid, _name in self.items())

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        """(id, name) pairs in one pass (a directory's tables read all 30,000)."""
        prefix, folder = len(CONTACTS) + 1, CONTACTS + "/"
        return ((path[prefix:-3], brief.name) for path, brief in self._briefs.items()
                if brief.name is not None and path.startswith(folder))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def directory_of(snapshot: Snapshot, wanted: Iterable[str] | None = None) -> Directory:
    """The snapshot's contacts by id and name (for event notes), and its company names.

    *wanted*: the names that will be looked up, when known (a faster directory).
    """
    people: Mapping[str, str]
    if snapshot.briefs is not None:  # names from the briefs: no record is decoded
        people = _BriefNames(snapshot.briefs)
    else:
        people = {c.id: c.name for c in snapshot.contacts}
    companies: list[str] = []
    for path in snapshot.paths_in(COMPANIES):
        companies.append(path[len(COMPANIES) + 1:-3])
        company = snapshot.files[path].company
        if company is not None:
            companies.append(company.name)
    return Directory(people, companies, wanted=wanted)


def event_interactions(snapshot: Snapshot, root: Path | None = None,
                       infos: dict[str, os.stat_result | None] | None = None
                       ) -> dict[str, list[Interaction]]:
    """``{contact id: [the interaction each event note gives them]}`` (spec 2.5).

    With *root* and *infos* (the files' stats), the result is cached in the
    index (:func:`pcrm.store.derived.attendance_key`): reading the notes and
    resolving their names against every contact is skipped while neither the
    notes, the company files nor any contact's name changed.
    """
    if not snapshot.paths_in(EVENTS):
        return {}
    key = None
    if root is not None and infos is not None and snapshot.briefs is not None:
        from pcrm.store import derived  # noqa: PLC0415 - only for vaults with event notes

        key = derived.attendance_key(snapshot, infos)
        cached = derived.load_attendance(root, snapshot.config, key) if key else None
        if cached is not None:
            return cached
    notes = snapshot.events
    refs = {m.ref for note in notes for m in note.mentions}
    found = derive_all(notes, directory_of(snapshot, refs), snapshot.config)
    if key is not None and root is not None:
        derived.keep_attendance(root, snapshot.config, key, found)
    return found


def with_events(contact: Contact, snapshot: Snapshot) -> Contact:
    """*contact* (parsed in full) with the interactions event notes give them, merged in."""
    extra = event_interactions(snapshot).get(contact.id, [])
    if extra:
        contact.interactions = merge(contact.interactions, extra)
    return contact


def apply_events(root: Path, snapshot: Snapshot,
                 infos: dict[str, os.stat_result | None] | None = None) -> list[str]:
    """Derive again the follow-ups of the people event notes name; their paths.

    Each one's file is parsed in full and summarized with the event
    interactions merged in, replacing its record and brief in *snapshot*;
    every other contact stays as the index gave it. With *infos* (the files'
    stats), results are cached in the index (:mod:`pcrm.store.derived`): only
    people whose file or event interactions changed are derived again.
    """
    if not snapshot.paths_in(EVENTS):
        return []
    from pcrm.store import derived  # noqa: PLC0415 - only for vaults with event notes

    wanted = {f"{CONTACTS}/{cid}.md": extra
              for cid, extra in event_interactions(snapshot, root, infos).items()}
    wanted = {path: extra for path, extra in wanted.items() if path in snapshot.files}
    keys = {}
    if infos is not None:
        keys = {path: key for path, extra in wanted.items()
                if (key := derived.derived_key(infos.get(path), extra)) is not None}
    hits = derived.lookup(root, snapshot.config, keys)
    fresh: dict[str, tuple[str, ParsedFile]] = {}
    for path, extra in sorted(wanted.items()):
        if path in hits:  # only with infos, so the files are the index's lazy mapping
            brief, record = hits[path]
            snapshot.files.put_record(path, record)  # type: ignore[attr-defined]
        else:
            parsed = read_file(path, root / path, snapshot.config, full=True)
            if not isinstance(parsed.contact, Contact):
                continue
            parsed.contact.interactions = merge(parsed.contact.interactions, extra)
            parsed.contact = summarize(parsed.contact, snapshot.config)
            snapshot.files[path] = parsed
            brief = brief_of(parsed)
            if path in keys:
                fresh[path] = (keys[path], parsed)
        if snapshot.briefs is not None:
            snapshot.briefs[path] = brief
    if fresh:  # rows of people no longer named are dropped with them
        derived.store(root, snapshot.config, fresh, keep=wanted)
    return sorted(wanted)
