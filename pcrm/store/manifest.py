"""The index's manifest: every file's stamp and brief in one checksummed blob.

A warm ``pcrm status`` needs, of each of thousands of files, only whether it
changed (its stamp: mtime, size, ctime, inode) and its brief. Reading them as
one ``marshal`` blob with one checksum costs a few milliseconds; reading them
row by row, each decoded and checksummed, cost several times that. Records
(the full summary of a file) stay in the ``files`` table and are fetched by
path only for the files a command actually opens (:class:`LazyFiles`).

The manifest mirrors the ``files`` table: it is changed in the same write
transaction as the rows (:func:`update`), from the manifest as committed, so a
run never writes back another run's older view. A manifest that is missing or
does not check is rebuilt from the rows.
"""
from __future__ import annotations

import marshal
import sqlite3
from binascii import crc32
from collections.abc import MutableMapping
from typing import Callable, Iterable, Iterator

from pcrm.core.model import ParsedFile
from pcrm.store.parsing import decode_record

try:  # the hash alone: hashlib's import loads OpenSSL (3 ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has _blake2
    from hashlib import blake2b

TABLES = ("CREATE TABLE IF NOT EXISTS manifest (id INTEGER PRIMARY KEY, body BLOB, sum BLOB)",
          "CREATE TABLE IF NOT EXISTS manifest_delta (path TEXT PRIMARY KEY, entry BLOB, sum BLOB)")

Stamp = tuple[int, int, int, int]  # mtime_ns, size, ctime_ns, inode
Entries = dict[str, tuple]  # path -> (mtime_ns, size, ctime_ns, inode, plain brief)


def digest(data: bytes) -> bytes:
    """8 bytes of BLAKE2b: a bit flipped on disk must never reach the user's screen."""
    return blake2b(data, digest_size=8).digest()


def _check(body: bytes) -> bytes:
    """The manifest's checksum: CRC-32 catches every flipped bit and every burst of up
    to 32, at a tenth of BLAKE2b's cost on the 2 MB of a 10,000-contact manifest."""
    return b"crc32:" + crc32(body).to_bytes(4, "big")


def read(db: sqlite3.Connection) -> Entries | None:
    """The manifest with its recent changes applied, or None if it is missing or
    damaged (then :func:`rebuild`)."""
    try:
        row = db.execute("SELECT body, sum FROM manifest WHERE id = 1").fetchone()
        delta = db.execute("SELECT path, entry, sum FROM manifest_delta").fetchall()
    except sqlite3.DatabaseError:
        return None
    if row is None or not isinstance(row[0], bytes) or row[1] != _check(row[0]):
        return None
    try:
        entries = marshal.loads(row[0])
        if not isinstance(entries, dict):
            return None
        for path, entry, check in delta:
            if not isinstance(entry, bytes) or check != _check(entry):
                return None
            value = marshal.loads(entry)
            if value is None:
                entries.pop(path, None)
            else:
                entries[path] = value
    except (ValueError, EOFError, TypeError):
        return None
    return entries


def rebuild(db: sqlite3.Connection, brief_ok: Callable[[str, bytes, bytes], bool]) -> Entries:
    """The manifest from the ``files`` rows (a row whose brief does not check is left
    out: its file is parsed again)."""
    entries: Entries = {}
    for path, mtime, size, ctime, ino, brief, sums in db.execute(
            "SELECT path, mtime_ns, size, ctime_ns, ino, brief, sums FROM files"):
        if not (isinstance(brief, bytes) and isinstance(sums, bytes) and brief_ok(path, brief, sums)):
            continue
        try:
            entries[path] = (mtime, size, ctime, ino, marshal.loads(brief))
        except (ValueError, EOFError, TypeError):
            continue
    return entries


DELTA_LIMIT = 512  # changed entries kept beside the manifest before it is written whole


