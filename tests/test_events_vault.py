"""Event notes in a vault: status, show, check and the index (spec 2.5)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import contact

FAIR = """\
---
time: "18:30"
with: [jane-doe]
skip: [alex-kim]
expect: 2026-11-27
---
# NYC Tech Career Fair

Talked to [[jane-doe]] about Swift 6 and to [[Peter Chen|Peter]] about the
platform team. Also met [[alex-kim]].
"""
FAIR_PATH = "events/2026-11-18-nyc-fair.md"


def people() -> dict[str, str]:
    return {
        "contacts/jane-doe.md": contact("Jane Doe", email="jane@acme.example"),
        "contacts/peter-chen.md": contact("Peter Chen", log="## 2026-11-10 email: hello\n"),
        "contacts/alex-kim.md": contact("Alex Kim"),
        "contacts/sam-okafor.md": contact("Sam Okafor", log="## 2026-11-17 coffee: catch-up\n"),
    }


def status(run, root: Path, today: str = "2026-11-19") -> dict[str, dict]:
    result = run(root, "status", "--json", today=today)
    assert result.exit_code == 0, result.output
    return {item["contact"]: item for item in json.loads(result.output)["items"]}


def test_each_person_in_the_note_owes_their_own_follow_up(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    items = status(run, root)
    assert set(items) == {"jane-doe", "peter-chen", "sam-okafor"}  # alex was skipped
    for who in ("jane-doe", "peter-chen"):
        assert items[who]["rule"] == "thank-you"
        assert items[who]["due"] == "2026-11-20"  # 18:30 + 48 h
        assert items[who]["source"] == FAIR_PATH
        assert FAIR_PATH in items[who]["reason"]
    assert "source" not in items["sam-okafor"]  # from the contact's own file


def test_show_lists_the_note_and_a_skipped_person_is_met_without_follow_up(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR})
    shown = run(root, "show", "alex", today="2026-11-19").output
    assert f"met at NYC Tech Career Fair (no follow-up planned)  [{FAIR_PATH}]" in shown
    assert "nothing pending" in shown
    peter = run(root, "show", "peter-chen", today="2026-11-19").output
    assert f"2026-11-18 18:30 event      NYC Tech Career Fair (expect 2026-11-27)  [{FAIR_PATH}]" \
        in peter


def test_logging_the_thank_you_in_the_contact_file_answers_the_event(vault, run) -> None:
    files = people()
    files["contacts/jane-doe.md"] = contact("Jane Doe", log="## 2026-11-19 email: thanks!\n")
    root = vault({**files, FAIR_PATH: FAIR})
    items = status(run, root, today="2026-11-21")
    assert "jane-doe" not in items or items["jane-doe"]["rule"] != "thank-you"


def test_check_reports_bad_values_and_unknown_names(vault, run) -> None:
    root = vault({**people(), FAIR_PATH: FAIR.replace("[[alex-kim]]", "[[Alx Kim]], [[Zed]]"),
                  "events/bad.md": "---\ndate: 2026-11-18\nkind: intervew\nexpect: soon\n---\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "events/bad.md:3:1: error: kind: unknown interaction kind 'intervew'; " \
           "did you mean 'interview'?" in lines
    assert "events/bad.md:4:1: error: expect: must be a date YYYY-MM-DD, not 'soon'" in lines
    assert f"{FAIR_PATH}:10:25: warning: link [[Alx Kim]] matches no contact; " \
           "did you mean 'Alex Kim'?" in lines
    assert any(line.startswith(f"{FAIR_PATH}:10:") and "[[Zed]]" in line for line in lines)
    # the broken note is skipped; the good one still counts
    assert status(run, root)["jane-doe"]["source"] == FAIR_PATH


def _age(path: Path, seconds: float = 10) -> None:
    """Make *path* look written a while ago, so that the index keeps it."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_editing_an_event_note_changes_only_its_people(vault, run) -> None:
    files = {**people(), FAIR_PATH: FAIR,
             "events/2026-11-18-coffee.md": "---\nkind: coffee\n---\nWith [[sam-okafor]].\n"}
    root = vault(files)
    for path in root.rglob("*.md"):
        _age(path)
    before = status(run, root)
    assert before["sam-okafor"]["source"] == "events/2026-11-18-coffee.md"
    note = root / FAIR_PATH
    note.write_text(FAIR.replace("with: [jane-doe]", "with: []").replace(
        "Talked to [[jane-doe]] about", "Talked about").replace('"18:30"', '"10:00"'))
    _age(note)
    after = status(run, root)
    assert "jane-doe" not in after  # no longer named: no thank-you
    assert after["peter-chen"]["reason"].startswith("thank-you after event on 2026-11-18 10:00")
    assert after["sam-okafor"] == before["sam-okafor"]


