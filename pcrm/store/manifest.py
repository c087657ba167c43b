"""The index's manifest: every file's stamp and brief in one checksummed blob.

A warm ``pcrm status`` needs, of each of thousands of files, only whether it
changed (its stamp: mtime, size, ctime, inode) and its brief. Reading them as
one ``marshal`` blob with one checksum costs a few milliseconds; reading them
row by row, each decoded and checksummed, cost several times that. Records
(the full summary of a file) stay in the ``files`` table and are fetched by
path only for the files a command actually opens
(:class:`pcrm.store.lazyfiles.LazyFiles`).

The manifest mirrors the ``files`` table: it is changed in the same write
transaction as the rows (:func:`update`), from the manifest as committed, so a
run never writes back another run's older view. A manifest that is missing or
does not check is rebuilt from the rows.
"""
from __future__ import annotations

import marshal
import sqlite3
from binascii import crc32
from typing import Callable, Iterable

TABLES = ("CREATE TABLE IF NOT EXISTS manifest (id INTEGER PRIMARY KEY, body BLOB, sum BLOB)",
          "CREATE TABLE IF NOT EXISTS manifest_delta (path TEXT PRIMARY KEY, entry BLOB, sum BLOB)")

Stamp = tuple[int, int, int, int]  # mtime_ns, size, ctime_ns, inode
Entries = dict[str, tuple]  # path -> (mtime_ns, size, ctime_ns, inode, plain brief)


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
           brief_ok: Callable[[str, bytes, bytes], bool], *, whole: bool = False) -> None:
    """Inside the write transaction: apply row changes to the committed manifest.

    A few changes (an edit, a ``pcrm log``) are written as rows of their own
    (``manifest_delta``, read with the manifest), so that one edit does not
    rewrite the whole blob (2 MB on 10,000 contacts); past :data:`DELTA_LIMIT`
    of them, or *whole* (the committed manifest did not check: it is rebuilt
    from the rows), the manifest is written whole again.
    """
    removed = list(removed)
    pending = db.execute("SELECT count(*) FROM manifest_delta").fetchone()[0]
    # A manifest still empty (a first run) is written whole, never as changes.
    size = db.execute("SELECT length(body) FROM manifest WHERE id = 1").fetchone()
    filled = size is not None and (size[0] or 0) > len(marshal.dumps({}))
    if not whole and filled and pending + len(changed) + len(removed) <= DELTA_LIMIT:
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