def update(db: sqlite3.Connection, changed: dict[str, tuple], removed: Iterable[str],
           brief_ok: Callable[[str, bytes, bytes], bool]) -> None:
    """Inside the write transaction: apply row changes to the committed manifest.

    A few changes (an edit, a ``pcrm log``) are written as rows of their own
    (``manifest_delta``, read with the manifest), so that one edit does not
    rewrite the whole blob (2 MB on 10,000 contacts); past :data:`DELTA_LIMIT`
    of them, the manifest is written whole again.
    """
    removed = list(removed)
    pending = db.execute("SELECT count(*) FROM manifest_delta").fetchone()[0]
    # A manifest still empty (a first run) is written whole, never as changes.
    size = db.execute("SELECT length(body) FROM manifest WHERE id = 1").fetchone()
    filled = size is not None and (size[0] or 0) > len(marshal.dumps({}))
    if filled and pending + len(changed) + len(removed) <= DELTA_LIMIT:
        rows = [(path, marshal.dumps(None)) for path in removed]
        rows += [(path, marshal.dumps(entry)) for path, entry in changed.items()]
        db.executemany("INSERT OR REPLACE INTO manifest_delta VALUES (?, ?, ?)",
                       [(path, entry, _check(entry)) for path, entry in rows])
        return
    entries = read(db)
    if entries is None:
        entries = rebuild(db, brief_ok)  # the rows already hold this run's changes
    else:
        for path in removed:
            entries.pop(path, None)
        entries.update(changed)
    body = marshal.dumps(entries)
    db.execute("INSERT OR REPLACE INTO manifest VALUES (1, ?, ?)", (body, _check(body)))
    db.execute("DELETE FROM manifest_delta")


class LazyFiles(MutableMapping):
    """Parsed files by path, each decoded on first access.

    A file's record is taken from *records* when this run holds it (parsed
    now, or given by the event-note cache), else fetched from the index by
    *fetch* (``{path: record or None}`` for the paths asked; None: not usable,
    then *reparse* reads the file again).
    """

    def __init__(self, order: list[str], records: dict[str, bytes],
                 parsed: dict[str, ParsedFile],
                 fetch: Callable[[list[str]], dict[str, bytes | None]],
                 reparse: Callable[[str], ParsedFile]) -> None:
        self._order = order
        self._known = set(order)
        self._records = records
        self._parsed = parsed
        self._fetch = fetch
        self._reparse = reparse
        self.unindexed: list[str] = []  # files read now but not in the search index

    def _decode(self, path: str, record: bytes | None) -> ParsedFile:
        if record is not None:
            try:
                return decode_record(path, record)
            except Exception:  # noqa: BLE001 - a record that does not decode: parse again
                pass
        return self._reparse(path)

    def __getitem__(self, path: str) -> ParsedFile:
        found = self._parsed.get(path)
        if found is None:
            if path not in self._known:
                raise KeyError(path)
            record = self._records.pop(path, None)
            if record is None:
                record = self._fetch([path]).get(path)
            found = self._parsed[path] = self._decode(path, record)
        return found

    def load_all(self) -> None:
        """Decode every file not decoded yet, fetching their records in one query."""
        self.preload(self._order)

    def preload(self, paths: list[str]) -> None:
        """Decode *paths* (known ones, not decoded yet), fetching their records at once."""
        todo = [p for p in paths if p not in self._parsed and p in self._known]
        missing = [p for p in todo if p not in self._records]
        fetched = self._fetch(missing) if missing else {}
        for path in todo:
            record = self._records.pop(path, None) or fetched.get(path)
            self._parsed[path] = self._decode(path, record)

    def plain_records(self, paths: list[str]) -> dict[str, tuple]:
        """The records of *paths* not decoded yet, as plain tuples (a
        :class:`~pcrm.core.records.FileRecord`), fetched in one query and left
        undecoded: for a command that reads one part of thousands of records
        (``pcrm report``: the logs). A path left out is to be read as ``self[path]``."""
        missing = [p for p in paths if p not in self._parsed and p not in self._records]
        fetched = self._fetch(missing) if missing else {}
        found: dict[str, tuple] = {}
        for path in paths:
            blob = None if path in self._parsed else self._records.get(path) or fetched.get(path)
            if blob is not None:
                try:
                    found[path] = marshal.loads(blob)
                except (ValueError, EOFError, TypeError):
                    pass
        return found

    def values(self):  # type: ignore[override]
        self.load_all()
        return [self._parsed[path] for path in self._order]

    def items(self):  # type: ignore[override]
        self.load_all()
        return [(path, self._parsed[path]) for path in self._order]

    def __setitem__(self, path: str, value: ParsedFile) -> None:
        if path not in self._known:
            self._order.append(path)
            self._known.add(path)
        self._records.pop(path, None)
        self._parsed[path] = value

    def put_record(self, path: str, record: bytes) -> None:
        """Replace *path*'s entry by an encoded record, decoded on first access."""
        if path not in self._known:
            self._order.append(path)
            self._known.add(path)
        self._parsed.pop(path, None)
        self._records[path] = record

    def __delitem__(self, path: str) -> None:
        if path not in self._known:
            raise KeyError(path)
        self._order.remove(path)
        self._known.discard(path)
        self._parsed.pop(path, None)
        self._records.pop(path, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, path: object) -> bool:
        return path in self._known
