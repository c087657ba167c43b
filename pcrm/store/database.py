"""The index's database: where it lives, its schema, opening it, and when it is rebuilt.

The rows and what they hold are :mod:`pcrm.store.index`'s; this module opens
the SQLite file (creating, or rebuilding it for another schema, code or
config), deletes a broken one, and runs guarded write transactions.
"""
from __future__ import annotations

import os
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pcrm import __version__
from pcrm.core.config import Config
from pcrm.store import manifest

SCHEMA = 14
DB_NAME = "index.sqlite"


# The modules whose code decides what a record holds: a change to any of them
# (an upgrade, or an edit in a development checkout) invalidates the index.
_RECORD_MODULES = tuple(sorted(  # every core module (a new one cannot be forgotten)
    f"core/{module.name}" for module in (Path(__file__).parent.parent / "core").glob("*.py"))
) + ("store/files.py", "store/parsing.py", "store/index.py", "store/manifest.py",
     "store/database.py")


def _code_stamp() -> str:
    return _stamp_of(_RECORD_MODULES)


@lru_cache(maxsize=4)
def _stamp_of(modules: tuple[str, ...]) -> str:
    """The modules' sizes and times, once per process (the code it runs does not
    change under it): a warm run opens the index two or three times."""
    folder = Path(__file__).parent.parent
    parts = []
    for name in modules:
        try:
            info = os.stat(folder / name)
            parts.append(f"{info.st_mtime_ns}:{info.st_size}")
        except OSError:
            parts.append("-")
    return ",".join(parts)


def fingerprint(config: Config) -> str:
    """Everything the records depend on: schema, pcrm's code and the relevant config."""
    kinds = ",".join(f"{k.name}={k.klass}/{k.window}/{k.channel}/{'+'.join(k.answered_by)}/"
                     f"{k.check_in}" for k in sorted(config.kinds.values(), key=lambda k: k.name))
    tags = ",".join(f"{t}={c}" for t, c in sorted(config.cadence_tags.items()))
    days = ",".join(map(str, sorted(config.workdays)))
    holidays = ",".join(sorted(day.isoformat() for day in config.holidays))
    return (f"{SCHEMA}|{__version__}|{_code_stamp()}|{config.timezone_name}|{kinds}|"
            f"{config.nudge_after}|{config.nudge_limit}|{config.cadence_default}|{tags}|"
            f"{','.join(config.stages)}|{days}|{holidays}")


class Index:
    """An open index database (use :func:`open_index`)."""

    def __init__(self, connection: sqlite3.Connection, stamp: str,
                 file: Path | None = None) -> None:
        self.db = connection
        self.stamp = stamp
        self.file = file

    def still_ours(self) -> bool:
        """False if another run rebuilt the index for another config meanwhile."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        return row is not None and row[0] == self.stamp

    def close(self) -> None:
        self.db.close()


def _connect(file: Path, stamp: str) -> sqlite3.Connection:
    db = sqlite3.connect(str(file), timeout=5.0, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            _rebuild(db, stamp)
        return db
    except BaseException:
        db.close()
        raise


def _rebuild(db: sqlite3.Connection, stamp: str) -> None:
    """Empty tables for *stamp*. Waits half a second at most for a run holding the
    database: then it raises "database is locked" and this run goes without."""
    db.execute("PRAGMA busy_timeout = 500")
    db.execute("BEGIN IMMEDIATE")
    for table in ("files", "blobs", "fts", "fts_keys", "derived", "attendance", "manifest",
                  "manifest_delta"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    # Keyed like git's index: mtime, size, ctime and inode, so that an edit
    # that keeps the size and puts the mtime back is still seen. ``sums``
    # checks the records (see :func:`checksums`): a damaged one is parsed again.
    db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER, "
               "size INTEGER, ctime_ns INTEGER, ino INTEGER, brief BLOB, "
               "record BLOB, facts BLOB, sums BLOB)")
    for table in manifest.TABLES:
        db.execute(table)
    db.execute("CREATE TABLE blobs (sha TEXT, path TEXT, record BLOB, sums BLOB, "
               "PRIMARY KEY (sha, path))")
    try:
        # Search rows are found by rowid through fts_keys: deleting by the
        # UNINDEXED path column scanned the whole table once per changed file.
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(path UNINDEXED, name, company, "
                   "role, tags, notes, tokenize = 'unicode61 remove_diacritics 2')")
        db.execute("CREATE TABLE fts_keys (id INTEGER PRIMARY KEY, path TEXT UNIQUE)")
    except sqlite3.OperationalError:
        pass  # SQLite without FTS5: search falls back to a scan
    db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
    db.execute("COMMIT")
    db.execute("PRAGMA busy_timeout = 5000")


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def discard(file: Path) -> None:
    """Delete a broken database (and its journal): it is rebuilt from the files."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{file}{suffix}")
        except OSError:
            pass


def open_index(root: Path, config: Config) -> Index | None:
    """Open (creating or rebuilding as needed) the vault's index; None if impossible."""
    from pcrm.store.paths import private_file, private_folder, state_dir

    folder = state_dir(root)
    file = folder / DB_NAME
    stamp = fingerprint(config)
    for attempt in (1, 2):
        try:
            private_folder(folder)
            private_file(file)  # SQLite gives its -wal and -shm files the same mode
            return Index(_connect(file, stamp), stamp, file)
        except sqlite3.DatabaseError as exc:
            if attempt == 2 or _is_busy(exc):
                # Another run holds it (rebuilding it, say): never delete a
                # database in use; this run parses without the index.
                return None
            discard(file)  # corrupt or foreign: never trusted, rebuilt from the files
        except OSError:
            return None
    return None


def write_if_ours(index: Index, work: Callable[[sqlite3.Connection], None]) -> None:
    """Run *work* in one write transaction, unless another run rebuilt the index
    for another config (its rows are not ours to touch); a SQLite error (busy,
    read-only, full disk) rolls back and leaves the cache as it was."""
    transaction = Transaction(index)
    try:
        if transaction.run(work):
            transaction.commit()
    finally:
        transaction.close()


class Transaction:
    """One write transaction fed step by step (a cold run writes its files
    batch by batch while it still parses), begun at the first step.

    It is not begun if another run rebuilt the index for another config (its
    rows are not ours to touch); a SQLite error (busy, read-only, full disk)
    rolls it back and the steps after it are skipped, leaving the cache as it
    was. :meth:`close` rolls back what was not committed (an interrupt).
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.state = "new"  # then "open", and "done" or "failed"

    def run(self, work: Callable[[sqlite3.Connection], None]) -> bool:
        """Run one step; False if it was skipped or failed (then all is rolled back)."""
        if self.state not in ("new", "open"):
            return False
        db = self.index.db
        try:
            if self.state == "new":
                db.execute("BEGIN IMMEDIATE")
                self.state = "open"
                if not self.index.still_ours():
                    self._abandon()
                    return False
            work(db)
            return True
        except sqlite3.Error:
            self._abandon()
            return False

    def commit(self) -> bool:
        """Commit the steps run; False if there was nothing to commit or it failed."""
        if self.state != "open":
            return False
        try:
            self.index.db.execute("COMMIT")
        except sqlite3.Error:
            self._abandon()
            return False
        self.state = "done"
        return True

    def close(self) -> None:
        if self.state == "open":
            self._abandon()

    def _abandon(self) -> None:
        try:
            self.index.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        self.state = "failed"
