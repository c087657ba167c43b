"""The index cache: every change is reflected, bad caches are rebuilt, and the
results are the same with and without it (spec 8)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import contact
from pcrm.store import index as cache
from pcrm.store.paths import state_dir
from pcrm.store.configfile import load_config
from pcrm.store.vault import read_vault

TODAY = dt.date(2026, 11, 22)
RACY_SECONDS = cache.RACY_SECONDS  # the real window (the fixture below turns it off here)


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test files are seconds old: let the cache keep them so that it is exercised."""
    monkeypatch.setattr(cache, "RACY_SECONDS", -10.0)


def _status(root: Path, *, use_cache: bool = True) -> list[dict]:
    config = load_config(root)
    snapshot = read_vault(root, config, use_cache=use_cache)
    return [item.as_json(TODAY) for item in snapshot.agenda(TODAY, days=None)]


def _bump(path: Path) -> None:
    """Make sure an edit is seen even on coarse-mtime file systems."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 10_000_000))


def _stored_paths(root: Path) -> set[str]:
    index = cache.open_index(root, load_config(root))
    assert index is not None
    try:
        return {row[0] for row in index.db.execute("SELECT path FROM files")}
    finally:
        index.close()


def test_index_is_used_and_lives_outside_tracked_files(vault, monkeypatch) -> None:
    monkeypatch.delenv("PCRM_CACHE_DIR")
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n")})
    (root / ".git").mkdir()  # a repository: the index goes inside .git/
    _status(root)
    assert (root / ".git" / "pcrm" / cache.DB_NAME).is_file()
    assert _stored_paths(root) == {"contacts/a.md"}
    assert not list(root.glob("contacts/*.sqlite"))


def test_state_dir_without_override(vault, monkeypatch) -> None:
    monkeypatch.delenv("PCRM_CACHE_DIR")
    root = vault({})
    (root / ".git").mkdir()
    assert state_dir(root) == root / ".git" / "pcrm"
    (root / ".git").rmdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent / "xdg"))
    assert state_dir(root).parent == root.parent / "xdg" / "pcrm"


def test_every_change_is_reflected(vault) -> None:
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n"),
                  "contacts/b.md": contact("B", log="## 2026-11-10 email\n")})
    first = _status(root)
    assert [(i["contact"], i["rule"]) for i in first] == [("b", "nudge"), ("a", "thank-you")]
    assert _status(root) == first  # warm

    # edit: the thank-you is logged
    a = root / "contacts/a.md"
    a.write_text(a.read_text() + "\n## 2026-11-21 email: thanks\n")
    _bump(a)
    assert [(i["contact"], i["rule"]) for i in _status(root)] == [("b", "nudge"),
                                                                  ("a", "check-in")]
    # add
    (root / "contacts/c.md").write_text(contact("C", log="## 2026-11-21 coffee\n"))
    assert {i["contact"] for i in _status(root)} == {"a", "b", "c"}
    # delete
    (root / "contacts/b.md").unlink()
    assert {i["contact"] for i in _status(root)} == {"a", "c"}
    assert "contacts/b.md" not in _stored_paths(root)
    # rename
    (root / "contacts/sub").mkdir()
    (root / "contacts/c.md").rename(root / "contacts/sub/c.md")
    assert {i["contact"] for i in _status(root)} == {"a", "sub/c"}
    # config change: a new window for coffee
    (root / ".pcrm.yaml").write_text("kinds:\n  coffee: 72h\n")
    due = {i["contact"]: i["due"] for i in _status(root)}
    assert due["sub/c"] == "2026-11-24"
    assert _status(root) == _status(root, use_cache=False)


def test_parser_version_change_rebuilds(vault, monkeypatch) -> None:
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n")})
    _status(root)
    index = cache.open_index(root, load_config(root))
    assert index is not None
    index.db.execute("UPDATE files SET brief = ?", (b"garbage",))
    index.close()
    monkeypatch.setattr(cache, "SCHEMA", cache.SCHEMA + 1)
    assert _status(root) == _status(root, use_cache=False)
    assert len(_status(root)) == 1


@pytest.mark.parametrize("damage", [b"this is not a database", b"SQLite format 3\x00" + b"\xff" * 200])
def test_corrupt_cache_is_rebuilt(vault, damage: bytes) -> None:
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n")})
    _status(root)
    db = state_dir(root) / cache.DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(damage)
    assert len(_status(root)) == 1
    assert _stored_paths(root) == {"contacts/a.md"}


def test_foreign_sqlite_file_is_not_trusted(vault) -> None:
    import sqlite3

    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n")})
    folder = state_dir(root)
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / cache.DB_NAME)
    db.execute("CREATE TABLE files (x)")
    db.execute("INSERT INTO files VALUES (1)")
    db.commit()
    db.close()
    assert len(_status(root)) == 1


def test_unwritable_cache_folder_still_works(vault, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PCRM_CACHE_DIR", str(blocker / "sub"))
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 interview\n")})
    assert len(_status(root)) == 1


def test_concurrent_runs_do_not_corrupt(vault) -> None:
    files = {f"contacts/p{n}.md": contact(f"P{n}", log=f"## 2026-11-{n % 20 + 1:02d} email\n")
             for n in range(300)}
    root = vault(files)
    _age(root)  # the racy window is the subprocesses' own: the files must be old enough
    env = dict(os.environ, PCRM_TODAY="2026-11-22")
    procs = [subprocess.Popen([sys.executable, "-m", "pcrm", "--vault", str(root), "status",
                               "--json", "--days", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for _ in range(4)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [o[1] for o in outputs]
    results = {json.dumps(json.loads(out)["items"]) for out, _err in outputs}
    assert len(results) == 1
    assert len(json.loads(outputs[0][0])["items"]) == 300
    index = cache.open_index(root, load_config(root))
    assert index is not None
    assert index.db.execute("SELECT count(*) FROM files").fetchone()[0] == 300  # they wrote
    assert index.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    index.close()


def _age(root: Path) -> None:
    """Put every vault file's mtime an hour back, then let its ctime (now) leave the
    racy window too: what a run in another process sees as settled files."""
    import time

    past = time.time() - 3600
    for path in root.rglob("*.md"):
        os.utime(path, (past, past))
    time.sleep(RACY_SECONDS + 0.2)


def test_search_finds_notes_and_shows_the_interaction(vault, run) -> None:
    root = vault({
        "contacts/jane.md": contact("Jane Doe", company="Acme", log="""
            ## 2026-11-18 event: Brooklyn Swift meetup
            Talked about Swift concurrency and actors.

            ## 2026-11-19 email: thanks
            """),
        "contacts/carlos.md": contact("Carlos Méndez", company="Stark Labs"),
    })
    result = run(root, "search", "concurrency", "--json")
    data = json.loads(result.stdout)
    assert [h["contact"] for h in data["hits"]] == ["jane"]
    assert data["hits"][0]["interaction"]["title"] == "Brooklyn Swift meetup"
    assert json.loads(run(root, "search", "mendez", "--json").stdout)["hits"][0]["contact"] == "carlos"
    assert "No contact matches" in run(root, "search", "nothing-like-this").stdout
    # an edit shows up in the next search
    jane = root / "contacts/jane.md"
    jane.write_text(jane.read_text() + "\n## 2026-11-21 note: loves kotlin too\n")
    _bump(jane)
    assert json.loads(run(root, "search", "kotlin", "--json").stdout)["hits"][0]["contact"] == "jane"


_KINDS = ["interview", "coffee", "event", "email", "linkedin", "reply", "note"]
_entry = st.tuples(st.integers(1, 60), st.sampled_from(_KINDS), st.booleans())


def _everything(root: Path, *, use_cache: bool = True) -> dict:
    """Agenda, upcoming meetings, the status gap line, the companies view, the listing."""
    from pcrm.insights import people
    from pcrm.insights.companies import for_snapshot, status_gaps
    from pcrm.insights.report import build, people_of

    config = load_config(root)
    snapshot = read_vault(root, config, use_cache=use_cache)
    return {"agenda": [item.as_json(TODAY) for item in snapshot.agenda(TODAY, days=None)],
            "week": [item.as_json(TODAY) for item in snapshot.agenda(TODAY, days=7)],
            "tagged": [item.as_json(TODAY) for item in snapshot.agenda(TODAY, days=30,
                                                                         tag="mentor")],
            "upcoming": [item.as_json() for item in snapshot.upcoming(TODAY, days=None)],
            "gaps": status_gaps(snapshot, TODAY),
            "companies": [v.as_json() for v in for_snapshot(snapshot, TODAY, show_all=True)],
            "targets": [(v.as_json(), [(p.next.rule, p.next.due) if p.next else None
                                       for p in v.people]) for v in for_snapshot(snapshot, TODAY)],
            "report": (build(people_of(snapshot, root), snapshot.companies, config,
                             TODAY).as_json(),
                       build(people_of(snapshot, root), snapshot.companies, config, TODAY,
                             dt.date(2026, 10, 20)).quiet[:3]),
            "list": list(people.lines(people.listed(people.briefs_of(snapshot)), 32)),
            "errors": snapshot.error_paths()}


_COMPANIES = ["Acme", "Globex", "Hooli"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(_entry, max_size=5), st.sampled_from(["", "30d", "none"]),
                          st.booleans(), st.sampled_from(["", *_COMPANIES])),
                min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(1, 80), st.lists(st.integers(0, 11), max_size=3),
                          st.lists(st.integers(0, 11), max_size=2)), max_size=3),
       st.lists(st.booleans(), min_size=len(_COMPANIES), max_size=len(_COMPANIES)))
def test_same_results_with_and_without_cache(tmp_path_factory, people, notes, targets) -> None:
    """Contacts, event notes (``with:`` and ``[[links]]``) and company files."""
    root = tmp_path_factory.mktemp("vault")
    (root / "contacts").mkdir()
    (root / ".pcrm.yaml").write_text("cadence:\n  tags:\n    mentor: 2w\n")
    for n, (log, cadence, mentor, company) in enumerate(people):
        lines = []
        for day, kind, expect in log:
            date = dt.date(2026, 9, 30) + dt.timedelta(days=day)
            suffix = f" (expect {date + dt.timedelta(days=5)})" if expect else ""
            lines.append(f"## {date} {kind}: thing{suffix}\n")
        fields = {"tags": "[mentor]"} if mentor else {}
        if cadence:
            fields["cadence"] = cadence
        if company:
            fields["company"] = company
        (root / "contacts" / f"p{n}.md").write_text(contact(f"P{n}", "\n".join(lines), **fields))
    (root / "companies").mkdir()
    for name, target in zip(_COMPANIES, targets):
        (root / "companies" / f"{name.lower()}.md").write_text(
            f"---\nname: {name}\ntarget: {str(target).lower()}\n---\n# {name}\n")
    (root / "events").mkdir()
    for k, (day, with_, linked) in enumerate(notes):
        date = dt.date(2026, 9, 30) + dt.timedelta(days=day)
        ids = sorted({f"p{i}" for i in with_ if i < len(people)})
        links = "\n\n".join(f"Talked to [[P{i}]]." for i in linked if i < len(people))
        (root / "events" / f"{date}-meetup-{k}.md").write_text(
            f"---\nwith: [{', '.join(ids)}]\n---\n# Meetup {k}\n\n{links}\n")
    cold = _everything(root)
    warm = _everything(root)
    plain = _everything(root, use_cache=False)
    assert cold == warm == plain


def test_check_is_the_same_from_the_index(vault, run) -> None:
    root = vault({
        "contacts/a.md": contact("A", email="same@x.example", company="Nowhere",
                                 log="## 2027-01-01 email: future\n"),
        "contacts/b.md": contact("B", email="Same@x.example",
                                 linkedin="https://linkedin.com/in/b"),
        "contacts/c.md": contact("C", linkedin="https://www.linkedin.com/in/B/"),
        "contacts/bad.md": "---\nname: [\n---\n",
        "contacts/kind.md": contact("K", log="## 2026-11-01 emial: hi\n"),
        "companies/acme.md": "---\nname: Acme\n---\n",
    })
    cold = run(root, "check")
    warm = run(root, "check")
    assert _stored_paths(root) >= {"contacts/a.md", "contacts/b.md"}
    assert cold.exit_code == warm.exit_code == 1
    assert cold.stdout == warm.stdout
    lines = cold.stdout.splitlines()
    assert len(lines) == 8, lines
    assert "contacts/a.md:3:1: error: email: same@x.example is also in contacts/b.md" in lines
    assert "contacts/c.md:3:1: error: linkedin: linkedin.com/in/b is also in contacts/b.md" in lines
    assert any("warning: interaction dated in the future (2027-01-01)" in l for l in lines)
    assert any("company: no company file names 'Nowhere'" in l for l in lines)
    only = run(root, "check", str(root / "contacts/b.md"))
    assert only.stdout.splitlines() == [l for l in lines if l.startswith("contacts/b.md:")]


def test_a_file_changed_a_moment_ago_is_read_but_not_cached(vault, run, monkeypatch) -> None:
    monkeypatch.setattr(cache, "RACY_SECONDS", 3600.0)  # every file is "just changed"
    root = vault({"contacts/jane.md": contact("Jane", log="## 2026-11-18 note: likes rust\n")})
    assert json.loads(run(root, "search", "rust", "--json").stdout)["hits"][0]["contact"] == "jane"
    assert _stored_paths(root) == set()
    index = cache.open_index(root, load_config(root))
    assert index is not None
    try:
        assert index.db.execute("SELECT count(*) FROM fts").fetchone()[0] == 0
    finally:
        index.close()
    monkeypatch.setattr(cache, "RACY_SECONDS", -10.0)
    _status(root)
    assert _stored_paths(root) == {"contacts/jane.md"}
    # an older row of a file that changes again is dropped, not trusted
    monkeypatch.setattr(cache, "RACY_SECONDS", 3600.0)
    jane = root / "contacts/jane.md"
    jane.write_text(jane.read_text().replace("rust", "zig"))
    _bump(jane)
    assert json.loads(run(root, "search", "zig", "--json").stdout)["hits"][0]["contact"] == "jane"
    assert json.loads(run(root, "search", "rust", "--json").stdout)["hits"] == []
    assert _stored_paths(root) == set()


def test_records_of_another_config_are_not_stored(vault) -> None:
    """A run that read the index under one config must not write into one rebuilt for another."""
    from pcrm.core.config import parse_config

    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 coffee\n")})
    old_config = load_config(root)
    index = cache.open_index(root, old_config)
    assert index is not None
    new_config = parse_config("kinds:\n  coffee: 72h\n")
    cache.open_index(root, new_config).close()  # another run, after a config edit
    row = ("contacts/a.md", 1, 1, 1, 1, b"", b"", b"", b"")
    writer = cache._Writer(index, 1)
    assert not writer.write([row], [("contacts/a.md", (1, 1, 1, 1, ()))], [])
    writer.finish()
    writer.transaction.close()
    index.close()
    fresh = cache.open_index(root, new_config)
    assert fresh is not None
    try:
        assert fresh.db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    finally:
        fresh.close()


def test_a_change_to_pcrms_code_rebuilds_the_index(vault, monkeypatch, tmp_path) -> None:
    root = vault({"contacts/a.md": contact("A", log="## 2026-11-20 coffee\n")})
    _status(root)
    assert _stored_paths(root) == {"contacts/a.md"}
    before = cache.fingerprint(load_config(root))
    from pcrm.store import database

    monkeypatch.setattr(database, "_RECORD_MODULES",
                        database._RECORD_MODULES + ("nonexistent.py",))
    assert cache.fingerprint(load_config(root)) != before
    index = cache.open_index(root, load_config(root))
    assert index is not None
    index.close()
    assert _stored_paths(root) == set()


def test_a_same_size_edit_with_the_old_mtime_is_seen(vault) -> None:
    """rsync -a and some sync tools put the mtime back: ctime and inode still tell."""
    root = vault({"contacts/c.md": contact("C", log="## 2026-11-10 reply\n")})
    assert _status(root) == []
    path = root / "contacts/c.md"
    before = path.stat()
    path.write_text(path.read_text().replace("reply", "email"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert [(i["contact"], i["rule"]) for i in _status(root)] == [("c", "nudge")]
