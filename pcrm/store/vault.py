"""The vault on disk: finding it, listing its files, reading them into a snapshot.

A *snapshot* is every parsed contact and company plus every problem found, from
the working tree (:func:`read_vault`) or from any mapping of paths to bytes
(:func:`parse_files`, used for the staged content of a commit).
"""
from __future__ import annotations

import gc
import os
import stat
from contextlib import contextmanager
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from pcrm.core.config import CONFIG_NAME, Config
from pcrm.store.configfile import load_config
from pcrm.core.errors import AmbiguousContact, ContactNotFound, ParseError, VaultNotFound
from pcrm.core.attendance import Directory, derive_all, merge
from pcrm.core.model import (COMPANIES_FOLDER, CONTACTS_FOLDER, EVENTS_FOLDER, Contact,
                             Diagnostic, Interaction, ParsedFile, Summary, contact_id)
from pcrm.core.records import brief_of, parse_one, summarize
from pcrm.core.snapshot import Snapshot
from pcrm.store.files import read_file

CONTACTS, COMPANIES, EVENTS = CONTACTS_FOLDER, COMPANIES_FOLDER, EVENTS_FOLDER
__all__ = ["Snapshot", "parse_one", "read_file"]  # re-exported: where callers look for them


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


def is_vault_file(path: str) -> bool:
    """True for the files pcrm owns: ``contacts/**.md``, ``companies/**.md``, ``events/**.md``."""
    parts = path.split("/")
    return (len(parts) >= 2 and parts[0] in (CONTACTS, COMPANIES, EVENTS)
            and path.endswith(".md")
            and not any(part.startswith(".") for part in parts))


Found = tuple[str, str, "os.stat_result | None"]  # (relative POSIX path, absolute path, stat)


def walk(root: Path) -> tuple[list[Found], list[Diagnostic]]:
    """The vault's files as (relative POSIX path, absolute path, stat), sorted, plus problems.

    Follows symbolic links that stay inside the vault, to folders once; a link
    out of the vault, or back into a folder already visited (a loop), is
    reported and skipped, and so are names that are
    not UTF-8 and things that are not regular files (a FIFO would block a read).
    The stat is None when it failed (reading the file then reports why).
    """
    found: list[Found] = []
    problems: list[Diagnostic] = []
    inside = os.path.realpath(root)
    for top in (CONTACTS, COMPANIES, EVENTS):
        base = root / top
        if not base.is_dir():
            continue
        if base.is_symlink() and _outside(base, inside):
            problems.append(Diagnostic(top, 1, 1, "warning", OUTSIDE))
            continue
        seen: set[tuple[int, int]] = set()
        stack = [(top, base)]
        while stack:
            rel, folder = stack.pop()
            entries = _entries(rel, folder, seen, problems)
            with _folder_fd(folder if entries else None) as fd:
                for entry in entries:
                    name = entry.name
                    child = f"{rel}/{name}"
                    if name.endswith(".md") and name[0] != "." and name.isascii() \
                            and not entry.is_symlink():  # the common case: one stat, no more
                        try:  # by the folder's descriptor: no path lookup per file
                            info = (os.stat(name, dir_fd=fd, follow_symlinks=False)
                                    if fd is not None else entry.stat())
                        except OSError:
                            info = None
                        if info is None or stat.S_ISREG(info.st_mode):
                            found.append((child, entry.path, info))
                            continue
                    kind = _classify(child, entry, problems, inside)
                    if kind is _FOLDER:
                        stack.append((child, Path(entry.path)))
                    elif kind is not _SKIP:
                        found.append((child, entry.path, kind))  # type: ignore[arg-type]
    found.sort()
    return found, problems


