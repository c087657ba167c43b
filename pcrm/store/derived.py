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

import datetime as dt
import marshal
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Mapping

from pcrm.core.config import Config
from pcrm.core.model import COMPANIES_FOLDER, EVENTS_FOLDER, Interaction, ParsedFile
from pcrm.core.records import Brief, brief_of, plain
from pcrm.core.snapshot import Snapshot
from pcrm.store import index as _index
from pcrm.store.database import open_index, write_if_ours
from pcrm.store.checks import digest
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


# -- who the event notes name, and what each gets ---------------------------------------

ATTENDANCE = "CREATE TABLE IF NOT EXISTS attendance (id INTEGER PRIMARY KEY, key BLOB, body BLOB)"


def attendance_key(snapshot: Snapshot, infos: Mapping[str, os.stat_result | None],
                   now: float | None = None) -> bytes | None:
    """A digest of everything the event notes' attendance depends on, besides the
    config (the index is rebuilt when it changes): the notes and the company files
    (by stamp) and every contact's id and name. None when a note or company file
    was modified too recently for its stamp to be trusted, or a file has no brief."""
    racy = ((time.time() if now is None else now) - _index.RACY_SECONDS) * 1e9
    parts = []
    for path in snapshot.paths_in(COMPANIES_FOLDER) + snapshot.paths_in(EVENTS_FOLDER):
        info = infos.get(path)
        if info is None or max(info.st_mtime_ns, info.st_ctime_ns) >= racy:
            return None
        parts.append(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_ctime_ns}"
                     f"\0{info.st_ino}")
    briefs, paths = snapshot.briefs or {}, list(snapshot.files)
    try:  # every file's name, in the files' order (the briefs' too, from the index)
        names = ([brief.name for brief in briefs.values()] if list(briefs) == paths
                 else [briefs[path].name for path in paths])
    except (KeyError, AttributeError):
        return None
    parts += ["\0".join(paths), repr(names)]
    return digest("\n".join(parts).encode("utf-8", "surrogateescape"))


def load_attendance(root: Path, config: Config, key: bytes
                    ) -> dict[str, list[Interaction]] | None:
    """The attendance cached under *key*, or None."""
    index = open_index(root, config)
    if index is None:
        return None
    try:
        index.db.execute(ATTENDANCE)
        row = index.db.execute("SELECT key, body FROM attendance WHERE id = 1").fetchone()
        if row is None or row[0] != key or not isinstance(row[1], bytes) \
                or row[1][:8] != digest(row[1][8:]):
            return None
        return {cid: [_interaction(item) for item in items]
                for cid, items in marshal.loads(row[1][8:]).items()}
    except Exception:  # noqa: BLE001 - damaged: derived again
        return None
    finally:
        index.close()


def keep_attendance(root: Path, config: Config, key: bytes,
                    found: dict[str, list[Interaction]]) -> None:
    """Remember the attendance for *key* (one row: only the latest is of use)."""
    index = open_index(root, config)
    if index is None:
        return
    body = marshal.dumps({cid: [_plain_interaction(i) for i in items]
                          for cid, items in found.items()})

    def work(db: sqlite3.Connection) -> None:
        db.execute(ATTENDANCE)
        db.execute("INSERT OR REPLACE INTO attendance VALUES (1, ?, ?)",
                   (key, digest(body) + body))
    try:
        write_if_ours(index, work)
    finally:
        index.close()


def _plain_interaction(i: Interaction) -> tuple:
    return (i.date.toordinal(), i.time.hour * 60 + i.time.minute if i.time else None, i.kind,
            i.klass, i.title, i.expect.toordinal() if i.expect else None, i.line, i.index,
            i.notes, i.origin)


def _interaction(item: tuple) -> Interaction:
    day, minutes, kind, klass, title, expect, line, index, notes, origin = item
    return Interaction(dt.date.fromordinal(day),
                       dt.time(minutes // 60, minutes % 60) if minutes is not None else None,
                       kind, klass, title, dt.date.fromordinal(expect) if expect else None,
                       line, index, notes, origin)
