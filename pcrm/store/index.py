"""The index: a SQLite cache of parsed files, so that commands stay instant.

Each vault file is stored as a compact record (its problems, its contact's
summary with follow-ups precomputed without "today", or its company), keyed by
path and ``(mtime_ns, size)``; staged content is keyed by blob id. A full-text
table (FTS5) holds names, companies, roles, tags and notes for ``pcrm search``.

Rules the cache keeps:
- Files are the truth. The index lives outside tracked files (``.git/pcrm/``,
  see :func:`pcrm.store.paths.state_dir`) and is rebuilt from them at will.
- It is invalidated as a whole when the schema, pcrm's code (the modules that
  make records, by size and mtime) or the config's fingerprint changes; a run
  never writes into an index another run rebuilt for another config.
- A corrupt or foreign cache file is deleted and rebuilt, never trusted; when it
  cannot be written (read-only disk, locked by another run) pcrm just parses.
  A database another run holds is never deleted: a rebuild waits half a
  second for it, then this run goes without the index.
- Every row carries checksums of its records: a record damaged on disk (a
  flipped bit) is parsed again from its file, never shown.
- Search rows are found by rowid (``fts_keys``), so re-indexing N changed
  files costs N lookups, not N scans of the table.
- The database itself (schema, opening, rebuilding) is :mod:`pcrm.store.database`;
  the stamps and briefs of every file, :mod:`pcrm.store.manifest`.
- Concurrent runs are safe: SQLite's WAL journal, short write transactions, and
  a busy timeout. A file modified in the last two seconds is parsed but not
  cached, so an edit within the same clock tick is never missed.
"""
from __future__ import annotations

import marshal
import os
import sqlite3
import time
from pathlib import Path
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple

from pcrm.core.config import Config
from pcrm.core.model import ParsedFile
from pcrm.core.facts import Facts, facts_from_plain, facts_of
from pcrm.core.records import Brief, brief_of
from pcrm.store import manifest
from pcrm.store.database import (DB_NAME, SCHEMA, Index, Transaction, discard, fingerprint,
                                 open_index, write_if_ours)
from pcrm.store.files import read_file
from pcrm.store.checks import digest
from pcrm.store.lazyfiles import LazyFiles
from pcrm.store.manifest import Stamp
from pcrm.store.parsing import Batch, brief_sum, first_numbered, parse_many
from pcrm.store.walk import RACY_SECONDS

__all__ = ["DB_NAME", "SCHEMA", "Index", "cached_parse", "discard", "fingerprint",
           "open_index", "write_if_ours"]  # the database's names, where callers look for them


def _brief_ok(path: str, brief: bytes, sums: bytes) -> bool:
    return len(sums) == 24 and brief_sum(path, brief) == sums[:8]


def _stamp(info: os.stat_result) -> Stamp:
    # Keyed like git's index: an edit that keeps the size and puts the mtime back is seen.
    return (info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino)


class _Known(NamedTuple):
    """What the index holds: every file's stamp and brief, and with facts, their rows."""

    entries: manifest.Entries
    facts: dict[str, tuple] | None  # path -> (mtime_ns, size, ctime_ns, ino, facts, sums)
    stale: bool  # the manifest was rebuilt from the rows: write it back


def _read_known(index: Index, with_facts: bool) -> _Known | None:
    """The manifest (rebuilt from the rows if needed) and, *with_facts*, the facts
    rows; None if the database cannot be read."""
    try:
        entries = manifest.read(index.db)
        stale = entries is None
        if entries is None:
            entries = manifest.rebuild(index.db, _brief_ok)
        facts = None
        if with_facts:
            facts = {row[0]: row[1:] for row in index.db.execute(
                "SELECT path, mtime_ns, size, ctime_ns, ino, facts, sums FROM files")}
        return _Known(entries, facts, stale)
    except sqlite3.DatabaseError:
        return None


