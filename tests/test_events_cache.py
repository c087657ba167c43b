"""Who event notes name is cached in the index: never stale when a note, a company file
or a contact's name changes, and a cached run answers what a fresh parse answers."""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from pcrm.store import index as store_index
from pcrm.store.paths import state_dir

from helpers import contact
from test_events_vault import FAIR, FAIR_PATH, people

PAST = time.time() - 3600


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment ago are cached too (their ctime cannot be put back)."""
    monkeypatch.setattr(store_index, "RACY_SECONDS", -1.0)


def _items(run, root: Path) -> dict[str, dict]:
    result = run(root, "status", "--json", today="2026-11-19")
    assert result.exit_code == 0, result.output
    return {item["contact"]: item for item in json.loads(result.output)["items"]}


def _cached_rows(root: Path) -> int:
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        return db.execute("SELECT count(*) FROM attendance").fetchone()[0]


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(text, encoding="utf-8")
    os.utime(path, (PAST, PAST))


def test_a_cached_run_answers_like_a_fresh_one(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    first = _items(run, root)
    assert _cached_rows(root) == 1
    assert _items(run, root) == first
    assert first["jane-doe"]["source"] == FAIR_PATH


def test_a_renamed_contact_is_resolved_again(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    assert _items(run, root)["peter-chen"]["source"] == FAIR_PATH  # [[Peter Chen|Peter]]
    _write(root, "contacts/peter-chen.md",
           contact("Pete Chen", log="## 2026-11-10 email: hello\n"))
    assert "source" not in _items(run, root).get("peter-chen", {})  # no longer named


def test_an_edited_note_is_read_again(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    assert "sam-okafor" not in {c for c, i in _items(run, root).items() if i.get("source")}
    _write(root, FAIR_PATH, FAIR.replace("with: [jane-doe]", "with: [jane-doe, sam-okafor]"))
    assert _items(run, root)["sam-okafor"]["source"] == FAIR_PATH


def test_a_new_contact_with_a_named_persons_name_is_seen(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    assert _items(run, root)["peter-chen"]["source"] == FAIR_PATH
    # A second "Peter Chen": the link is ambiguous now, and names no one.
    _write(root, "contacts/peter-chen-2.md", contact("Peter Chen"))
    assert "source" not in _items(run, root).get("peter-chen", {})


def test_a_damaged_cache_row_is_derived_again(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    first = _items(run, root)
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        body = db.execute("SELECT body FROM attendance").fetchone()[0]
        damaged = bytearray(body)
        damaged[-3] ^= 0x04
        db.execute("UPDATE attendance SET body = ?", (bytes(damaged),))
    assert _items(run, root) == first


def _key(root: Path) -> bytes:
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        return db.execute("SELECT key FROM attendance").fetchone()[0]


def test_logging_with_someone_keeps_the_cache(vault, run) -> None:
    """Only names count: a contact parsed again (it moves in the index's order) or
    logged with does not make every note be read again."""
    root = vault({**people(), FAIR_PATH: FAIR})
    _items(run, root)
    before = _key(root)
    _write(root, "contacts/alex-kim.md", contact("Alex Kim", log="## 2026-11-12 email: hi\n"))
    _items(run, root)
    assert _key(root) == before
