"""``pcrm check --staged``: validate the snapshot being committed, not the working tree.

The staged snapshot is whatever index git points at: under ``git commit -a``
or ``git commit PATH`` that is a temporary index named by ``GIT_INDEX_FILE``,
so it is read only by running git (``git ls-files -s`` for the blob ids,
``git grep --cached`` to search it, one ``git cat-file --batch`` for contents),
never by opening ``.git/index``.

Problems are reported for the files this commit changes, but the vault-wide
rules (the same email or LinkedIn URL in two contacts) run over the whole
staged snapshot, so a new file that duplicates an unchanged one is caught.

Speed (spec 8: under 0.5 s for one changed file in 10,000): the cost grows
with the number of changed files, not with the vault. The vault-wide rules
need from the unchanged files only their emails, LinkedIn URLs and the company
names, so the check parses the changed files and the company files, asks
``git grep --cached`` which staged contacts mention one of the changed files'
emails or LinkedIn URLs (a superset of the real duplicates: it matches text),
and parses just those too. A commit that changes many files, or the config,
parses the whole snapshot instead, with the parse cache (``pcrm.store.blobcache``
``lookup_blobs``/``store_blobs``, when present) so that only new blobs are
read and parsed. If :mod:`pcrm.check` gains a rule that needs other facts of
unchanged files, :func:`_related` must gather them too.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from pcrm.git import repo as git
from pcrm.core.config import CONFIG_NAME, Config, parse_config
from pcrm.core.errors import ConfigError
from pcrm.core.model import Diagnostic, ParsedFile
from pcrm.core.events import EVENTS, link_target
from pcrm.core.snapshot import Snapshot
from pcrm.store.vault import COMPANIES, CONTACTS, is_vault_file, parse_files

# Only these parts of the repository are pcrm's; asking git for nothing else
# keeps ls-files and diff fast in a vault that is also a big notes repository.
PATHSPECS = [CONTACTS, COMPANIES, EVENTS, CONFIG_NAME]

# Symbolic links and submodules have no Markdown content to check in the index.
_REGULAR_MODES = ("100644", "100755")

# Above this many changed files, searching for their neighbours costs more
# than reading everything (with the cache).
FULL_CHECK_ABOVE = 300

# Below this many files to parse, opening the cache costs more than parsing.
CACHE_FROM = 64


def staged_diagnostics(root: Path, config: Config, today: dt.date) -> list[Diagnostic]:
    """The problems of the staged snapshot of the vault at *root*, for ``check --staged``.

    Errors are reported for the changed files only (renames and deletions of
    good files pass). A changed ``.pcrm.yaml`` is validated, and when it is
    valid every staged file is checked against it, since a new config can
    change how any file reads (a kind removed, say). Raises
    :class:`~pcrm.errors.GitError` outside a Git repository.
    """
    git.repo_prefix(root)  # a clear error when the vault is not in a repository
    changed = set(git.staged_changes(root, PATHSPECS))
    if not changed:
        return []  # the commit touches nothing of pcrm's: nothing to read
    # The whole staged snapshot for a new config or a big commit; otherwise
    # only the changed files and the company files (the vault may hold 30,000).
    whole = CONFIG_NAME in changed or len(changed) > FULL_CHECK_ABOVE
    blobs = _blobs(root, PATHSPECS if whole else [*sorted(changed), COMPANIES, CONFIG_NAME])
    config_blob = blobs.pop(CONFIG_NAME, None)
    changed_files = {path for path in changed if path in blobs}
    found: list[Diagnostic] = []
    report_all = False

    with git.BlobReader(root) as reader:
        if config_blob is not None:
            # The staged config, not the working tree's: that one may be
            # half-edited (or broken) while what is committed is fine.
            staged_config = _parse_staged_config(reader.read([config_blob])[config_blob])
            if isinstance(staged_config, Config):
                config = staged_config
                report_all = CONFIG_NAME in changed
            elif CONFIG_NAME in changed:  # reported; files are checked with the config in use
                found.append(staged_config)
        elif CONFIG_NAME in changed:
            # The config is being deleted: what is committed must read with the defaults.
            config, report_all = Config(), True
        if not (changed_files or report_all):
            return found
        files = read_staged(reader, root, config, blobs)
        if not whole:
            related = git.grep_staged(root, _related(files[p] for p in changed_files),
                                      [CONTACTS]) - files.keys()
            related |= _named_by_events(root, [files[p] for p in changed_files]) - files.keys()
            if related:
                files.update(read_staged(reader, root, config, _blobs(root, sorted(related))))

    snapshot = Snapshot(config, dict(sorted(files.items())))
    found.extend(_check(snapshot, today, None if report_all else changed_files))
    return sorted(set(found))


def _blobs(root: Path, pathspecs: list[str]) -> dict[str, str]:
    """Staged vault files and .pcrm.yaml under *pathspecs*: path -> blob id."""
    return {e.path: e.blob for e in git.staged_entries(root, pathspecs)
            if e.mode in _REGULAR_MODES and (is_vault_file(e.path) or e.path == CONFIG_NAME)}


def _related(changed: Iterable[ParsedFile]) -> list[str]:
    """What other contacts would contain to clash with these: emails, LinkedIn URLs.

    Normalized LinkedIn URLs are substrings of every spelling that normalizes
    the same way (the scheme, ``www.`` and a query are only ever cut off), so a
    case-insensitive text search finds them all.
    """
    from pcrm.core.validate import normalize_linkedin  # noqa: PLC0415

    needles: list[str] = []
    for parsed in changed:
        contact = parsed.contact
        if contact is None:
            continue
        needles.extend(email.strip() for email in contact.emails)
        if contact.linkedin:
            needles.append(normalize_linkedin(contact.linkedin))
    return needles


def _named_by_events(root: Path, changed: list[ParsedFile]) -> set[str]:
    """The staged contacts the changed event notes may name (to resolve their names).

    An id or id prefix is matched against the staged contact paths; a name is
    searched for in the staged contacts' text (a superset of the real matches).
    """
    refs = [m.ref for parsed in changed if parsed.event is not None
            for m in parsed.event.mentions]
    if not refs:
        return set()
    paths = [e.path for e in git.staged_entries(root, [CONTACTS]) if is_vault_file(e.path)]
    folded = [link_target(ref).casefold() for ref in refs]
    found = {path for path in paths
             if any(path[len(CONTACTS) + 1:-3].casefold().startswith(ref)
                    or path.rsplit("/", 1)[-1][:-3].casefold().startswith(ref) for ref in folded)}
    return found | git.grep_staged(root, refs, [CONTACTS])


def _parse_staged_config(raw: bytes) -> Config | Diagnostic:
    """The staged ``.pcrm.yaml``, or the problem with it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Diagnostic(CONFIG_NAME, 1, 1, "error", "not UTF-8 text")
    try:
        return parse_config(text, CONFIG_NAME)
    except ConfigError as exc:
        return Diagnostic(CONFIG_NAME, exc.line or 1, exc.col or 1, "error", exc.message)


