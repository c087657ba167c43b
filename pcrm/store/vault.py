"""The vault on disk: finding it, listing its files, reading them into a snapshot.

A *snapshot* is every parsed contact and company plus every problem found, from
the working tree (:func:`read_vault`) or from any mapping of paths to bytes
(:func:`parse_files`, used for the staged content of a commit).
"""
from __future__ import annotations

import datetime as dt
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, MutableMapping

from pcrm.core.config import CONFIG_NAME, Config, load_config
from pcrm.core.errors import AmbiguousContact, ContactNotFound, ParseError, VaultNotFound
from pcrm.core.companyfile import parse_company
from pcrm.core.events import EVENTS, Directory, derive_all, merge, parse_event
from pcrm.core.model import (Company, Contact, Diagnostic, EventNote, Interaction, Logged,
                             ParsedFile, Summary, contact_id)
from pcrm.core.parse import parse_contact

if TYPE_CHECKING:
    from pcrm.core.rules import FollowUp
    from pcrm.core.upcoming import Upcoming

CONTACTS, COMPANIES = "contacts", "companies"


def find_vault(explicit: str | None, env: dict[str, str] | None = None,
               cwd: Path | None = None) -> Path:
    """``--vault PATH``, else ``$PCRM_VAULT``, else the nearest folder up with .pcrm.yaml."""
    env = os.environ if env is None else env
    given = explicit or env.get("PCRM_VAULT")
    if given:
        root = Path(given).expanduser()
        if not root.is_dir():
            source = "--vault" if explicit else "PCRM_VAULT"
            raise VaultNotFound(f"{source} {given}: no such folder")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise VaultNotFound(
        f"no pcrm vault here: no {CONFIG_NAME} in {here} or above "
        "(run 'pcrm init', or pass --vault PATH, or set PCRM_VAULT)")


