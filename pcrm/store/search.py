"""Full-text search over contacts: names, companies, roles, tags and notes.

Uses the index's FTS5 table (kept current by :func:`pcrm.cache.cached_parse`),
ranked by BM25 with names weighted highest; each hit shows the interaction
whose heading or notes match best. Without FTS5 (or without a writable index)
it falls back to scanning the files, with the same results in a simpler order.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pcrm.core.config import Config
from pcrm.core.model import Contact, Interaction
from pcrm.core.snapshot import Snapshot
from pcrm.store.files import read_file

_WORD = re.compile(r"\w+", re.UNICODE)
# Heading marks; [ \t] rather than \s, which spans lines and made this quadratic.
_HASHES = re.compile(r"^[ \t]*#+[ \t]*", re.MULTILINE)


@dataclass
class Hit:
    """One search result."""

    contact: Contact
    snippet: str
    interaction: Interaction | None

    def as_json(self) -> dict:
        found = self.interaction
        return {"contact": self.contact.id, "name": self.contact.name,
                "company": self.contact.company, "path": self.contact.path,
                "snippet": self.snippet,
                "interaction": None if found is None else {
                    "date": found.date.isoformat(), "kind": found.kind,
                    "title": found.title, "line": found.line}}


def terms(query: str) -> list[str]:
    """The words of *query*, lower-cased."""
    return [word.casefold() for word in _WORD.findall(query)]


def fts_query(words: list[str]) -> str:
    """Every word must match, as a prefix: ``"swift"* AND "concur"*``."""
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)


def best_interaction(contact: Contact, words: list[str]) -> Interaction | None:
    """The interaction whose heading and notes contain the most of *words*."""
    best, score = None, 0
    for item in contact.interactions:
        text = f"{item.kind} {item.title} {item.notes}".casefold()
        hits = sum(1 for word in words if word in text)
        if hits > score:
            best, score = item, hits
    return best


def _snippet(text: str, words: list[str], width: int = 70) -> str:
    flat = " ".join(_HASHES.sub("", text).split())
    lowered = flat.casefold()
    positions = [lowered.find(word) for word in words if lowered.find(word) >= 0]
    start = max(0, min(positions) - 20) if positions else 0
    piece = flat[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def search(root: Path, config: Config, snapshot: Snapshot, query: str,
           limit: int = 20) -> list[Hit]:
    """The contacts matching every word of *query*, best first."""
    words = terms(query)
    if not words:
        return []
    found = _fts_paths(root, config, snapshot, words, limit)
    if found is None:
        paths = _scan_paths(root, list(snapshot.files), words, limit)
    else:
        # Files the search index does not hold are scanned: those changed a
        # moment ago, and all of them when another run rebuilt the index
        # under this one (it would otherwise answer "no contact matches").
        paths, covered = found
        fresh = [path for path in snapshot.files if path not in covered]
        paths += [p for p in _scan_paths(root, fresh, words, limit) if p not in paths]
        paths = paths[:limit]
    hits = []
    for path in paths:
        parsed = read_file(path, root / path, config, full=True)
        if not isinstance(parsed.contact, Contact):
            continue
        contact = parsed.contact
        found = best_interaction(contact, words)
        text = f"{found.title} {found.notes}" if found else \
            f"{contact.name} {contact.company or ''} {contact.role or ''} {contact.body}"
        hits.append(Hit(contact, _snippet(text, words), found))
    return hits


def _fts_paths(root: Path, config: Config, snapshot: Snapshot, words: list[str],
               limit: int) -> tuple[list[str], set[str]] | None:
    """The index's best matches, and the paths it holds; None without an index."""
    from pcrm.store.database import open_index

    index = open_index(root, config)
    if index is None:
        return None
    try:
        index.db.execute("BEGIN")  # one read transaction: the matches and the paths agree
        rows = index.db.execute(
            "SELECT path FROM fts WHERE fts MATCH ? "
            "ORDER BY bm25(fts, 0.0, 10.0, 5.0, 4.0, 4.0, 1.0) LIMIT ?",
            (fts_query(words), limit * 2)).fetchall()
        covered = {path for (path,) in index.db.execute("SELECT path FROM fts_keys")}
        index.db.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        index.close()
    # The index may hold files that are gone or not yet re-read; trust the snapshot.
    return [path for (path,) in rows if path in snapshot.files][:limit], covered


def _scan_paths(root: Path, paths: list[str], words: list[str], limit: int) -> list[str]:
    found = []
    for path in paths:
        if not path.startswith("contacts/"):
            continue
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace").casefold()
        except OSError:
            continue
        if all(word in text for word in words):
            found.append(path)
            if len(found) >= limit:
                break
    return found
