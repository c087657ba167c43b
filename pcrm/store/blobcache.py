"""The staged-blob cache: parse results of blobs the pre-commit hook has seen, by blob id.

A commit that touches one file in a large vault parses only that file's new
blob; every other staged blob was parsed by an earlier commit (or run) and is
found here, checksummed like the index's rows (a damaged record is parsed again).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

from pcrm.core.config import Config
from pcrm.core.model import ParsedFile
from pcrm.store.database import open_index
from pcrm.store.parsing import checksums, decode_record, encode_record


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
            for sha, path, record, sums in index.db.execute(
                    "SELECT sha, path, record, sums FROM blobs "
                    f"WHERE (sha, path) IN (VALUES {marks})", args):
                if not isinstance(record, bytes) or sums != checksums(path, b"", record, None):
                    continue  # damaged: the blob is parsed again
                try:
                    found[path] = decode_record(path, record)
                except Exception:  # noqa: BLE001 - never trust a record that does not decode
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
        rows = [(sha, path, encode_record(result)) for path, (sha, result) in parsed.items()]
        index.db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)",
                             ((sha, path, record, checksums(path, b"", record, None))
                              for sha, path, record in rows))
        index.db.execute("COMMIT")
    except sqlite3.Error:
        pass
    finally:
        index.close()


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