@dataclass
class Snapshot:
    """Everything read from a vault at one moment.

    ``files`` may be a lazy mapping (see :class:`pcrm.cache.LazyFiles`) that
    decodes a file's record on first access; ``briefs``, when the index gave
    them, let :meth:`agenda` pick the contacts due without decoding the rest.
    """

    config: Config
    files: MutableMapping[str, ParsedFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # walk problems
    briefs: dict[str, tuple] | None = None
    facts: dict[str, tuple] | None = None  # see pcrm.check.facts_of

    @property
    def contacts(self) -> list[Summary]:
        return [f.contact for f in self.files.values() if isinstance(f.contact, Summary)]

    @property
    def companies(self) -> list[Company]:
        return [f.company for f in self.files.values() if f.company is not None]

    @property
    def events(self) -> list[EventNote]:
        """The event notes that parse (``events/``), in path order."""
        found = []
        for path in self.files:
            if path.startswith(EVENTS + "/"):
                note = self.files[path].event
                if note is not None:
                    found.append(note)
        return found

    def error_paths(self) -> list[str]:
        """The files with errors (skipped or partly read), sorted."""
        if self.briefs is not None:
            bad = {path for path, brief in self.briefs.items() if brief[0]}
        else:
            bad = {path for path, parsed in self.files.items() if not parsed.ok}
        bad.update(d.path for d in self.diagnostics if d.is_error)
        return sorted(bad)

    def agenda(self, today: dt.date, *, days: int | None = None,
               tag: str | None = None) -> list[FollowUp]:
        """Each contact's next follow-up due within *days* (see :func:`pcrm.rules.agenda`)."""
        from pcrm.core.rules import agenda, brief_due

        if self.briefs is None:
            return agenda(self.contacts, self.config, today, days=days, tag=tag)
        horizon = (today + dt.timedelta(days=days)).toordinal() if days is not None else None
        chosen = []
        for path, (_error, active, snooze, tags, cands, _name, _booked) in self.briefs.items():
            if not active or (tag is not None and tag not in tags):
                continue
            due = brief_due(cands, snooze, today)
            if due is not None and (horizon is None or due <= horizon):
                chosen.append(self.files[path].contact)
        return agenda(chosen, self.config, today, days=days, tag=tag)

    def upcoming(self, today: dt.date, *, days: int | None = None,
                 tag: str | None = None) -> list[Upcoming]:
        """Meetings after *today* within *days* (see :func:`pcrm.core.upcoming.upcoming`)."""
        from pcrm.core.upcoming import upcoming

        contacts: list[Summary] = self.contacts
        if self.briefs is not None:  # only the contacts with a meeting after today
            now = today.toordinal()
            contacts = [self.files[path].contact for path, brief in self.briefs.items()
                        if brief[6] is not None and brief[6] > now]  # type: ignore[misc]
        return upcoming(contacts, today, days=days, tag=tag)


def brief_of(parsed: ParsedFile) -> tuple:
    """What :meth:`Snapshot.agenda` needs of a file, as plain values."""
    from pcrm.core.rules import brief_of as follow_up_brief

    contact = parsed.contact
    if not isinstance(contact, Summary):
        return (not parsed.ok, False, None, (), (), None, None)
    cands = tuple(follow_up_brief(f) for f in contact.candidates)
    snooze = contact.snooze.toordinal() if contact.snooze else None
    booked = max((m.date.toordinal() for m in contact.meetings), default=None)
    # The name too: event notes resolve [[Name]] links without decoding every record;
    # and the date of its latest meeting, to find upcoming ones without decoding either.
    return (not parsed.ok, contact.status == "active", snooze, tuple(contact.tags), cands,
            contact.name, booked)


def is_vault_file(path: str) -> bool:
    """True for the files pcrm owns: ``contacts/**.md``, ``companies/**.md``, ``events/**.md``."""
    parts = path.split("/")
    return (len(parts) >= 2 and parts[0] in (CONTACTS, COMPANIES, EVENTS)
            and path.endswith(".md")
            and not any(part.startswith(".") for part in parts))


def walk(root: Path) -> tuple[list[tuple[str, str, os.stat_result | None]], list[Diagnostic]]:
    """The vault's files as (relative POSIX path, absolute path, stat), sorted, plus problems.

    Follows symbolic links to folders once; a link that leads back into a folder
    already visited (a loop) is reported and skipped, and so are names that are
    not UTF-8 and things that are not regular files (a FIFO would block a read).
    The stat is None when it failed (reading the file then reports why).
    """
    found: list[tuple[str, str, os.stat_result | None]] = []
    problems: list[Diagnostic] = []
    for top in (CONTACTS, COMPANIES, EVENTS):
        base = root / top
        if not base.is_dir():
            continue
        seen: set[tuple[int, int]] = set()
        stack = [(top, base)]
        while stack:
            rel, folder = stack.pop()
            try:
                info = folder.stat()
                if (info.st_dev, info.st_ino) in seen:
                    problems.append(Diagnostic(rel, 1, 1, "warning",
                                               "symbolic link loop: folder skipped"))
                    continue
                seen.add((info.st_dev, info.st_ino))
                entries = list(os.scandir(folder))
            except OSError as exc:
                problems.append(Diagnostic(rel, 1, 1, "error",
                                           f"cannot read folder: {exc.strerror}"))
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = f"{rel}/{entry.name}"
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir and not entry.name.endswith(".md"):
                    continue
                try:
                    entry.name.encode("utf-8")
                except UnicodeEncodeError:
                    shown = os.fsencode(child).decode("utf-8", "backslashreplace")
                    problems.append(Diagnostic(shown, 1, 1, "error",
                                               "the name is not UTF-8; rename it (skipped)"))
                    continue
                if is_dir:
                    stack.append((child, Path(entry.path)))
                    continue
                try:
                    info: os.stat_result | None = entry.stat()
                except OSError:
                    info = None
                if info is not None and not stat.S_ISREG(info.st_mode):
                    problems.append(Diagnostic(child, 1, 1, "warning",
                                               "not a regular file; skipped"))
                    continue
                found.append((child, entry.path, info))
    found.sort()
    return found, problems


def summarize(contact: Contact, config: Config) -> Summary:
    """The index's form of a contact: no notes, follow-ups precomputed without today."""
    from dataclasses import replace

    from pcrm.core.model import MEETING
    from pcrm.core.rules import candidates, ordered, quiet_since

    return Summary(
        id=contact.id, path=contact.path, name=contact.name, company=contact.company,
        role=contact.role, emails=contact.emails, phone=contact.phone,
        linkedin=contact.linkedin, tags=contact.tags, status=contact.status,
        snooze=contact.snooze, birthday=contact.birthday,
        key_lines={k: v for k, v in contact.key_lines.items()
                   if k in ("email", "linkedin", "company", "name")},
        dated=[(i.date, i.line) for i in contact.interactions],
        pending=candidates(contact, config),
        log=[Logged(i.date, i.time, i.kind, i.klass) for i in ordered(contact.interactions)],
        quiet_since=quiet_since(contact, config),
        booked=[replace(i, notes="") for i in contact.interactions if i.klass == MEETING])


def parse_one(path: str, raw: bytes, config: Config, *, full: bool = False) -> ParsedFile:
    """Parse one vault file by where it lives; contacts are summarized unless *full*."""
    if path.startswith(COMPANIES + "/"):
        return parse_company(path, raw, config)
    if path.startswith(EVENTS + "/"):
        return parse_event(path, raw, config)
    parsed = parse_contact(path, raw, config)
    if not full and isinstance(parsed.contact, Contact):
        parsed.contact = summarize(parsed.contact, config)
    return parsed


def read_file(path: str, absolute: str | Path, config: Config, *, full: bool = False
              ) -> ParsedFile:
    """Read and parse one file; an unreadable file is a diagnostic, not a crash."""
    try:
        with open(absolute, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ParsedFile(path, diagnostics=[Diagnostic(path, 1, 1, "error",
                                                        f"cannot read file: {reason}")])
    return parse_one(path, raw, config, full=full)


def parse_files(items: Iterable[tuple[str, bytes]], config: Config) -> Snapshot:
    """A snapshot from (path, bytes) pairs, e.g. the staged files of a commit."""
    snapshot = Snapshot(config)
    for path, raw in items:
        if is_vault_file(path):
            snapshot.files[path] = parse_one(path, raw, config)
    return snapshot


def read_vault(root: Path, config: Config | None = None, *, use_cache: bool = True,
               with_facts: bool = False) -> Snapshot:
    """Read every contact and company file of the vault at *root*.

    With *use_cache*, unchanged files come from the index (see :mod:`pcrm.cache`),
    and *with_facts* also gives what ``pcrm check`` needs of every file.
    """
    config = config or load_config(root)
    found, problems = walk(root)
    if use_cache:
        from pcrm.store.index import cached_parse  # noqa: PLC0415 - sqlite only when reading

        files, briefs, facts = cached_parse(root, config, found, with_facts=with_facts)
        snapshot = Snapshot(config, files, problems, briefs, facts)
    else:
        snapshot = Snapshot(config, {path: read_file(path, absolute, config)
                                     for path, absolute, _info in found}, problems)
    apply_events(root, snapshot)
    return snapshot


def directory_of(snapshot: Snapshot) -> Directory:
    """The snapshot's contacts by id and name (for event notes), and its company names."""
    people: list[tuple[str, str]] = []
    if snapshot.briefs is not None:  # names from the briefs: no record is decoded
        for path, brief in snapshot.briefs.items():
            if path.startswith(CONTACTS + "/") and brief[5] is not None:
                people.append((contact_id(path), brief[5]))
    else:
        people = [(c.id, c.name) for c in snapshot.contacts]
    companies: list[str] = []
    for path in snapshot.files:
        if path.startswith(COMPANIES + "/"):
            companies.append(path[len(COMPANIES) + 1:-3])
            company = snapshot.files[path].company
            if company is not None:
                companies.append(company.name)
    return Directory(people, companies)


def event_interactions(snapshot: Snapshot) -> dict[str, list[Interaction]]:
    """``{contact id: [the interaction each event note gives them]}`` (spec 2.5)."""
    notes = snapshot.events
    return derive_all(notes, directory_of(snapshot), snapshot.config) if notes else {}


def with_events(contact: Contact, snapshot: Snapshot) -> Contact:
    """*contact* (parsed in full) with the interactions event notes give them, merged in."""
    extra = event_interactions(snapshot).get(contact.id, [])
    if extra:
        contact.interactions = merge(contact.interactions, extra)
    return contact


def apply_events(root: Path, snapshot: Snapshot) -> list[str]:
    """Derive again the follow-ups of the people event notes name; their paths.

    Each one's file is parsed in full and summarized with the event
    interactions merged in, replacing its record and brief in *snapshot*;
    every other contact stays as the index gave it.
    """
    if not any(path.startswith(EVENTS + "/") for path in snapshot.files):
        return []
    changed = []
    for cid, extra in sorted(event_interactions(snapshot).items()):
        path = f"{CONTACTS}/{cid}.md"
        if path not in snapshot.files:
            continue
        parsed = read_file(path, root / path, snapshot.config, full=True)
        if not isinstance(parsed.contact, Contact):
            continue
        parsed.contact.interactions = merge(parsed.contact.interactions, extra)
        parsed.contact = summarize(parsed.contact, snapshot.config)
        snapshot.files[path] = parsed
        if snapshot.briefs is not None:
            snapshot.briefs[path] = brief_of(parsed)
        changed.append(path)
    return changed


def _fold(text: str) -> str:
    # NFC first: macOS terminals may type "é" as e + combining accent.
    return unicodedata.normalize("NFC", text).casefold()


def broken_contacts(snapshot: Snapshot) -> dict[str, str]:
    """The ids of contact files that do not parse, with their first error."""
    return {contact_id(path): str(parsed.diagnostics[0])
            for path, parsed in snapshot.files.items()
            if path.startswith(CONTACTS + "/") and parsed.contact is None and parsed.diagnostics}


def resolve_contact(root: Path, snapshot: Snapshot, query: str, *,
                    must_parse: bool = False) -> Contact:
    """The contact *query* names (see :func:`find_contact`), its file parsed in full now.

    With *must_parse*, a file with errors is refused (an edit would build on
    it); otherwise a contact that still reads is given with its problems.
    """
    summary = find_contact(snapshot.contacts, query, broken_contacts(snapshot))
    # The snapshot holds summaries: parse the one file in full, as it is now.
    parsed = read_file(summary.path, root / summary.path, snapshot.config, full=True)
    errors = [d for d in parsed.diagnostics if d.is_error]
    if errors and (must_parse or not isinstance(parsed.contact, Contact)):
        raise ParseError(f"fix this file first: {errors[0]}")
    assert isinstance(parsed.contact, Contact)
    return parsed.contact


def resolve_contacts(root: Path, config: Config, contacts: Iterable[Contact | str], *,
                     must_parse: bool = False) -> list[Contact]:
    """Parsed contacts for *contacts* (contacts, or queries as users type them), once each.

    Queries are looked up in the vault (read through the index); a contact
    named twice is given once, in the order first named.
    """
    wanted = list(contacts)
    snapshot = read_vault(root, config) if any(isinstance(c, str) for c in wanted) else None
    found: dict[str, Contact] = {}
    for item in wanted:
        if isinstance(item, str):
            assert snapshot is not None
            item = resolve_contact(root, snapshot, item, must_parse=must_parse)
        found.setdefault(item.path, item)
    return list(found.values())


def find_contact(contacts: list[Summary], query: str,
                 broken: dict[str, str] | None = None) -> Summary:
    """By id, a unique id prefix, or a unique case-insensitive name match.

    *broken* maps the ids of contact files that do not parse to their first
    error: they take part in the id matching, so that a broken ``jane.md`` is
    reported rather than ``jane-doe.md`` silently chosen in its place.
    """
    broken = broken or {}
    query = query.strip()
    key = contact_id(query)
    folded = _fold(key)
    candidates: list[tuple[str, str, Summary | None]] = [(c.id, _fold(c.name), c) for c in contacts]
    candidates += [(cid, "", None) for cid in broken]
    steps = [
        lambda cid, name: cid == key,
        lambda cid, name: _fold(cid) == folded,
        lambda cid, name: _fold(cid).startswith(folded)
        or _fold(cid.rsplit("/", 1)[-1]).startswith(folded),
        lambda cid, name: name == folded,
        lambda cid, name: bool(name) and folded in name,
    ]
    for step in steps:
        matches = [(cid, found) for cid, name, found in candidates if step(cid, name)]
        if len(matches) == 1:
            cid, found = matches[0]
            if found is None:
                raise ParseError(f"cannot use this contact: {broken[cid]}")
            return found
        if len(matches) > 1:
            shown = ", ".join(f"{cid} ({found.name})" if found else f"{cid} (does not parse)"
                              for cid, found in matches[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise AmbiguousContact(f"'{query}' matches several contacts: {shown}{more}")
    raise ContactNotFound(f"no contact matches '{query}' (try 'pcrm list')")
