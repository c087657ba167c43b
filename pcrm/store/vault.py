"""The vault on disk: finding it, listing its files, reading them into a snapshot.

A *snapshot* is every parsed contact and company plus every problem found, from
the working tree (:func:`read_vault`) or from any mapping of paths to bytes
(:func:`parse_files`, used for the staged content of a commit).
"""
from __future__ import annotations

import gc
import os
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from pcrm.core.config import CONFIG_NAME, Config
from pcrm.store.configfile import load_config
from pcrm.core.errors import AmbiguousContact, ContactNotFound, ParseError, VaultNotFound
from pcrm.core.model import Contact, Summary, contact_id
from pcrm.core.records import parse_one, summarize
from pcrm.core.snapshot import Snapshot
from pcrm.store.eventnotes import apply_events, directory_of, with_events
from pcrm.store.files import read_file
from pcrm.store.walk import COMPANIES, CONTACTS, EVENTS, Found, is_vault_file, walk

__all__ = ["COMPANIES", "CONTACTS", "EVENTS", "Found", "Snapshot", "directory_of",
           "is_vault_file", "parse_one", "read_file", "summarize", "walk",
           "with_events"]  # re-exported: where callers look for them


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
               with_facts: bool = False, events: bool = True) -> Snapshot:
    """Read every contact, company and event file of the vault at *root*.

    With *use_cache*, unchanged files come from the index (see :mod:`pcrm.store.index`),
    and *with_facts* also gives what ``pcrm check`` needs of every file.
    Without *events*, the event notes are read but not applied to the people
    they name (spec 2.5): for a command that shows nothing they change (names,
    roles, companies, tags, statuses, problems, the files' own text).
    """
    with no_cycle_collection():
        return _read_vault(root, config, use_cache, with_facts, events)


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
                with_facts: bool, events: bool = True) -> Snapshot:
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
    if events:
        apply_events(root, snapshot, infos)
    return snapshot


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