def _fetcher(index: Index | None, stamps: dict[str, tuple]
             ) -> Callable[[list[str]], dict[str, bytes | None]]:
    """Fetch records by path from *index*: only a row of the same stamp as the brief
    this run took, whose checksum holds (else the file is parsed again)."""

    def fetch(paths: list[str]) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        if index is None:
            return found
        query = "SELECT path, mtime_ns, size, ctime_ns, ino, record, sums FROM files"
        try:
            if len(paths) > 2000:  # one pass over the table beats many lookups
                rows: Iterable[tuple] = index.db.execute(query)
            else:
                chunks = [paths[start:start + 500] for start in range(0, len(paths), 500)]
                rows = [row for chunk in chunks for row in index.db.execute(
                    f"{query} WHERE path IN ({','.join('?' * len(chunk))})", chunk)]
            wanted = set(paths)
            for path, *stamp, record, sums in rows:
                taken = stamps.get(path)
                if (path in wanted and taken is not None and taken[:4] == tuple(stamp)
                        and isinstance(record, bytes) and isinstance(sums, bytes)
                        and len(sums) == 24 and digest(record) == sums[8:16]):
                    found[path] = record
        except sqlite3.DatabaseError:
            pass
        return found
    return fetch


@dataclass
class _Reading:
    """What :func:`cached_parse` gathers, file by file, in the order found."""

    with_facts: bool
    order: list[str] = field(default_factory=list)
    records: dict[str, bytes] = field(default_factory=dict)  # encoded, decoded on use
    parsed: dict[str, ParsedFile] = field(default_factory=dict)  # parsed in this process
    briefs: dict[str, Brief] = field(default_factory=dict)
    facts: dict[str, Facts] = field(default_factory=dict)
    stamps: dict[str, tuple] = field(default_factory=dict)  # manifest entries of briefs taken
    todo: list[tuple[str, str]] = field(default_factory=list)  # (path, absolute) to parse
    stats: dict[str, os.stat_result] = field(default_factory=dict)

    def take(self, path: str, brief: bytes, record: bytes, facts: bytes | None) -> tuple:
        """Take a file's encoded records (parsed by this run or its helper process);
        its brief as a plain tuple (what the manifest holds)."""
        plain = marshal.loads(brief)
        self.briefs[path] = Brief._make(plain)
        if self.with_facts:
            self.facts[path] = facts_from_plain(marshal.loads(facts))  # type: ignore[arg-type]
        if path not in self.parsed:
            self.records[path] = record
        return plain

    def written(self, path: str, entry: tuple) -> None:
        """A file's row is in the index (*entry*: its manifest entry): its record is
        fetched from there if needed."""
        self.records.pop(path, None)
        self.stamps[path] = entry

    def take_known(self, path: str, entry: tuple, facts: tuple | None) -> bool:
        """Take an unchanged file's brief (and facts) from the index; False if unusable."""
        try:
            brief = Brief._make(entry[4])
            if self.with_facts:
                if facts is None or facts[:4] != entry[:4] or not isinstance(facts[4], bytes) \
                        or not isinstance(facts[5], bytes) or digest(facts[4]) != facts[5][16:]:
                    return False
                self.facts[path] = facts_from_plain(marshal.loads(facts[4]))
        except Exception:  # noqa: BLE001 - a record that does not decode: parse again
            return False
        self.briefs[path] = brief
        self.stamps[path] = entry
        return True


