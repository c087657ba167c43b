"""The kept feed (pcrm.calendar.feedcache): reused while nothing changed, never stale."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result
from icalendar import Calendar

from helpers import contact
from pcrm.calendar import feedcache
from pcrm.calendar.feedcache import CACHE_FILE, FeedOutput, vault_feed
from pcrm.calendar.state import SECRET_FILE, STATE_FILE
from pcrm.store.configfile import load_config
from pcrm.store.paths import state_dir
from pcrm.store.vault import read_vault

Run = Callable[..., Result]
Vault = Callable[..., Path]
TODAY = dt.date(2026, 11, 22)
FILES = {
    "contacts/jane.md": contact("Jane Doe", """
        ## 2026-12-01 10:00 interview: final round

        ## 2026-11-20 15:00 interview: onsite
        """, company="Acme"),
    "contacts/bob.md": contact("Bob Smith", """
        ## 2026-11-10 email: asked about the platform team
        """, birthday="1990-03-04"),
    "events/2026-11-19-fair.md": "---\nkind: event\nwith: [jane]\n---\n# Fair\n",
}


class Reader:
    """``read`` for :func:`vault_feed`: reads the vault and counts how often."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls = 0

    def __call__(self):  # type: ignore[no-untyped-def]
        self.calls += 1
        return read_vault(self.root, load_config(self.root))


