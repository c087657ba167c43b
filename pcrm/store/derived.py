"""The index of event-note people: their follow-ups, cached like any other record.

A contact named by event notes has follow-ups from their own file plus the
interactions the notes give them (spec 2.5). Deriving them means parsing the
contact's file in full, so the result is kept in the index's ``derived``
table, keyed by a digest of the contact file's stamp (mtime, size, ctime,
inode) and of every interaction the notes give them (notes included). Editing
an event note therefore re-derives only the people whose interaction it
changed; everyone else is taken from the index, and a contact named by no
note never comes here at all.

As for files, a contact file modified within the last two seconds is not
cached (its stamp may not change with its next edit).
"""
from __future__ import annotations

import marshal
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable

from pcrm.core.config import Config
from pcrm.core.model import Interaction, ParsedFile
from pcrm.core.records import Brief, brief_of, plain
from pcrm.store import index as _index
from pcrm.store.index import open_index, write_if_ours
from pcrm.store.manifest import digest
from pcrm.store.parsing import encode_record

TABLE = ("CREATE TABLE IF NOT EXISTS derived (path TEXT PRIMARY KEY, key TEXT, brief BLOB, "
         "record BLOB)")


def derived_key(info: os.stat_result | None, extra: Iterable[Interaction],
                now: float | None = None) -> str | None:
    """The cache key of a contact with these event interactions; None: not cacheable."""
    if info is None:
        return None
    now = time.time() if now is None else now
    if max(info.st_mtime_ns, info.st_ctime_ns) >= (now - _index.RACY_SECONDS) * 1e9:
        return None
    given = sorted((i.origin, i.date.toordinal(), str(i.time), i.kind, i.klass, i.title,
                    str(i.expect), i.line, i.notes) for i in extra)
    stamp = (info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino)
    return digest(repr((stamp, given)).encode("utf-8", "surrogateescape")).hex()


def lookup(root: Path, config: Config, keys: dict[str, str]
           ) -> dict[str, tuple[Brief, bytes]]:
    """The cached (brief, encoded record) of each ``{path: key}`` whose key still matches."""
    if not keys:
        return {}
    index = open_index(root, config)
    if index is None:
        return {}
    found: dict[str, tuple[Brief, bytes]] = {}
    try:
        index.db.execute(TABLE)
        rows = index.db.execute("SELECT path, key, brief, record FROM derived").fetchall()
        for path, key, brief, record in rows:
            if keys.get(path) != key:
                continue
            try:
                found[path] = (Brief._make(marshal.loads(brief)), record)
            except (ValueError, EOFError, TypeError):
                continue  # a damaged record: derived again
    except sqlite3.DatabaseError:
        return {}
    finally:
        index.close()
    return found


def store(root: Path, config: Config, items: dict[str, tuple[str, ParsedFile]],
          keep: Iterable[str]) -> None:
    """Remember ``{path: (key, parsed file)}``; rows for paths not in *keep* are dropped."""
    index = open_index(root, config)
    if index is None:
        return

    def work(db: sqlite3.Connection) -> None:
        db.execute(TABLE)
        kept = set(keep)
        gone = [(path,) for (path,) in db.execute("SELECT path FROM derived")
                if path not in kept]
        db.executemany("DELETE FROM derived WHERE path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?)",
                       ((path, key, marshal.dumps(plain(brief_of(parsed))),
                         encode_record(parsed)) for path, (key, parsed) in items.items()))
    try:
        write_if_ours(index, work)
    finally:
        index.close()
