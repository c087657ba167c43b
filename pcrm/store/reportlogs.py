"""Every contact's log as ``pcrm report`` reads it, kept in the index beside the records.

The report reads each contact's whole log (date, minutes, kind and class of
each entry), which the index holds inside each file's full record: decoding
10,000 records to read one part of each was most of a warm report. The index
keeps the logs alone, all in one row (the kinds and classes they repeat are
stored once), each with the checksum of the record it was read from:

- a log is used only while its record is the index's current one (the file
  changed, or the index was rebuilt for another config or version of pcrm:
  another record, another checksum), so it needs no invalidation of its own;
- the row carries its own checksum: damaged on disk, every log is read again
  from its record, never shown;
- logs missing or stale are read from the records (checked as the index checks
  them) and the row written again in one transaction, as the index's other
  caches are; logs of files the index no longer holds are dropped then.
"""
from __future__ import annotations

import marshal
import sqlite3
from pathlib import Path
from typing import Iterable

from pcrm.core.config import Config
from pcrm.core.records import log_of
from pcrm.store.checks import digest
from pcrm.store.database import open_index, write_if_ours

TABLE = "CREATE TABLE IF NOT EXISTS report_log_set (id INTEGER PRIMARY KEY, body BLOB, sum BLOB)"
# The record's checksum is the second 8 bytes of a row's sums (pcrm.store.parsing.checksums).
_SOURCES = "SELECT path, substr(sums, 9, 8) FROM files"
_RECORDS = "SELECT path, substr(sums, 9, 8), record FROM files"


def read_logs(root: Path, config: Config, paths: list[str]) -> dict[str, tuple]:
    """The logs of the contact files *paths* as the index holds them: ``{path: log}``,
    each a tuple of :class:`~pcrm.core.records.LoggedRecord` as plain tuples, in time
    order. A path left out (no row, no index, a damaged row) is to be read from its file.
    """
    if not paths:
        return {}
    index = open_index(root, config)
    if index is None:
        return {}
    try:
        db = index.db
        db.execute(TABLE)
        db.execute("BEGIN")  # one read: the logs and the records they were read from agree
        sources = dict(db.execute(_SOURCES))
        kept = _kept(db.execute(
            "SELECT CAST(body AS BLOB), CAST(sum AS BLOB) FROM report_log_set WHERE id = 1"
        ).fetchone())
        found: dict[str, tuple] = {}
        missing = []
        for path in paths:
            entry = kept.get(path)
            if entry is not None and entry[0] == sources.get(path):
                found[path] = entry[1]
            else:
                missing.append(path)
        fresh = _from_records(_rows(db, _RECORDS, missing), missing) if missing else {}
        db.execute("COMMIT")
        found.update((path, log) for path, (_source, log) in fresh.items())
        # Kept: every log still of its record (this run's, and those of files it holds).
        valid = kept
        if len(kept) != len(found) - len(fresh):
            valid = {path: entry for path, entry in kept.items()
                     if sources.get(path) == entry[0]}
        if fresh or len(valid) != len(kept):
            valid = {**valid, **fresh}
            body = marshal.dumps(valid)
            write_if_ours(index, lambda db: db.execute(
                "INSERT OR REPLACE INTO report_log_set VALUES (1, ?, ?)", (body, digest(body))))
        return found
    except sqlite3.Error:
        return {}
    finally:
        index.close()


def _kept(row: tuple | None) -> dict[str, tuple]:
    """The logs kept: ``{path: (the record's checksum, log)}``; nothing if damaged."""
    if row is None or not isinstance(row[0], bytes) or row[1] != digest(row[0]):
        return {}
    try:
        kept = marshal.loads(row[0])
    except (ValueError, EOFError, TypeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _rows(db: sqlite3.Connection, query: str, paths: list[str]) -> Iterable[tuple]:
    if len(paths) > 2000:  # one pass over the table beats many lookups
        return db.execute(query)
    rows: list[tuple] = []
    for start in range(0, len(paths), 500):
        chunk = paths[start:start + 500]
        rows += db.execute(f"{query} WHERE path IN ({','.join('?' * len(chunk))})", chunk)
    return rows


def _from_records(rows: Iterable[tuple], paths: list[str]) -> dict[str, tuple]:
    """``{path: (the record's checksum, log)}`` of the *paths* among *rows* whose
    record holds (its checksum) and is a contact's."""
    wanted = set(paths)
    found = {}
    for path, source, record in rows:
        if path in wanted and isinstance(record, bytes) and isinstance(source, bytes) \
                and source == digest(record):
            try:
                found[path] = (source, log_of(marshal.loads(record)))
            except (ValueError, EOFError, TypeError, IndexError):
                continue  # not a contact's record, or damaged: read from its file
    return found
