"""The index: a SQLite cache of parsed files, so that commands stay instant.

Each vault file is stored as a compact record (its problems, its contact's
summary with follow-ups precomputed without "today", or its company), keyed by
path and ``(mtime_ns, size)``; staged content is keyed by blob id. A full-text
table (FTS5) holds names, companies, roles, tags and notes for ``pcrm search``.

Rules the cache keeps:
- Files are the truth. The index lives outside tracked files (``.git/pcrm/``,
  see :func:`pcrm.app.state_dir`) and is rebuilt from them at will.
- It is invalidated as a whole when the schema, pcrm's code (the modules that
  make records, by size and mtime) or the config's fingerprint changes; a run
  never writes into an index another run rebuilt for another config.
- A corrupt or foreign cache file is deleted and rebuilt, never trusted; when it
  cannot be written (read-only disk, locked by another run) pcrm just parses.
- Concurrent runs are safe: SQLite's WAL journal, short write transactions, and
  a busy timeout. A file modified in the last two seconds is parsed but not
  cached, so an edit within the same clock tick is never missed.
"""
from __future__ import annotations

import datetime as dt
import marshal
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path
from collections.abc import MutableMapping
from typing import Any, Iterator

from pcrm import __version__
from pcrm.core.config import Config
from pcrm.core.model import (Block, Company, Contact, Diagnostic, EventNote, Interaction,
                             Logged, Mention, ParsedFile, Stage, Summary)

SCHEMA = 9
DB_NAME = "index.sqlite"
RACY_SECONDS = 2.0

_date = dt.date.fromordinal


