"""``pcrm check --staged``: validate the snapshot being committed, not the working tree.

The staged snapshot is whatever index git points at: under ``git commit -a``
or ``git commit PATH`` that is a temporary index named by ``GIT_INDEX_FILE``,
so it is read only by running git (``git ls-files -s`` for the blob ids, one
``git cat-file --batch`` for the contents), never by opening ``.git/index``.

Problems are reported for the files this commit changes, but the vault-wide
rules (the same email or LinkedIn URL in two contacts) run over the whole
staged snapshot, so a new file that duplicates an unchanged one is caught.

Speed: a commit touching one file of a 10,000-contact vault must be checked in
well under half a second, so the parsed files are looked up by blob id in the
cache (:mod:`pcrm.cache`, when it offers ``lookup_blobs``/``store_blobs``) and
only the blobs it misses are read and parsed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import git
from .config import CONFIG_NAME, Config, parse_config
from .errors import ConfigError
from .model import Diagnostic, ParsedFile
from .vault import COMPANIES, CONTACTS, Snapshot, is_vault_file, parse_files

# Only these parts of the repository are pcrm's; asking git for nothing else
# keeps ls-files and diff fast in a vault that is also a big notes repository.
PATHSPECS = [CONTACTS, COMPANIES, CONFIG_NAME]

# Symbolic links and submodules have no Markdown content to check in the index.
_REGULAR_MODES = ("100644", "100755")


def staged_diagnostics(root: Path, config: Config, today: dt.date) -> list[Diagnostic]:
    """The problems of the staged snapshot of the vault at *root*, for ``check --staged``.

    Errors are reported for the changed files only (renames and deletions of
    good files pass); a changed ``.pcrm.yaml`` is validated too, and when it is
    valid the staged files are checked against it rather than the working
    tree's. Raises :class:`~pcrm.errors.GitError` outside a Git repository.
    """
    git.repo_prefix(root)  # a clear error when the vault is not in a repository
    entries = git.staged_entries(root, PATHSPECS)
    changed = set(git.staged_changes(root, PATHSPECS))
    found: list[Diagnostic] = []

    config_entry = next((e for e in entries if e.path == CONFIG_NAME), None)
    blobs = {e.path: e.blob for e in entries
             if e.mode in _REGULAR_MODES and is_vault_file(e.path)}
    if config_entry is not None and CONFIG_NAME in changed:
        raw = git.cat_blobs(root, [config_entry.blob])[config_entry.blob]
        staged_config, problem = _parse_staged_config(raw)
        if problem is not None:
            found.append(problem)
        else:
            config = staged_config or config

    snapshot = read_staged(root, config, blobs)
    found.extend(_check(snapshot, today, {p for p in changed if p in blobs}))
    return sorted(set(found))


def _parse_staged_config(raw: bytes) -> tuple[Config | None, Diagnostic | None]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, Diagnostic(CONFIG_NAME, 1, 1, "error", "not UTF-8 text")
    try:
        return parse_config(text, CONFIG_NAME), None
    except ConfigError as exc:
        return None, Diagnostic(CONFIG_NAME, exc.line or 1, exc.col or 1, "error", exc.message)


def read_staged(root: Path, config: Config, blobs: dict[str, str]) -> Snapshot:
    """Parse the staged files *blobs* (path -> blob id), using the cache when it can.

    Cache hits are taken as they are; the misses are read with one
    ``git cat-file --batch``, parsed, and handed back to the cache.
    """
    from . import cache  # noqa: PLC0415 - sqlite only when checking

    lookup = getattr(cache, "lookup_blobs", None)
    store = getattr(cache, "store_blobs", None)
    hits: dict[str, ParsedFile] = {}
    if lookup is not None and blobs:
        hits = lookup(root, config, blobs)
    missing = {path: blob for path, blob in blobs.items() if path not in hits}
    contents = git.cat_blobs(root, list(missing.values()))
    snapshot = parse_files(((path, contents[blob]) for path, blob in missing.items()), config)
    if store is not None and missing:
        store(root, config, {path: (missing[path], parsed)
                             for path, parsed in snapshot.files.items()})
    snapshot.files.update(hits)
    # The same order as a working-tree read, so the output does not depend on the cache.
    snapshot.files = dict(sorted(snapshot.files.items()))
    return snapshot


def _check(snapshot: Snapshot, today: dt.date, changed: set[str]) -> list[Diagnostic]:
    from .check import check_snapshot  # noqa: PLC0415 - keeps `import pcrm.staged` light

    return check_snapshot(snapshot, today, only=changed)