def _take_unchanged(reading: _Reading, found: list[tuple[str, str, os.stat_result | None]],
                    known: _Known, config: Config) -> None:
    """Files the index holds unchanged are taken from it; the others are to parse."""
    entries, facts = known.entries, known.facts
    order, briefs, stamps, make = reading.order, reading.briefs, reading.stamps, Brief._make
    for path, absolute, info in found:
        order.append(path)
        if info is None:  # reading it says why it cannot be read
            reading.parsed[path] = read_file(path, absolute, config)
            briefs[path] = brief_of(reading.parsed[path])
            if reading.with_facts:
                reading.facts[path] = facts_of(reading.parsed[path])
            continue
        entry = entries.get(path)
        if entry is not None and entry[0] == info.st_mtime_ns and entry[1] == info.st_size \
                and entry[2] == info.st_ctime_ns and entry[3] == info.st_ino:
            if facts is None:  # the hot path of every warm run: no call but the brief's
                try:
                    briefs[path] = make(entry[4])
                    stamps[path] = entry  # its stamp is entry[:4]
                    continue
                except (TypeError, ValueError, IndexError):  # damaged: parse again
                    pass
            elif reading.take_known(path, entry, facts.get(path)):
                continue
        reading.todo.append((path, absolute))
        reading.stats[path] = info
        # Its place, filled once parsed (batches come in any order): the briefs and
        # facts keep the order the files were found in, run after run.
        briefs[path] = None  # type: ignore[assignment]
        if reading.with_facts:
            reading.facts[path] = None  # type: ignore[assignment]


def _take_parsed(reading: _Reading, config: Config, known: manifest.Entries,
                 index: Index | None) -> list[str]:
    """Parse the files to parse; with *index*, their rows are written to it while
    parsing goes on (see :class:`_Writer`). Returns the paths whose older row is
    to be dropped: files changed a moment ago, which are not cached."""
    dropped: list[str] = []
    todo, stats = reading.todo, reading.stats
    writer = _Writer(index, len(todo)) if index is not None else None

    def take(batch: Batch) -> None:
        racy = (time.time() - RACY_SECONDS) * 1e9
        rows, entries, search = [], [], []
        for position, item in batch:
            path = todo[position][0]
            brief = reading.take(path, item.brief, item.record, item.facts)
            # A file changed within the clock's reach of now is not cached (it
            # may change again with the same mtime) and has no search row
            # (search scans it): only an older row of it is dropped, once.
            info = stats[path]
            if max(info.st_mtime_ns, info.st_ctime_ns) < racy:
                stamp = _stamp(info)
                rows.append((path, *stamp, item.brief, item.record, item.facts, item.sums))
                entries.append((path, (*stamp, brief)))
                if item.fts is not None:
                    search.append((position, item.fts))
            elif path in known:
                dropped.append(path)
        if writer is not None and rows and writer.write(rows, entries, search):
            for path, entry in entries:  # written: let the record go
                reading.written(path, entry)

    try:
        parse_many(todo, config, take)
        if writer is not None:
            writer.finish()
    finally:
        if writer is not None:
            writer.transaction.close()
    return dropped


class _Writer:
    """The rows of the files parsed, written batch by batch in one transaction,
    and the manifest last: at every commit it mirrors the rows.

    Search rows are numbered by the files' positions (see
    :func:`~pcrm.store.parsing.first_numbered`), not by which process parsed
    them first: the index is the same from run to run."""

    def __init__(self, index: Index, count: int) -> None:
        self.transaction = Transaction(index)
        self.count = count
        self.first = first_numbered(count)
        self.entries: manifest.Entries = {}  # the manifest entries of the rows written
        self.begun = False
        self.search = False  # the index has a search table
        self.fresh = False  # and it was empty: no older search row to delete
        self.top = 0  # its highest rowid before this run

    def write(self, rows: list[tuple], entries: list[tuple[str, tuple]],
              search: list[tuple[int, tuple]]) -> bool:
        """Write *rows* (with their manifest *entries*, and their search rows by
        position); False if not written."""
        return self.transaction.run(lambda db: self._write(db, rows, entries, search))

    def _write(self, db: sqlite3.Connection, rows: list[tuple], entries: list[tuple[str, tuple]],
               search: list[tuple[int, tuple]]) -> None:
        if not self.begun:
            self.begun = True
            if db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None:
                # No rows: an empty manifest is the true one, so that the update
                # at the end does not rebuild it from the rows about to be written.
                manifest.update(db, {}, [], _brief_ok)
            self.search = _has_fts(db)
            if self.search:
                self.fresh = db.execute("SELECT 1 FROM fts_keys LIMIT 1").fetchone() is None
                self.top = db.execute("SELECT max(id) FROM fts_keys").fetchone()[0] or 0
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if self.search:
            if not self.fresh:
                _drop_search_rows(db, [row[0] for row in rows])
            _add_search_rows(db, [fts for _position, fts in search],
                             [self.top + (position - self.first) % self.count + 1
                              for position, _fts in search])
        self.entries.update(entries)

    def finish(self) -> None:
        """The manifest of the rows written, then commit."""
        if self.entries and self.transaction.run(
                lambda db: manifest.update(db, self.entries, [], _brief_ok)):
            self.transaction.commit()