def _ord(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def _minutes(clock: dt.time | None) -> int | None:
    return clock.hour * 60 + clock.minute if clock is not None else None


def _clock(minutes: int | None) -> dt.time | None:
    return dt.time(minutes // 60, minutes % 60) if minutes is not None else None


def _encode_interaction(source: Interaction | None) -> tuple | None:
    if source is None:
        return None
    return (source.date.toordinal(), _minutes(source.time), source.kind, source.klass,
            source.title, _ord(source.expect), source.line, source.index, source.origin)


def _decode_interaction(src: tuple) -> Interaction:
    day, minutes, kind, klass, title, expect, line, index, origin = src
    return Interaction(_date(day), _clock(minutes), kind, klass, title,
                       _date(expect) if expect is not None else None, line, index,
                       origin=origin)


def _encode_followup(item: Any) -> tuple:
    due_at = item.due_at.isoformat() if item.due_at is not None else None
    return (item.rule, item.due.toordinal(), item.reason, item.source_key, due_at,
            _encode_interaction(item.source), _ord(item.starts), _ord(item.ends))


def encode(parsed: ParsedFile) -> bytes:
    """A parsed file (contact summarized) as compact bytes."""
    diags = tuple((d.line, d.col, d.severity, d.message) for d in parsed.diagnostics)
    summary = None
    contact = parsed.contact
    if isinstance(contact, Summary):
        summary = (contact.id, contact.name, contact.company, contact.role,
                   tuple(contact.emails), contact.phone, contact.linkedin, tuple(contact.tags),
                   contact.status, _ord(contact.snooze), contact.birthday,
                   tuple(contact.key_lines.items()),
                   tuple((day.toordinal(), line) for day, line in contact.dated),
                   tuple(_encode_followup(f) for f in contact.candidates),
                   tuple((i.date.toordinal(), _minutes(i.time), i.kind, i.klass)
                         for i in contact.log),
                   _ord(contact.quiet_since),
                   tuple(_encode_interaction(m) for m in contact.meetings))
    company = None
    if parsed.company is not None:
        found = parsed.company
        company = (found.name, found.target, found.why,
                   tuple((s.date.toordinal(), s.stage, s.role, s.line, _ord(s.expect))
                         for s in found.stages))
    return marshal.dumps((diags, summary, company, _encode_event(parsed.event)))


def _encode_event(note: EventNote | None) -> tuple | None:
    if note is None:
        return None
    minutes = note.time.hour * 60 + note.time.minute if note.time else None
    return (note.title, _ord(note.date), minutes, note.kind, _ord(note.expect), note.line,
            tuple((m.ref, m.line, m.col, m.how) for m in note.mentions),
            tuple((b.line, b.text, b.refs) for b in note.blocks))


def _decode_event(path: str, data: tuple | None) -> EventNote | None:
    if data is None:
        return None
    title, day, minutes, kind, expect, line, mentions, blocks = data
    return EventNote(path, title, _date(day) if day is not None else None,
                     dt.time(minutes // 60, minutes % 60) if minutes is not None else None,
                     kind, _date(expect) if expect is not None else None, line,
                     [Mention(*m) for m in mentions],
                     [Block(b_line, text, tuple(refs)) for b_line, text, refs in blocks])


def decode(path: str, blob: bytes) -> ParsedFile:
    """The inverse of :func:`encode`."""
    from pcrm.core.rules import FollowUp

    diags, summary, company, event = marshal.loads(blob)
    parsed = ParsedFile(path, diagnostics=[Diagnostic(path, *d) for d in diags],
                        event=_decode_event(path, event))
    if summary is not None:
        (cid, name, comp, role, emails, phone, linkedin, tags, status, snooze, birthday,
         key_lines, dated, cands, log, quiet, booked) = summary

        def follow_ups() -> list[FollowUp]:  # built on first use: `list` never needs them
            return [FollowUp(cid, name, comp, path, rule, _date(due), reason,
                             _decode_interaction(src) if src is not None else None, key,
                             dt.datetime.fromisoformat(due_at) if due_at else None,
                             starts=_date(starts) if starts is not None else None,
                             ends=_date(ends) if ends is not None else None)
                    for rule, due, reason, key, due_at, src, starts, ends in cands]

        def meetings() -> list[Interaction]:
            return [_decode_interaction(m) for m in booked]

        parsed.contact = Summary(
            cid, path, name, comp, role, list(emails), phone, linkedin, list(tags), status,
            _date(snooze) if snooze is not None else None,
            tuple(birthday) if birthday is not None else None,  # type: ignore[arg-type]
            dict(key_lines), [(_date(day), line) for day, line in dated], follow_ups,
            [Logged(_date(day), _clock(minutes), kind, klass)
             for day, minutes, kind, klass in log],
            _date(quiet) if quiet is not None else None, meetings)
    if company is not None:
        name, target, why, stages = company
        parsed.company = Company(path, name, target, why=why, stages=[
            Stage(_date(day), stage, role, line, _date(expect) if expect is not None else None)
            for day, stage, role, line, expect in stages])
    return parsed


# The modules whose code decides what a record holds: a change to any of them
# (an upgrade, or an edit in a development checkout) invalidates the index.
_RECORD_MODULES = ("core/parse.py", "core/companyfile.py", "core/events.py", "core/rules.py",
                   "core/model.py", "core/timeutil.py", "core/kinds.py", "core/upcoming.py",
                   "core/yamlload.py", "core/validate.py", "core/config.py", "store/vault.py",
                   "store/index.py")


def _code_stamp() -> str:
    folder = Path(__file__).parent.parent
    parts = []
    for name in _RECORD_MODULES:
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

    def __init__(self, connection: sqlite3.Connection, stamp: str) -> None:
        self.db = connection
        self.stamp = stamp

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
            db.execute("BEGIN IMMEDIATE")
            for table in ("files", "blobs", "fts"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            # Keyed like git's index: mtime, size, ctime and inode, so that an
            # edit that keeps the size and puts the mtime back is still seen.
            db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER, "
                       "size INTEGER, ctime_ns INTEGER, ino INTEGER, brief BLOB, "
                       "record BLOB, facts BLOB)")
            db.execute("CREATE TABLE blobs (sha TEXT, path TEXT, record BLOB, "
                       "PRIMARY KEY (sha, path))")
            try:
                db.execute("CREATE VIRTUAL TABLE fts USING fts5(path UNINDEXED, name, company, "
                           "role, tags, notes, tokenize = 'unicode61 remove_diacritics 2')")
            except sqlite3.OperationalError:
                pass  # SQLite without FTS5: search falls back to a scan
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
            db.execute("COMMIT")
        return db
    except BaseException:
        db.close()
        raise


def open_index(root: Path, config: Config) -> Index | None:
    """Open (creating or rebuilding as needed) the vault's index; None if impossible."""
    from pcrm.store.paths import state_dir

    folder = state_dir(root)
    file = folder / DB_NAME
    stamp = fingerprint(config)
    for attempt in (1, 2):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return Index(_connect(file, stamp), stamp)
        except sqlite3.DatabaseError:
            if attempt == 2:
                return None
            # Corrupt or foreign: never trusted, rebuilt from the files.
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(f"{file}{suffix}")
                except OSError:
                    pass
        except OSError:
            return None
    return None


def _fts_row(parsed: ParsedFile) -> tuple | None:
    contact = parsed.contact
    if not isinstance(contact, Contact):
        return None
    return (parsed.path, contact.name, contact.company or "", contact.role or "",
            " ".join(contact.tags), contact.body)


class LazyFiles(MutableMapping):
    """Parsed files by path, decoding each cached record on first access."""

    def __init__(self, order: list[str], records: dict[str, bytes],
                 parsed: dict[str, ParsedFile]) -> None:
        self._order = order
        self._records = records
        self._parsed = parsed
        self.unindexed: list[str] = []  # files read now but not in the search index

    def __getitem__(self, path: str) -> ParsedFile:
        found = self._parsed.get(path)
        if found is None:
            record = self._records[path]  # KeyError for unknown paths, as a dict
            found = self._parsed[path] = decode(path, record)
        return found

    def __setitem__(self, path: str, value: ParsedFile) -> None:
        if path not in self._parsed and path not in self._records:
            self._order.append(path)
        self._parsed[path] = value

    def __delitem__(self, path: str) -> None:
        self[path]  # noqa: B018 - raise KeyError like a dict
        self._order.remove(path)
        self._parsed.pop(path, None)
        self._records.pop(path, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, path: object) -> bool:
        return path in self._parsed or path in self._records


PARALLEL_FROM = 1500  # files to parse before a second process pays for itself


def _parse_fresh(path: str, absolute: str, config: Config) -> tuple[ParsedFile, tuple | None]:
    """Parse one file for the index: the summarized result and its search row."""
    from pcrm.store.vault import read_file, summarize

    parsed = read_file(path, absolute, config, full=True)
    fts = _fts_row(parsed)
    if isinstance(parsed.contact, Contact):
        parsed.contact = summarize(parsed.contact, config)
    return parsed, fts


_WORKER_CONFIG: Config | None = None


def _encoded(parsed: ParsedFile, fts: tuple | None) -> tuple[bytes, bytes, bytes, tuple | None]:
    """What the index stores of a parsed file: brief, record, check facts, search row."""
    from pcrm.core.validate import facts_of
    from pcrm.store.vault import brief_of

    return (marshal.dumps(brief_of(parsed)), encode(parsed), marshal.dumps(facts_of(parsed)),
            fts)


def _parse_encoded(todo: list[tuple[str, str]]) -> list[tuple[str, tuple]]:
    """In a worker process: parse files and return them encoded (cheap to send back)."""
    assert _WORKER_CONFIG is not None
    return [(path, _encoded(*_parse_fresh(path, absolute, _WORKER_CONFIG)))
            for path, absolute in todo]


def _parse_many(todo: list[tuple[str, str]], config: Config
                ) -> tuple[dict[str, ParsedFile], dict[str, tuple]]:
    """Parse *todo*; with many files, a forked second process takes half of them.

    Returns (parsed here, encoded by the helper process). Forking is only done
    on Linux and from a single-threaded process (the feed server has threads).
    """
    here, there = todo, []
    pool = None
    if (len(todo) >= PARALLEL_FROM and sys.platform.startswith("linux")
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1):
        import multiprocessing

        global _WORKER_CONFIG
        _WORKER_CONFIG = config
        try:
            pool = multiprocessing.get_context("fork").Pool(1)
            half = len(todo) // 2
            there, here = todo[:half], todo[half:]
            pending = pool.apply_async(_parse_encoded, (there,))
        except OSError:
            pool, here, there = None, todo, []
    parsed = {}
    encoded = {}
    for path, absolute in here:
        result, fts = _parse_fresh(path, absolute, config)
        parsed[path] = result
        encoded[path] = _encoded(result, fts)
    if pool is not None:
        try:
            encoded.update(pending.get())
        except Exception:  # noqa: BLE001 - the helper died: parse its share here
            for path, absolute in there:
                parsed[path], fts = _parse_fresh(path, absolute, config)
                encoded[path] = _encoded(parsed[path], fts)
        finally:
            pool.terminate()
    return parsed, encoded


def cached_parse(root: Path, config: Config,
                 found: list[tuple[str, str, os.stat_result | None]], *,
                 with_facts: bool = False
                 ) -> tuple[LazyFiles, dict[str, tuple], dict[str, tuple] | None]:
    """Parse *found* files, taking unchanged ones from the index and updating it.

    Returns the files (lazily decoded), each file's brief (see
    :func:`pcrm.vault.brief_of`) and, *with_facts*, what ``pcrm check`` needs
    of each file (see :func:`pcrm.check.facts_of`).
    """
    from pcrm.store.vault import brief_of, read_file

    index = open_index(root, config)
    known: dict[str, tuple[int, int, int, int, bytes, bytes, bytes | None]] = {}
    if index is not None:
        try:
            extra = "facts" if with_facts else "NULL"
            known = {row[0]: row[1:] for row in index.db.execute(
                f"SELECT path, mtime_ns, size, ctime_ns, ino, brief, record, {extra} "
                "FROM files")}
        except sqlite3.DatabaseError:
            index.close()
            index, known = None, {}
    order: list[str] = []
    records: dict[str, bytes] = {}
    parsed_now: dict[str, ParsedFile] = {}
    briefs: dict[str, tuple] = {}
    facts: dict[str, tuple] = {}
    unindexed: list[str] = []
    todo: list[tuple[str, str]] = []
    stats: dict[str, os.stat_result] = {}
    for path, absolute, info in found:
        order.append(path)
        if info is None:  # reading it says why it cannot be read
            parsed_now[path] = read_file(path, absolute, config)
            briefs[path] = brief_of(parsed_now[path])
            continue
        hit = known.get(path)
        if hit is not None and hit[:4] == (info.st_mtime_ns, info.st_size, info.st_ctime_ns,
                                           info.st_ino):
            try:
                briefs[path] = marshal.loads(hit[4])
                if with_facts:
                    facts[path] = marshal.loads(hit[6])  # type: ignore[arg-type]
                records[path] = hit[5]
                continue
            except (ValueError, EOFError, TypeError):
                pass  # a damaged record: parse the file again
        todo.append((path, absolute))
        stats[path] = info

    changed: list[tuple[tuple | None, str, tuple | None]] = []
    if todo:
        parsed, encoded = _parse_many(todo, config)
        parsed_now.update(parsed)
        racy = (time.time() - RACY_SECONDS) * 1e9
        for path, (brief, record, fact, fts) in encoded.items():
            if path not in parsed:
                records[path] = record
            briefs[path] = marshal.loads(brief)
            if with_facts:
                facts[path] = marshal.loads(fact)
            # A file changed within the clock's reach of now is not cached (it
            # may change again with the same mtime) and has no search row
            # (search scans it): only an older row of it is dropped, once.
            info = stats[path]
            if max(info.st_mtime_ns, info.st_ctime_ns) < racy:
                changed.append(((path, info.st_mtime_ns, info.st_size, info.st_ctime_ns,
                                 info.st_ino, brief, record, fact), path, fts))
            else:
                unindexed.append(path)
                if path in known:
                    changed.append((None, path, None))
    removed = [path for path in known if path not in briefs]
    if index is not None:
        if changed or removed:
            _store(index, changed, removed)
        index.close()
    if with_facts:
        from pcrm.core.validate import facts_of

        for path, parsed_file in parsed_now.items():
            if path not in facts:  # unreadable files
                facts[path] = facts_of(parsed_file)
    files = LazyFiles(order, records, parsed_now)
    files.unindexed = unindexed if index is not None else list(order)
    return files, briefs, facts if with_facts else None


def _store(index: Index, changed: list[tuple[tuple | None, str, tuple | None]],
           removed: list[str]) -> None:
    """Write re-parsed files (record or None, path, search row) and drop removed ones."""
    db = index.db
    try:
        db.execute("BEGIN IMMEDIATE")
        if not index.still_ours():  # records made with another config: not theirs to keep
            db.execute("ROLLBACK")
            return
        db.executemany("DELETE FROM files WHERE path = ?",
                       [(p,) for p in removed] + [(p,) for r, p, _f in changed if r is None])
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (record for record, _path, _fts in changed if record is not None))
        if _has_fts(db):
            gone = removed + [path for _record, path, _fts in changed]
            db.executemany("DELETE FROM fts WHERE path = ?", ((p,) for p in gone))
            db.executemany("INSERT INTO fts VALUES (?, ?, ?, ?, ?, ?)",
                           (fts for _record, _path, fts in changed if fts is not None))
        db.execute("COMMIT")
    except sqlite3.Error:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _has_fts(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchone() is not None


def lookup_blobs(root: Path, config: Config, blobs: dict[str, str]) -> dict[str, ParsedFile]:
    """Cached parse results of staged blobs: ``{path: blob id}`` in, hits out."""
    index = open_index(root, config)
    if index is None:
        return {}
    found: dict[str, ParsedFile] = {}
    try:
        for chunk in _chunks(list(blobs.items()), 400):
            marks = ",".join("(?, ?)" for _ in chunk)
            args = [value for path, sha in chunk for value in (sha, path)]
            for sha, path, record in index.db.execute(
                    f"SELECT sha, path, record FROM blobs WHERE (sha, path) IN (VALUES {marks})",
                    args):
                try:
                    found[path] = decode(path, record)
                except (ValueError, EOFError, TypeError):
                    pass
    except sqlite3.DatabaseError:
        return {}
    finally:
        index.close()
    return found


def store_blobs(root: Path, config: Config, parsed: dict[str, tuple[str, ParsedFile]]) -> None:
    """Remember parse results of staged blobs: ``{path: (blob id, parsed)}``."""
    index = open_index(root, config)
    if index is None:
        return
    try:
        index.db.execute("BEGIN IMMEDIATE")
        index.db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)",
                             ((sha, path, encode(result))
                              for path, (sha, result) in parsed.items()))
        index.db.execute("COMMIT")
    except sqlite3.Error:
        pass
    finally:
        index.close()


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
