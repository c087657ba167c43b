"""Who an event note names, and what each of them gets (spec 2.5).

:class:`Directory` resolves the names an event note gives (``with:``,
``skip:``, ``[[links]]``) against the vault's contacts; :func:`attendance`
gives each person the note's interaction "as if logged in their own file",
with the paragraphs that mention them as its notes, and :func:`merge` puts
those interactions among the contact's own. Pure: no I/O, no "today".

Decisions where the spec is silent (also in docs/events.md):
- Someone in both ``with:`` and ``skip:`` is skipped (recorded as met).
- A person's notes are the paragraphs and list items that link them or spell
  out their full name; each list item is its own paragraph.
- Links to ``companies/...`` or to a company's name are not people, so no
  warning; a link never matches by prefix (``with:`` and ``skip:`` may).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Iterable, Mapping

from pcrm.core.config import Config
from pcrm.core.model import NOTE, Diagnostic, EventNote, Interaction

# Derived interactions sort before the contact's own entries of the same day
# (see pcrm.core.rules.ordered): a thank-you logged in the contact's file the
# evening of a career fair answers the fair, not the other way round.
EVENT_INDEX_BASE = -1_000_000


class Directory:
    """The vault's contacts by id and name, to resolve what an event note names.

    Built from ``{id: name}``; the case-insensitive tables are made on the
    first name that is not an exact id (most notes name people by id), and
    every answer is remembered: a vault of 30,000 costs one dict.
    """

    def __init__(self, people: Mapping[str, str] | Iterable[tuple[str, str]],
                 companies: Iterable[str] = (), *, wanted: Iterable[str] | None = None
                 ) -> None:
        # A mapping is kept as given (it may read names on demand); pairs become a dict.
        self.names: Mapping[str, str] = people if isinstance(people, Mapping) else dict(people)
        self.companies = {c.casefold() for c in companies}
        self._answers: dict[tuple[str, bool], str | None] = {}
        # With the references to resolve known in advance, the case-insensitive
        # tables keep only those keys (one pass, no table of 30,000 names).
        self._wanted = {w.casefold() for w in wanted} if wanted is not None else None

    @cached_property
    def _tables(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        by_fold: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        wanted = self._wanted
        for cid, name in self.names.items():
            folded, name_folded = cid.casefold(), name.casefold()
            if wanted is None or folded in wanted:
                by_fold.setdefault(folded, []).append(cid)
            if wanted is None or name_folded in wanted:
                by_name.setdefault(name_folded, []).append(cid)
        return by_fold, by_name

    def resolve(self, ref: str, *, prefix: bool = True) -> str | None:
        """The one contact *ref* names (id, case-insensitive id or name, unique prefix)."""
        if ref in self.names:
            return ref
        key = (ref, prefix)
        if key not in self._answers:
            self._answers[key] = self._search(ref, prefix)
        return self._answers[key]

    def _search(self, ref: str, prefix: bool) -> str | None:
        folded = ref.casefold()
        for table in self._tables:
            found = table.get(folded, [])
            if len(found) == 1:
                return found[0]
            if found:
                return None
        if prefix and folded:
            starts = [cid for cid in self.names if cid.casefold().startswith(folded)
                      or cid.rsplit("/", 1)[-1].casefold().startswith(folded)]
            if len(starts) == 1:
                return starts[0]
        return None

    def suggest(self, ref: str) -> str | None:
        """The closest id or name, for a "did you mean"."""
        import difflib  # noqa: PLC0415 - only on this warning path

        folded = ref.casefold()
        choices = {cid.casefold(): cid for cid in self.names}
        choices.update({name.casefold(): name for name in self.names.values()})
        close = difflib.get_close_matches(folded, list(choices), n=1, cutoff=0.6)
        return choices[close[0]] if close else None

    def is_company(self, ref: str) -> bool:
        return ref.startswith("companies/") or ref.casefold() in self.companies


def _not_a_person(ref: str) -> bool:
    """A link to a path outside contacts/ (``notes/swift``) is another note, not a person."""
    return "/" in ref and not ref.startswith("contacts/") and ref.split("/", 1)[0] in (
        "companies", "events", "templates")


def resolve_mentions(note: EventNote, directory: Directory
                     ) -> tuple[dict[str, str], list[Diagnostic]]:
    """``{contact id: "with" | "skip"}`` for *note*, and the names that match no one."""
    people: dict[str, str] = {}
    problems = []
    for mention in note.mentions:
        if mention.how == "link" and (_not_a_person(mention.ref)
                                      or directory.is_company(mention.ref)):
            continue
        cid = directory.resolve(mention.ref, prefix=mention.how != "link")
        if cid is None:
            hint = directory.suggest(mention.ref)
            where = {"with": "with: ", "skip": "skip: ", "link": "link "}[mention.how]
            text = f"[[{mention.ref}]]" if mention.how == "link" else f"'{mention.ref}'"
            problems.append(Diagnostic(
                note.path, mention.line, mention.col, "warning",
                f"{where}{text} matches no contact"
                + (f"; did you mean '{hint}'?" if hint else
                   f" (create it: pcrm event --create-missing {note.path})")))
            continue
        if mention.how == "skip" or people.get(cid) == "skip":
            people[cid] = "skip"
        else:
            people[cid] = "with"
    return people, problems


def _spelled(name: str, text: str) -> bool:
    """True when *name* occurs in *text* as whole words (as ``(?<!\\w)name(?!\\w)`` would).

    A plain search rather than a regular expression per person: compiling one
    for each name of each note cost more than the rest of the derivation.
    """
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(name, start + 1)
    return False


def _notes_for(note: EventNote, cid: str, name: str, directory: Directory) -> str:
    spelled = name.casefold()
    chosen = []
    for block in note.blocks:
        linked = any(directory.resolve(ref, prefix=False) == cid for ref in block.refs)
        if linked or (spelled and _spelled(spelled, block.text.casefold())):
            chosen.append(block.text)
    return "\n\n".join(chosen)


def attendance(note: EventNote, directory: Directory, config: Config
               ) -> dict[str, Interaction]:
    """Each person's interaction from *note*, as if logged in their own file."""
    if note.date is None:
        return {}
    people, _problems = resolve_mentions(note, directory)
    found = {}
    for cid, how in people.items():
        notes = _notes_for(note, cid, directory.names.get(cid, ""), directory)
        if how == "skip":
            found[cid] = Interaction(note.date, note.time, "note", NOTE,
                                     f"met at {note.title} (no follow-up planned)", None,
                                     note.line, EVENT_INDEX_BASE, notes, note.path)
        else:
            found[cid] = Interaction(note.date, note.time, note.kind,
                                     config.kinds[note.kind].klass, note.title, note.expect,
                                     note.line, EVENT_INDEX_BASE, notes, note.path)
    return found


def derive_all(notes: Iterable[EventNote], directory: Directory, config: Config
               ) -> dict[str, list[Interaction]]:
    """``{contact id: [the interaction each note gives them]}`` over all *notes*."""
    found: dict[str, list[Interaction]] = {}
    for note in notes:
        for cid, interaction in attendance(note, directory, config).items():
            found.setdefault(cid, []).append(interaction)
    return found


def merge(own: list[Interaction], derived: Iterable[Interaction]) -> list[Interaction]:
    """A contact's interactions plus those from event notes, the latter numbered first.

    Derived interactions get indexes below the file's own (ordered by date,
    time and note path), so same-day entries logged in the file come after them.
    """
    extra = sorted(derived, key=lambda i: (i.date, i.time or dt.time(), i.origin))
    if not extra:
        return own
    numbered = [Interaction(i.date, i.time, i.kind, i.klass, i.title, i.expect, i.line,
                            EVENT_INDEX_BASE + n, i.notes, i.origin)
                for n, i in enumerate(extra)]
    return numbered + list(own)