@contextmanager
def _folder_fd(folder: Path | None) -> Iterator[int | None]:
    """A descriptor of *folder* to stat its files by (None where unsupported or unreadable)."""
    fd = None
    if folder is not None and os.stat in os.supports_dir_fd:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            fd = None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _entries(rel: str, folder: Path, seen: set[tuple[int, int]],
             problems: list[Diagnostic]) -> list[os.DirEntry]:
    """A folder's entries, or none if it cannot be read or was visited already (a loop)."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            problems.append(Diagnostic(rel, 1, 1, "warning", "symbolic link loop: folder skipped"))
            return []
        seen.add((info.st_dev, info.st_ino))
        return list(os.scandir(folder))
    except OSError as exc:
        problems.append(Diagnostic(rel, 1, 1, "error", f"cannot read folder: {exc.strerror}"))
        return []


_FOLDER, _SKIP = object(), object()


OUTSIDE = "symbolic link to a place outside the vault; skipped"


def _outside(path: str | Path, inside: str) -> bool:
    real = os.path.realpath(path)
    return real != inside and not real.startswith(inside.rstrip(os.sep) + os.sep)


def _classify(child: str, entry: os.DirEntry, problems: list[Diagnostic],
              inside: str) -> object:
    """:data:`_FOLDER`, :data:`_SKIP`, or a Markdown file's stat (None if stat failed).

    *inside* is the vault's real path: a symbolic link that leads out of it
    (``contacts/x -> /`` would walk the whole disk) is reported and skipped.
    """
    if entry.name.startswith("."):
        return _SKIP
    try:
        is_dir = entry.is_dir()
    except OSError:
        is_dir = False
    if not is_dir and not entry.name.endswith(".md"):
        return _SKIP
    if entry.is_symlink() and _outside(entry.path, inside):
        problems.append(Diagnostic(child, 1, 1, "warning", OUTSIDE))
        return _SKIP
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(child).decode("utf-8", "backslashreplace")
        problems.append(Diagnostic(shown, 1, 1, "error",
                                   "the name is not UTF-8; rename it (skipped)"))
        return _SKIP
    if is_dir:
        return _FOLDER
    try:
        info = entry.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(Diagnostic(child, 1, 1, "warning", "not a regular file; skipped"))
        return _SKIP
    return info


def parse_files(items: Iterable[tuple[str, bytes]], config: Config, *,
                follow_ups: bool = True) -> Snapshot:
    """A snapshot from (path, bytes) pairs, e.g. the staged files of a commit.

    Without *follow_ups* no deadline is computed (checking needs none).
    """
    snapshot = Snapshot(config)
    for path, raw in items:
        if is_vault_file(path):
            snapshot.files[path] = parse_one(path, raw, config, follow_ups=follow_ups)
    return snapshot


def read_vault(root: Path, config: Config | None = None, *, use_cache: bool = True,
               with_facts: bool = False) -> Snapshot:
    """Read every contact, company and event file of the vault at *root*.

    With *use_cache*, unchanged files come from the index (see :mod:`pcrm.store.index`),
    and *with_facts* also gives what ``pcrm check`` needs of every file.
    """
    with no_cycle_collection():
        return _read_vault(root, config, use_cache, with_facts)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold Python's cycle collector while thousands of records are built: it would
    otherwise walk every object made so far, again and again (a third of a warm
    run's time on 10,000 contacts). Records hold no cycles; it runs again after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_vault(root: Path, config: Config | None, use_cache: bool,
                with_facts: bool) -> Snapshot:
    config = config or load_config(root)
    found, problems = walk(root)
    if use_cache:
        from pcrm.store.index import cached_parse  # noqa: PLC0415 - sqlite only when reading

        files, briefs, facts = cached_parse(root, config, found, with_facts=with_facts)
        snapshot = Snapshot(config, files, problems, briefs, facts)
    else:
        snapshot = Snapshot(config, {path: read_file(path, absolute, config)
                                     for path, absolute, _info in found}, problems)
    infos = {path: info for path, _absolute, info in found} if use_cache else None
    apply_events(root, snapshot, infos)
    return snapshot


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
    for path in snapshot.files:
        if path.startswith(COMPANIES + "/"):
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
    if not any(path.startswith(EVENTS + "/") for path in snapshot.files):
        return {}
    key = None
    if root is not None and infos is not None and snapshot.briefs is not None:
        from pcrm.store import derived  # noqa: PLC0415 - only for vaults with event notes

        key = derived.attendance_key(snapshot.files, snapshot.briefs, infos)
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
    if not any(path.startswith(EVENTS + "/") for path in snapshot.files):
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