def _open_known(root: Path, config: Config, with_facts: bool
                ) -> tuple[Index | None, _Known]:
    """The index and what it holds; a damaged database is deleted and rebuilt once."""
    empty = _Known({}, {} if with_facts else None, False)
    index = open_index(root, config)
    if index is None:
        return None, empty
    known = _read_known(index, with_facts)
    if known is None:  # the database is damaged: rebuilt from the files
        index.close()
        if index.file is not None:
            discard(index.file)
        index = open_index(root, config)
        known = _read_known(index, with_facts) if index is not None else None
        if known is None:
            if index is not None:
                index.close()
            return None, empty
    return index, known


def cached_parse(root: Path, config: Config,
                 found: list[tuple[str, str, os.stat_result | None]], *,
                 with_facts: bool = False
                 ) -> tuple[LazyFiles, dict[str, Brief], dict[str, Facts] | None]:
    """Parse *found* files, taking unchanged ones from the index and updating it.

    Returns the files (decoded on first access, records fetched from the index
    then), each file's :class:`Brief` and, *with_facts*, each file's
    :class:`Facts` (what ``pcrm check`` needs).
    """
    index, known = _open_known(root, config, with_facts)
    reading = _Reading(with_facts)
    _take_unchanged(reading, found, known, config)
    dropped = _take_parsed(reading, config, known.entries, index) if reading.todo else []
    if index is not None:
        gone = dropped + [path for path in known.entries if path not in reading.briefs]
        if gone or known.stale:
            _drop(index, gone, whole=known.stale)
    absolute = {path: where for path, where, _info in found}
    files = LazyFiles(reading.order, reading.records, reading.parsed,
                      _fetcher(index, reading.stamps),
                      lambda path: read_file(path, absolute[path], config))
    return files, reading.briefs, reading.facts if with_facts else None


def _drop(index: Index, gone: list[str], *, whole: bool = False) -> None:
    """Drop the rows of *gone* paths (removed files, files changed a moment ago) and
    their search rows; with *whole*, the manifest is written whole (it did not check)."""

    def work(db: sqlite3.Connection) -> None:
        db.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in gone])
        if _has_fts(db):
            _drop_search_rows(db, gone)
        manifest.update(db, {}, gone, _brief_ok, whole=whole)
    write_if_ours(index, work)


def _drop_search_rows(db: sqlite3.Connection, gone: list[str]) -> None:
    """Drop the search rows of *gone* paths by rowid, so each costs a lookup, not a
    scan of the whole table (linear, not quadratic)."""
    if gone and db.execute("SELECT 1 FROM fts_keys LIMIT 1").fetchone() is not None:
        db.executemany("DELETE FROM fts WHERE rowid IN "
                       "(SELECT id FROM fts_keys WHERE path = ?)", ((path,) for path in gone))
        db.executemany("DELETE FROM fts_keys WHERE path = ?", ((path,) for path in gone))


def _add_search_rows(db: sqlite3.Connection, rows: list[tuple], ids: list[int]) -> None:
    """Add search *rows* under rowids *ids*."""
    db.executemany("INSERT INTO fts_keys (id, path) VALUES (?, ?)",
                   ((number, row[0]) for number, row in zip(ids, rows)))
    db.executemany("INSERT INTO fts (rowid, path, name, company, role, tags, notes) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ((number, *row) for number, row in zip(ids, rows)))


def _has_fts(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchone() is not None