def build(root: Path, reader: Reader, today: dt.date = TODAY) -> FeedOutput:
    return vault_feed(root, load_config(root), today, state_dir(root), reader)


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (no two-second wait per test)."""
    monkeypatch.setattr(feedcache, "RACY_SECONDS", 0.0)


def summaries(data: bytes) -> set[str]:
    return {str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT")}


def test_an_unchanged_vault_reuses_the_feed(vault: Vault, trusted: None) -> None:
    root = vault(FILES)
    reader = Reader(root)
    first = build(root, reader)
    assert reader.calls == 1 and (state_dir(root) / CACHE_FILE).is_file()
    again = build(root, reader)
    assert reader.calls == 1, "nothing changed: the kept feed is used"
    assert again == first
    assert "Thank-you: Jane Doe (Acme)" in summaries(again.data)


def _edit(root: Path) -> None:
    with open(root / "contacts/bob.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-11-21 interview: final round\n")


def _add(root: Path) -> None:
    (root / "contacts/new.md").write_text(contact("Nia New", birthday="1991-01-02"))


def _remove(root: Path) -> None:
    (root / "contacts/jane.md").unlink()


def _rename(root: Path) -> None:
    (root / "contacts/jane.md").rename(root / "contacts/jane-doe.md")


def _same_size_edit(root: Path) -> None:
    path = root / "contacts/jane.md"
    info = path.stat()
    path.write_text(path.read_text().replace("Jane Doe", "Jane Dox"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size and mtime


def _config(root: Path) -> None:
    (root / ".pcrm.yaml").write_text("calendar:\n  name: Renamed feed\n")


def _state_lost(root: Path) -> None:
    (state_dir(root) / STATE_FILE).unlink()


def _state_changed(root: Path) -> None:
    path = state_dir(root) / STATE_FILE
    path.write_bytes(path.read_bytes().replace(b'"events":{', b'"events":{"x@pcrm":'
                                               b'["0",1,"2026-01-01T00:00:00+00:00",null],'))


def _company(root: Path) -> None:
    (root / "companies").mkdir(exist_ok=True)
    (root / "companies/acme.md").write_text("---\nname: Acme\n---\n# Acme\n")


def _event_note(root: Path) -> None:
    (root / "events/2026-11-19-fair.md").write_text(
        "---\nkind: event\nwith: [jane, bob]\n---\n# Fair\n")


@pytest.mark.parametrize("change", [_edit, _add, _remove, _rename, _same_size_edit, _config,
                                    _state_lost, _state_changed, _company, _event_note])
def test_any_change_makes_a_fresh_feed(vault: Vault, trusted: None,
                                       change: Callable[[Path], None]) -> None:
    root = vault(FILES)
    reader = Reader(root)
    build(root, reader)
    change(root)
    changed = build(root, reader)
    assert reader.calls == 2, f"{change.__name__}: the feed was generated again"
    # What a run without any kept feed gives for the changed vault:
    (state_dir(root) / CACHE_FILE).unlink()
    assert build(root, reader).data == changed.data


def test_another_day_makes_a_fresh_feed(vault: Vault, trusted: None) -> None:
    root = vault(FILES)
    reader = Reader(root)
    first = build(root, reader)
    later = build(root, reader, dt.date(2026, 12, 20))
    assert reader.calls == 2
    assert "Interview: Jane Doe (Acme)" in summaries(first.data)
    assert "Interview: Jane Doe (Acme)" not in summaries(later.data)
    back = build(root, reader)  # the state file changed meanwhile: generated again
    assert "Interview: Jane Doe (Acme)" in summaries(back.data) and reader.calls == 3


def test_a_fresh_file_is_not_trusted(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(FILES)  # just written: within the racy window
    reader = Reader(root)
    first = build(root, reader)
    assert build(root, reader) == first
    assert reader.calls == 2
    assert not (state_dir(root) / CACHE_FILE).exists()
    monkeypatch.setattr(feedcache, "RACY_SECONDS", 0.0)  # as if two seconds had passed
    build(root, reader)
    build(root, reader)
    assert reader.calls == 3


def test_a_damaged_kept_feed_is_generated_again(vault: Vault, trusted: None) -> None:
    root = vault(FILES)
    reader = Reader(root)
    first = build(root, reader)
    cache = state_dir(root) / CACHE_FILE
    raw = cache.read_bytes()
    cache.write_bytes(raw.replace(b"Jane Doe", b"Jane Dxe"))
    assert build(root, reader) == first and reader.calls == 2
    cache.write_bytes(b"garbage")
    assert build(root, reader) == first and reader.calls == 3


def test_nothing_is_kept_when_the_state_cannot_be_saved(vault: Vault, trusted: None) -> None:
    root = vault(FILES)
    (state_dir(root) / STATE_FILE).mkdir(parents=True)  # a folder: the save fails
    reader = Reader(root)
    build(root, reader)
    build(root, reader)
    assert reader.calls == 2
    assert not (state_dir(root) / CACHE_FILE).exists()


def test_minimal_mode_keys_the_secret(vault: Vault, trusted: None) -> None:
    root = vault(FILES, config="calendar:\n  minimal: true\n")
    reader = Reader(root)
    build(root, reader)
    first = build(root, reader)  # the secret was made by the first run
    assert reader.calls == 2
    assert build(root, reader) == first and reader.calls == 2
    (state_dir(root) / SECRET_FILE).unlink()
    assert build(root, reader).data != first.data and reader.calls == 3


def test_a_linked_folder_is_still_watched(vault: Vault, trusted: None, tmp_path: Path) -> None:
    root = vault(FILES)
    inside = root / "people"
    shutil.move(str(root / "contacts"), inside)
    (root / "contacts").symlink_to(inside)
    reader = Reader(root)
    build(root, reader)
    build(root, reader)
    assert reader.calls == 1
    _edit(root)
    assert "Thank-you: Bob Smith" in summaries(build(root, reader).data)
    assert reader.calls == 2


def test_the_command_reports_the_same_from_a_kept_feed(vault: Vault, run: Run,
                                                       trusted: None, tmp_path: Path) -> None:
    files = dict(FILES, **{"contacts/broken.md": "---\nname: [\n---\n"})
    root = vault(files)
    out = tmp_path / "feed.ics"
    results = [run(root, "calendar", "-o", str(out)) for _ in range(2)]
    assert (state_dir(root) / CACHE_FILE).is_file()
    assert results[0].stderr == results[1].stderr
    assert "1 file(s) with errors" in results[1].stderr
    assert "Wrote" in results[1].stderr and "1 birthday(s)" in results[1].stderr
    assert run(root, "calendar").stdout_bytes == out.read_bytes()


@pytest.mark.parametrize("today", ["2026-11-22", "2026-12-01", "2027-03-01"])
def test_the_index_briefs_pick_the_same_events_as_every_contact(
        example: Path, today: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcrm.calendar.feed import build_feed, feed_items
    from pcrm.store import index

    monkeypatch.setattr(index, "RACY_SECONDS", -10.0)  # files just written may be cached

    day = dt.date.fromisoformat(today)
    config = load_config(example)
    read_vault(example, config)  # fills the index: the next read takes every record from it
    indexed = read_vault(example, config)
    plain = read_vault(example, config, use_cache=False)
    assert indexed.briefs is not None and plain.briefs is None
    follow_ups, meetings, people = feed_items(indexed, config, day)
    # The index keeps no notes: the same items, told apart by what the feed shows.
    assert ([(f.contact, f.rule, f.due, f.source_key) for f in follow_ups],
            [(m.contact, m.meeting.date, m.meeting.time) for m in meetings],
            [c.id for c in people]) == (
        [(f.contact, f.rule, f.due, f.source_key) for f in feed_items(plain, config, day)[0]],
        [(m.contact, m.meeting.date, m.meeting.time) for m in feed_items(plain, config, day)[1]],
        [c.id for c in feed_items(plain.contacts, config, day)[2]])
    assert follow_ups and people and (meetings or today != "2026-11-22")
    now = dt.datetime(2026, 11, 22, 12, tzinfo=dt.timezone.utc)
    assert (build_feed(indexed, config, day, now=now).data
            == build_feed(plain.contacts, config, day, now=now).data)


def test_new_time_zone_rules_make_a_fresh_feed(tmp_path: Path) -> None:
    import zoneinfo

    from pcrm.calendar.feedcache import zone_stamp

    folder = tmp_path / "zoneinfo"
    (folder / "America").mkdir(parents=True)
    rules = folder / "America/New_York"
    rules.write_bytes(b"TZif old rules")
    zoneinfo.reset_tzpath(to=[str(folder)])
    try:
        before = zone_stamp("America/New_York")
        rules.write_bytes(b"TZif new rules, longer")
        assert zone_stamp("America/New_York") != before
        assert zone_stamp("Europe/Paris") != zone_stamp("America/New_York")
    finally:
        zoneinfo.reset_tzpath()


def test_a_kept_feed_is_printed_without_icalendar(vault: Vault) -> None:
    """A real process, after the racy window: the kept bytes, and icalendar never loaded."""
    import subprocess
    import sys
    import time

    root = vault(FILES)
    probe = ("import runpy, sys\n"
             "sys.argv = ['pcrm', '--vault', sys.argv[1], '--today', '2026-11-22', 'calendar']\n"
             "try:\n    runpy.run_module('pcrm', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "sys.stdout.flush()\n"
             "sys.stderr.write('icalendar loaded' if 'icalendar' in sys.modules else 'no')\n")

    def calendar() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True,
                              check=True, env=os.environ)

    time.sleep(feedcache.RACY_SECONDS + 0.1)  # the vault's files are settled
    first = calendar()
    assert first.stderr == b"icalendar loaded" and (state_dir(root) / CACHE_FILE).is_file()
    kept = calendar()
    assert kept.stderr == b"no"
    assert kept.stdout == first.stdout and b"Thank-you: Jane Doe (Acme)" in kept.stdout