def test_the_feed_description_names_the_event_note(vault, run, tmp_path: Path) -> None:
    import icalendar

    root = vault({**people(), FAIR_PATH: FAIR})
    out = tmp_path / "feed.ics"
    assert run(root, "calendar", "-o", str(out), today="2026-11-19").exit_code == 0
    feed = icalendar.Calendar.from_ical(out.read_bytes())
    described = {str(e["summary"]): str(e["description"]) for e in feed.walk("VEVENT")}
    jane = described["Thank-you: Jane Doe"]
    assert f"Event note: {FAIR_PATH}" in jane and "File: contacts/jane-doe.md" in jane
    assert "Event note" not in described["Thank-you: Sam Okafor"]


def test_a_panel_booked_in_a_note_is_upcoming_for_each_person(vault, run) -> None:
    root = vault({**people(), "events/2026-11-24-panel.md":
                  "---\nkind: interview\ntime: '10:00'\nwith: [jane-doe, peter-chen]\n---\n"})
    upcoming = json.loads(run(root, "status", "--json", today="2026-11-20").output)["upcoming"]
    assert [(u["contact"], u["date"], u["time"], u["source"]) for u in upcoming] == [
        ("jane-doe", "2026-11-24", "10:00", "events/2026-11-24-panel.md"),
        ("peter-chen", "2026-11-24", "10:00", "events/2026-11-24-panel.md")]


def test_the_index_derives_again_only_the_people_of_the_edited_note(
        vault, run, monkeypatch) -> None:
    from pcrm.store import index
    from pcrm.store import eventnotes

    monkeypatch.setattr(index, "RACY_SECONDS", -10.0)  # files just written may be cached
    files = {**people(), FAIR_PATH: FAIR,
             "events/2026-11-18-coffee.md": "---\nkind: coffee\n---\nWith [[sam-okafor]].\n"}
    root = vault(files)
    for path in root.rglob("*.md"):
        _age(path)
    read: list[str] = []
    real = eventnotes.read_file

    def spy(path: str, *args, **kwargs):
        read.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(eventnotes, "read_file", spy)
    first = status(run, root)
    assert sorted(read) == ["contacts/alex-kim.md", "contacts/jane-doe.md",
                            "contacts/peter-chen.md", "contacts/sam-okafor.md"]
    read.clear()
    assert status(run, root) == first and read == []  # all from the index
    note = root / FAIR_PATH
    note.write_text(FAIR.replace("platform team.", "platform team (he runs it)."))
    _age(note)
    second = status(run, root)
    # the edit is in the paragraph naming Jane, Peter and Alex: Sam is not read again
    assert sorted(read) == ["contacts/alex-kim.md", "contacts/jane-doe.md",
                            "contacts/peter-chen.md"]
    assert second == first
    read.clear()
    contact_file = root / "contacts/sam-okafor.md"
    contact_file.write_text(contact_file.read_text() + "\n## 2026-11-18 email: thanks\n")
    _age(contact_file)
    third = status(run, root)
    assert read == ["contacts/sam-okafor.md"]
    assert "sam-okafor" not in third  # the thank-you is logged: nothing due


def test_a_renamed_contact_file_is_still_found_by_name(vault, run) -> None:
    note = ("---\ndate: 2026-11-18\nwith: [jane-doe]\n---\n"
            "Met [[Jane Doe]] and [[peter-chen]].\n")
    root = vault({**people(), "events/fair.md": note})
    (root / "contacts/jane-doe.md").rename(root / "contacts/jane-smith.md")
    items = status(run, root)
    assert items["jane-smith"]["source"] == "events/fair.md"  # by her name, in the body
    result = run(root, "check")
    assert "events/fair.md:3:8: warning: with: 'jane-doe' matches no contact; " \
           "did you mean 'Jane Doe'?" in result.output
