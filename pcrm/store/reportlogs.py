"""Every contact's log as ``pcrm report`` reads it, kept in the index beside the records.

The report reads each contact's whole log (date, minutes, kind and class of
each entry), which the index holds inside each file's full record: decoding
10,000 records to read one part of each was most of a warm report. This table
keeps the logs alone, each with the checksum of the record it was read from:

- a log is used only while its record is the index's current one (the file
  changed, or the index was rebuilt for another config or version of pcrm:
  another record, another checksum), so it needs no invalidation of its own;
- a log carries its own checksum too: one damaged on disk is read again from
  its record, never shown;
- logs missing or stale are read from the records (checked as the index checks
  them) and written back in one transaction, as the index's other caches are;
  rows of files the index no longer holds are dropped then.

A row another run wrote meanwhile is a newer version of the file: the report
reads it as a fetch of that file's record would.
"""
from __future__ import annotations

import marshal
import sqlite3
from pathlib import Path
from typing import Iterable

from pcrm.core.config import Config
from pcrm.core.records import FileRecord, SummaryRecord
from pcrm.store.checks import digest
from pcrm.store.database import open_index, write_if_ours

TABLE = ("CREATE TABLE IF NOT EXISTS report_logs (path TEXT PRIMARY KEY, source BLOB, "
         "log BLOB, sum BLOB)")
_SUMMARY = FileRecord._fields.index("summary")
_LOG = SummaryRecord._fields.index("log")
# The record's checksum is the second 8 bytes of a row's sums (pcrm.store.index.checksums).
_SOURCE = "substr(f.sums, 9, 8)"
_QUERY = (f"SELECT f.path, {_SOURCE}, l.log, l.sum, "
          f"CASE WHEN l.source = {_SOURCE} THEN NULL ELSE f.record END "
          "FROM files f LEFT JOIN report_logs l ON l.path = f.path")
_RECORDS = f"SELECT f.path, {_SOURCE}, NULL, NULL, f.record FROM files f"


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
    found: dict[str, tuple] = {}
    fresh: list[tuple[str, bytes, bytes, bytes]] = []
    try:
        db = index.db
        db.execute(TABLE)
        db.execute("BEGIN")  # one read: each log and the record it was checked against agree
        damaged = _take(_rows(db, _QUERY, paths, "f.path"), paths, found, fresh)
        if damaged:  # rare: a log row that fails its checksum is read from its record
            _take(_rows(db, _RECORDS, damaged, "f.path"), damaged, found, fresh)
        db.execute("COMMIT")
        if fresh:
            write_if_ours(index, lambda db: _keep(db, fresh))
    except sqlite3.Error:
        return found
    finally:
        index.close()
    return found


def _rows(db: sqlite3.Connection, query: str, paths: list[str], column: str
          ) -> Iterable[tuple]:
    if len(paths) > 2000:  # one pass over the table beats many lookups
        return db.execute(query)
    rows: list[tuple] = []
    for start in range(0, len(paths), 500):
        chunk = paths[start:start + 500]
        rows += db.execute(f"{query} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)
    return rows


def _take(rows: Iterable[tuple], paths: list[str], found: dict[str, tuple],
          fresh: list[tuple[str, bytes, bytes, bytes]]) -> list[str]:
    """Add the usable logs of *rows* to *found* and the ones read from records to
    *fresh*; the paths whose log row is damaged."""
    wanted = set(paths)
    damaged = []
    loads = marshal.loads
    for path, source, log, check, record in rows:
        if path not in wanted:
            continue
        if record is None:  # the log row was read from this very record
            if isinstance(log, bytes) and check == digest(log):
                try:
                    found[path] = loads(log)
                    continue
                except (ValueError, EOFError, TypeError):
                    pass
            damaged.append(path)
        elif isinstance(record, bytes) and isinstance(source, bytes) \
                and source == digest(record):
            try:
                entries = loads(record)[_SUMMARY][_LOG]
            except (ValueError, EOFError, TypeError, IndexError):
                continue  # not a contact's record, or damaged: read from its file
            blob = marshal.dumps(entries)
            found[path] = entries
            fresh.append((path, source, blob, digest(blob)))
    return damaged


def _keep(db: sqlite3.Connection, fresh: list[tuple[str, bytes, bytes, bytes]]) -> None:
    db.executemany("INSERT OR REPLACE INTO report_logs VALUES (?, ?, ?, ?)", fresh)
    db.execute("DELETE FROM report_logs WHERE path NOT IN (SELECT path FROM files)")
