"""``new_event`` and ``create_missing``: start an event note, add the people it names.

:func:`new_event` writes ``events/DATE-title.md`` (spec 2.5) through
python-frontmatter (:func:`pcrm.core.newfile.render_new_file`): the date,
time, kind, ``with:``/``skip:`` as contact ids and the expect date, then a
``# Title`` and one list item per person to write notes under. The note must
read back as written before it is written.

:func:`create_missing` makes a contact file for every name an event note gives
that matches no contact (``[[Bob Smith]]``, ``with: [bob-smith]``), so that the
note's people all count; ids become names (``bob-smith`` -> ``Bob Smith``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from pcrm.actions import commit as committing
from pcrm.actions.new import contact_fields, contact_text
from pcrm.core.config import Config
from pcrm.core.errors import ContactNotFound, RefusedEdit, UsageError
from pcrm.core.attendance import resolve_mentions
from pcrm.core.events import EVENTS, is_event_path, parse_event
from pcrm.core.model import MEETING, EventNote, Summary
from pcrm.core.newfile import render_new_file, slugify
from pcrm.store.files import write_new_file
from pcrm.store.vault import Snapshot, directory_of, find_contact, read_file, read_vault


@dataclass(frozen=True)
class EventWritten:
    """What an event action did: the note, the contacts created, the commit (if any)."""

    path: str
    created: list[str] = field(default_factory=list)  # contact files made for missing people
    message: str = ""
    commit: str | None = None
    typos: list[str] = field(default_factory=list)  # names close to a contact's: not created


def _people(snapshot: Snapshot, names: Sequence[str], missing: list[str]) -> list[Summary]:
    """The contacts *names* name; the unknown ones go to *missing* (as typed)."""
    found = []
    for name in names:
        try:
            found.append(find_contact(snapshot.contacts, name))
        except ContactNotFound:
            missing.append(name.strip())
    return found


def event_text(title: str, day: dt.date, *, time: dt.time | None = None, kind: str = "event",
               with_: Sequence[Summary] = (), skip: Sequence[Summary] = (),
               expect: dt.date | None = None) -> str:
    """The new note's text: front-matter, title, a list item per person."""
    fields = {"date": day, "time": time.strftime("%H:%M") if time else None, "kind": kind,
              "with": [p.id for p in with_] or None, "skip": [p.id for p in skip] or None,
              "expect": expect}
    items = "".join(f"- [[{p.id}|{p.name}]]:\n" for p in [*with_, *skip])
    return render_new_file(fields, f"# {title}\n\n{items}")


def new_event(root: Path, config: Config, title: str, day: dt.date, *,
              time: dt.time | None = None, kind: str = "event", with_: Sequence[str] = (),
              skip: Sequence[str] = (), expect: dt.date | None = None,
              create: bool = False, commit: bool = False) -> EventWritten:
    """Write a new event note; with *create*, unknown people become new contacts first.

    Raises :class:`~pcrm.core.errors.UsageError` for a bad title or kind, and
    :class:`~pcrm.core.errors.ContactNotFound` for an unknown person (unless
    *create*): nothing is written then.
    """
    title = title.strip()
    if not title or "\n" in title:
        raise UsageError("TITLE must be a non-empty single line")
    kind = kind.lower()
    if kind not in config.kinds or config.kinds[kind].klass != MEETING:
        meetings = ", ".join(sorted(k for k, v in config.kinds.items() if v.klass == MEETING))
        raise UsageError(f"--kind: '{kind}' is not a meeting kind (one of: {meetings})")
    snapshot = read_vault(root, config)
    missing: list[str] = []
    people = _people(snapshot, with_, missing), _people(snapshot, skip, missing)
    if missing and not create:
        raise ContactNotFound(f"no contact matches {', '.join(repr(m) for m in missing)}; "
                              "add --create-missing to create them, or 'pcrm new NAME'")
    committing.prepare(root, commit)
    created = _create_contacts(root, config, day, missing)
    if created:
        snapshot = read_vault(root, config)
        people = _people(snapshot, with_, []), _people(snapshot, skip, [])
    text = event_text(title, day, time=time, kind=kind, with_=people[0], skip=people[1],
                      expect=expect)
    parsed = parse_event(f"{EVENTS}/new.md", text.encode("utf-8"), config)
    if parsed.event is None or not parsed.ok:
        why = next((d.message for d in parsed.diagnostics if d.is_error), "it does not read back")
        raise RefusedEdit(f"the event note would not be valid ({why}); nothing was written")
    stem = f"{day.isoformat()}-{slugify(title)}"
    target = write_new_file(root / EVENTS, stem, text.encode("utf-8"))
    rel = target.relative_to(root).as_posix()
    message = f"event: {title}"
    made = committing.commit_written(root, [*created, rel], message) if commit else None
    return EventWritten(rel, created, message, made)


def _name_for(ref: str) -> str:
    """What to call a new contact from a reference: ``bob-smith`` -> ``Bob Smith``."""
    if " " in ref or any(ch.isupper() for ch in ref):
        return ref.strip()
    return " ".join(part.capitalize() for part in ref.replace("_", "-").split("-") if part)


def _create_contacts(root: Path, config: Config, today: dt.date, names: Sequence[str]
                     ) -> list[str]:
    """One new contact file per name (namesakes once); their paths."""
    created = []
    for name in dict.fromkeys(_name_for(n) for n in names):
        fields = contact_fields(name)
        text = contact_text(root, fields, today)
        target = write_new_file(root / "contacts", slugify(name), text.encode("utf-8"))
        created.append(target.relative_to(root).as_posix())
    return created


def missing_people(snapshot: Snapshot, note: EventNote) -> tuple[list[str], list[str]]:
    """The names in *note* that match no contact: (new people, likely typos).

    A name close to an existing contact's ("did you mean") is a likely typo,
    never made into a new contact; links to companies are not people.
    """
    _people_found, problems = resolve_mentions(note, directory_of(snapshot))
    refs = {(m.line, m.col): m.ref for m in note.mentions}
    new: dict[str, None] = {}
    typos: dict[str, None] = {}
    for problem in problems:
        ref = refs.get((problem.line, problem.col))
        if ref is not None:
            (typos if "did you mean" in problem.message else new)[ref] = None
    return list(new), list(typos)


def create_missing(root: Path, config: Config, note_path: str, today: dt.date, *,
                   commit: bool = False) -> EventWritten:
    """Create a contact for every name in the event note *note_path* that matches no one."""
    if not is_event_path(note_path):
        raise UsageError(f"{note_path} is not an event note (events/....md)")
    parsed = read_file(note_path, root / note_path, config)
    if parsed.event is None:
        first = parsed.diagnostics[0] if parsed.diagnostics else "it does not parse"
        raise UsageError(f"fix this event note first: {first}")
    missing, typos = missing_people(read_vault(root, config), parsed.event)
    committing.prepare(root, commit and bool(missing))
    created = _create_contacts(root, config, today, missing)
    message = f"new: {', '.join(_name_for(n) for n in missing)} (from {note_path})"
    made = committing.commit_written(root, created, message) if commit and created else None
    return EventWritten(note_path, created, message, made, typos)