def read_staged(reader: git.BlobReader, root: Path, config: Config,
                blobs: dict[str, str]) -> dict[str, ParsedFile]:
    """Parse the staged files *blobs* (path -> blob id).

    For many files the cache is asked first: its hits are taken as they are,
    and only the misses are read through *reader*, parsed and handed back.
    """
    hits: dict[str, ParsedFile] = {}
    use_cache = len(blobs) >= CACHE_FROM
    if use_cache:
        from pcrm.store import blobcache as cache  # noqa: PLC0415 - sqlite only when it pays

        hits = cache.lookup_blobs(root, config, blobs)
    missing = {path: blob for path, blob in blobs.items() if path not in hits}
    contents = reader.read(list(missing.values()))
    # Checking needs no deadline: the rules do not run (nor are their results cached).
    parsed = parse_files(((path, contents[blob]) for path, blob in missing.items()), config,
                         follow_ups=False)
    if use_cache and missing:
        cache.store_blobs(root, config, {path: (missing[path], result)
                                         for path, result in parsed.files.items()})
    return {**parsed.files, **hits}


def _check(snapshot: Snapshot, today: dt.date, changed: set[str] | None) -> list[Diagnostic]:
    from pcrm.core.validate import check_snapshot  # noqa: PLC0415 - keeps `import pcrm.git.staged` light

    return check_snapshot(snapshot, today, only=changed)
