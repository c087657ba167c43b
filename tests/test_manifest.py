"""The index's manifest: one edit is written as a small row beside it, many are folded
into it, and a damaged change row is never trusted."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from pcrm.store import index as store_index
from pcrm.store import manifest
from pcrm.store.configfile import load_config
from pcrm.store.paths import state_dir
from pcrm.store.vault import read_vault

from helpers import contact

PAST = time.time() - 3600


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_index, "RACY_SECONDS", -10.0)


def _vault(vault, count: int) -> Path:
    root = vault({f"contacts/p{n}.md": contact(f"Person {n}", log="## 2026-11-01 email: hi\n")
                  for n in range(count)})
    for path in (root / "contacts").iterdir():
        os.utime(path, (PAST, PAST))
    return root


def _tables(root: Path) -> tuple[bytes, int]:
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        body = db.execute("SELECT body FROM manifest").fetchone()[0]
        return body, db.execute("SELECT count(*) FROM manifest_delta").fetchone()[0]


def _names(root: Path) -> dict[str, str]:
    snapshot = read_vault(root, load_config(root))
    return {path: brief.name for path, brief in snapshot.briefs.items()}


def _edit(root: Path, n: int, name: str) -> None:
    path = root / "contacts" / f"p{n}.md"
    path.write_text(contact(name, log="## 2026-11-02 email: again\n"))
    os.utime(path, (PAST + 60, PAST + 60))


def test_one_edit_is_a_row_beside_the_manifest(vault) -> None:
    root = _vault(vault, 20)
    _names(root)
    body, pending = _tables(root)
    assert pending == 0
    _edit(root, 3, "Renamed Three")
    (root / "contacts" / "p4.md").unlink()
    assert _names(root)["contacts/p3.md"] == "Renamed Three"
    assert _tables(root) == (body, 2)  # the blob untouched: a change and a removal
    names = _names(root)  # read back through the change rows
    assert names["contacts/p3.md"] == "Renamed Three" and "contacts/p4.md" not in names
    assert _tables(root) == (body, 2)  # nothing to write on a warm run


def test_many_changes_are_folded_into_the_manifest(vault, monkeypatch) -> None:
    monkeypatch.setattr(manifest, "DELTA_LIMIT", 5)
    root = _vault(vault, 20)
    _names(root)
    body, _pending = _tables(root)
    for n in range(8):
        _edit(root, n, f"New {n}")
    names = _names(root)
    new_body, pending = _tables(root)
    assert pending == 0 and new_body != body
    assert all(names[f"contacts/p{n}.md"] == f"New {n}" for n in range(8))
    assert _names(root) == names


def test_a_damaged_change_row_is_not_trusted(vault) -> None:
    root = _vault(vault, 10)
    _names(root)
    _edit(root, 2, "Second Name")
    assert _names(root)["contacts/p2.md"] == "Second Name"
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        entry = db.execute("SELECT entry FROM manifest_delta").fetchone()[0]
        db.execute("UPDATE manifest_delta SET entry = ?",
                   (entry.replace(b"Second Name", b"Secomd Name"),))
    assert _names(root)["contacts/p2.md"] == "Second Name"  # rebuilt from the rows
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:  # and repaired
        assert db.execute("SELECT count(*) FROM manifest_delta").fetchone()[0] == 0
        assert manifest.read(db) is not None


def test_a_damaged_manifest_is_written_whole_again(vault) -> None:
    """Not only read around: the next run finds a manifest that checks."""
    root = _vault(vault, 10)
    names = _names(root)
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        db.execute("UPDATE manifest SET sum = ?", (b"crc32:\0\0\0\0",))
        assert manifest.read(db) is None
    assert _names(root) == names  # rebuilt from the rows
    with sqlite3.connect(state_dir(root) / store_index.DB_NAME) as db:
        assert manifest.read(db) is not None
