"""The calendar feed (spec 6): ``pcrm calendar`` on real vaults, parsed back with icalendar."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from helpers import contact
from pcrm.store.paths import state_dir
from pcrm.core.config import Config
from pcrm.calendar.feed import build_feed, initials
from pcrm.calendar.state import SECRET_FILE, STATE_FILE, SequenceState, clock_sequence
from pcrm.core.model import Contact

Run = Callable[..., Result]
Vault = Callable[..., Path]

JANE = contact("Jane Doe", """
    ## 2026-11-18 event: Brooklyn Swift meetup
    Talked about their migration to Swift 6.

    ## 2026-11-20 15:00 interview: informational, with Jane and Peter
    Asked about next steps: they decide by next Tuesday.
    """, company="Acme")
BOB = contact("Bob Smith", """
    ## 2026-11-10 email: asked about the platform team
    """)
CAROL = contact("Carol King", follow_up="2026-12-01", company="Initech", birthday="--02-29")
DAN = contact("Dan Archived", """
    ## 2026-11-20 interview: onsite
    """, status="archived", birthday="1980-05-04")
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)
FILES = {"contacts/jane-doe.md": JANE, "contacts/bob.md": BOB,
         "contacts/carol.md": CAROL, "contacts/dan.md": DAN}


def feed(run: Run, root: Path, *args: str, today: str = "2026-11-22") -> bytes:
    """The bytes ``pcrm calendar`` prints."""
    result = run(root, "calendar", *args, today=today)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def events(data: bytes) -> dict[str, object]:
    """The feed's VEVENTs by summary."""
    found = {str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    assert len(found) == len(Calendar.from_ical(data).walk("VEVENT")), "duplicate summaries"
    return found


def append(root: Path, rel: str, text: str) -> None:
    with open(root / rel, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_one_all_day_event_per_next_follow_up(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    data = feed(run, root)
    found = events(data)
    assert set(found) == {"Thank-you: Jane Doe (Acme)", "Nudge: Bob Smith",
                          "Follow-up: Carol King (Initech)", "Birthday: Carol King"}
    jane = found["Thank-you: Jane Doe (Acme)"]
    assert jane["dtstart"].dt == dt.date(2026, 11, 21)
    assert not isinstance(jane["dtstart"].dt, dt.datetime)
    assert jane["dtend"].dt == dt.date(2026, 11, 22)  # explicit, exclusive
    assert jane["dtstart"].params["VALUE"] == "DATE"
    assert jane["categories"].cats == ["thank-you"]
    assert jane["transp"] == "TRANSPARENT"
    description = str(jane["description"])
    assert "Thank-you after interview on 2026-11-20 15:00" in description
    assert "Follows: 2026-11-20 15:00 interview: informational, with Jane and Peter" in description
    assert "Tuesday" not in description  # never the notes: the user's private words
    assert "File: contacts/jane-doe.md" in description
    bob = found["Nudge: Bob Smith"]
    assert (bob["dtstart"].dt, bob["dtend"].dt) == (dt.date(2026, 11, 17), dt.date(2026, 11, 18))
    assert bob["categories"].cats == ["nudge"]
    for event in found.values():
        assert str(event["uid"]).endswith("@pcrm")
        assert event["dtstamp"].dt.tzinfo is not None
        assert event["dtend"].dt - event["dtstart"].dt == dt.timedelta(days=1)


def test_same_items_as_status_without_the_window(vault: Vault, run: Run) -> None:
    far = contact("Far Away", follow_up="2030-01-01")
    root = vault({**FILES, "contacts/far.md": far})
    status = json.loads(run(root, "status", "--json", "--days", "3650").output)
    expected = {(i["rule"], i["due"], i["path"]) for i in status["items"]}
    found = set()
    for event in Calendar.from_ical(feed(run, root)).walk("VEVENT"):
        rule = event["categories"].cats[0]
        if rule != "birthday":
            path = str(event["description"]).rsplit("File: ", 1)[1]
            found.add((rule, event["dtstart"].dt.isoformat(), path))
    assert found == expected
    assert ("scheduled", "2030-01-01", "contacts/far.md") in found


def test_calendar_properties_for_calendar_apps(vault: Vault, run: Run) -> None:
    root = vault(FILES, config="calendar:\n  name: 'Job hunt, 2026'\n")
    data = feed(run, root)
    calendar = Calendar.from_ical(data)
    assert calendar["version"] == "2.0"
    assert str(calendar["prodid"]).startswith("-//pcrm//")
    assert "method" not in calendar  # a published calendar, not an iTIP message
    lines = data.decode("utf-8").split("\r\n")
    assert "NAME:Job hunt\\, 2026" in lines  # TEXT, escaped
    assert "X-WR-CALNAME:Job hunt\\, 2026" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in lines
    assert "X-PUBLISHED-TTL:PT6H" in lines
    assert calendar["refresh-interval"].dt == dt.timedelta(hours=6)


@pytest.mark.parametrize(("refresh", "value"), [("1d", "P1D"), ("12h", "PT12H"),
                                                ("2w", "P14D")])
def test_refresh_interval_is_a_real_duration(vault: Vault, run: Run, refresh: str,
                                             value: str) -> None:
    root = vault(FILES, config=f"calendar:\n  refresh: {refresh}\n")
    lines = feed(run, root).decode("utf-8").split("\r\n")
    assert f"REFRESH-INTERVAL;VALUE=DURATION:{value}" in lines
    assert f"X-PUBLISHED-TTL:{value}" in lines


def test_crlf_and_75_octet_folding_with_non_ascii_names(vault: Vault, run: Run) -> None:
    name = "Zoë Ångström-Øvergård Müller-Lüdenscheidt 王小明 Dvořáková"
    company = "Société Générale d'Électricité et de Télécommunications 東京"
    root = vault({"contacts/zoe.md": contact(name, """
        ## 2026-11-20 coffee: über Kaffee ☕ und Ökonomie, sehr ausführlich besprochen
        Notizen: ä ö ü ß € — „Anführungszeichen“ und Emojis 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉
        """, company=f'"{company}"')})
    data = feed(run, root)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare LF
    assert b"\r" not in data.replace(b"\r\n", b"")  # no bare CR
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a multi-byte character
    assert any(line.startswith(b" ") for line in data.split(b"\r\n"))  # it did fold
    assert set(events(data)) == {f"Thank-you: {name} ({company})"}


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120)
       .filter(lambda s: s.strip()))
def test_any_name_folds_and_parses_back(name: str) -> None:
    person = Contact("x", "contacts/x.md", name.strip(), {}, follow_up=dt.date(2026, 12, 1),
                     birthday=(None, 2, 29))
    data = build_feed([person], Config(), dt.date(2026, 11, 22), now=NOW).data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    summaries = {str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT")}
    assert summaries == {f"Follow-up: {name.strip()}", f"Birthday: {name.strip()}"}


def test_no_todos_and_no_floating_times(vault: Vault, run: Run) -> None:
    root = vault(FILES, config="calendar:\n  alarm: 2h\n")
    data = feed(run, root)
    assert b"VTODO" not in data
    calendar = Calendar.from_ical(data)
    assert {c.name for c in calendar.walk()} == {"VCALENDAR", "VEVENT", "VALARM"}
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    for line in unfolded.split("\r\n"):
        if line.startswith(("DESCRIPTION", "SUMMARY")):
            continue
        for stamp in re.findall(r"\d{8}T\d{6}Z?", line):
            assert stamp.endswith("Z"), line  # DATE-TIME only in UTC
    for event in calendar.walk("VEVENT"):
        for key in ("dtstamp", "last-modified"):
            assert event[key].dt.utcoffset() == dt.timedelta(0)


def test_same_vault_same_bytes(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    first = feed(run, root)
    assert feed(run, root) == first
    assert feed(run, root) == first
    # DTSTAMP comes from the data: the interview, not the clock.
    jane = events(first)["Thank-you: Jane Doe (Acme)"]
    assert jane["dtstamp"].dt == dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


def test_a_real_subprocess_gives_the_same_bytes(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    expected = feed(run, root)
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root), "--today",
                           "2026-11-22", "calendar"], capture_output=True, check=True)
    assert done.stdout == expected


def test_uids_survive_an_unrelated_edit(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    before = events(feed(run, root))
    append(root, "contacts/bob.md", "\n## 2026-11-21 reply: sure, let's talk\n")
    after = events(feed(run, root))
    assert "Nudge: Bob Smith" not in after
    for summary in ("Thank-you: Jane Doe (Acme)", "Follow-up: Carol King (Initech)",
                    "Birthday: Carol King"):
        assert after[summary].to_ical() == before[summary].to_ical()


def test_a_new_follow_up_gets_a_new_uid(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    first = events(feed(run, root))["Thank-you: Jane Doe (Acme)"]
    append(root, "contacts/jane-doe.md", "\n## 2026-11-21 email: thank-you note\n")
    assert "Thank-you: Jane Doe (Acme)" not in events(feed(run, root))
    append(root, "contacts/jane-doe.md", "\n## 2026-11-22 09:00 interview: onsite\n")
    second = events(feed(run, root))["Thank-you: Jane Doe (Acme)"]
    assert second["uid"] != first["uid"]
    assert second["dtstart"].dt == dt.date(2026, 11, 23)
    assert second["sequence"] == 0


def test_uids_are_unique(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed(run, root)).walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_sequence_grows_when_the_content_changes(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    path = root / "contacts/jane-doe.md"
    before = events(feed(run, root))
    first = before["Thank-you: Jane Doe (Acme)"]
    base = first["sequence"]
    path.write_text(path.read_text(encoding="utf-8").replace("Acme", "Globex"), encoding="utf-8")
    second = events(feed(run, root))["Thank-you: Jane Doe (Globex)"]
    assert second["uid"] == first["uid"]
    assert second["sequence"] > base
    assert events(feed(run, root))["Thank-you: Jane Doe (Globex)"]["sequence"] == \
        second["sequence"]
    path.write_text(path.read_text(encoding="utf-8").replace("Globex", "Acme"), encoding="utf-8")
    assert events(feed(run, root))["Thank-you: Jane Doe (Acme)"]["sequence"] > \
        second["sequence"]
    # The untouched contacts kept theirs.
    assert events(feed(run, root))["Nudge: Bob Smith"]["sequence"] == \
        before["Nudge: Bob Smith"]["sequence"]


def test_sequence_grows_even_after_the_state_file_is_lost(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    path = root / "contacts/jane-doe.md"
    first = events(feed(run, root))["Thank-you: Jane Doe (Acme)"]
    path.write_text(path.read_text(encoding="utf-8").replace("Acme", "Globex"), encoding="utf-8")
    second = events(feed(run, root))["Thank-you: Jane Doe (Globex)"]
    assert second["sequence"] > first["sequence"]
    (state_dir(root) / STATE_FILE).unlink()
    # SEQUENCE now comes from the clock, in seconds: two changes within the
    # same second of the loss are the one case it cannot order.
    while clock_sequence(dt.datetime.now(dt.timezone.utc)) <= second["sequence"]:
        time.sleep(0.1)
    path.write_text(path.read_text(encoding="utf-8").replace("Globex", "Hooli"), encoding="utf-8")
    after = events(feed(run, root))["Thank-you: Jane Doe (Hooli)"]
    assert after["uid"] == first["uid"]
    assert after["sequence"] > second["sequence"]
    assert after["sequence"] >= clock_sequence(dt.datetime.now(dt.timezone.utc)) - 1


def test_a_snooze_moves_the_event_and_keeps_its_uid(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    first = events(feed(run, root))["Nudge: Bob Smith"]
    # First seen: stamped with the message it follows.
    assert first["dtstamp"].dt == dt.datetime(2026, 11, 10, tzinfo=dt.timezone.utc)
    path = root / "contacts/bob.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Bob Smith", "name: Bob Smith\nsnooze: 2026-11-30"), encoding="utf-8")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    moved = events(feed(run, root))["Nudge: Bob Smith"]
    after = dt.datetime.now(dt.timezone.utc)
    assert moved["uid"] == first["uid"]
    assert moved["dtstart"].dt == dt.date(2026, 11, 30)
    assert moved["sequence"] > first["sequence"]
    # The content changed now: DTSTAMP and LAST-MODIFIED say so, and stay.
    assert before <= moved["dtstamp"].dt <= after
    assert moved["last-modified"].dt == moved["dtstamp"].dt
    assert events(feed(run, root))["Nudge: Bob Smith"]["dtstamp"].dt == moved["dtstamp"].dt


def test_stamps_are_never_in_the_future() -> None:
    # A follow-up whose interaction is later than "now" (a clock behind the
    # data, or --today in the future) is stamped now, not then.
    person = Contact(id="x", path="contacts/x.md", name="X Y", meta={}, birthday=(1990, 1, 2),
                     follow_up=dt.date(2026, 12, 1))
    early = dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.timezone.utc)
    calendar = Calendar.from_ical(build_feed([person], Config(), dt.date(2026, 11, 22),
                                             now=early).data)
    for event in calendar.walk("VEVENT"):
        assert event["dtstamp"].dt == early, event["summary"]


def test_a_corrupt_state_file_is_ignored_and_rewritten(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    state = state_dir(root) / STATE_FILE
    expected = feed(run, root)
    assert json.loads(state.read_text(encoding="utf-8"))["version"] == 3
    before = {str(e["uid"]): e for e in Calendar.from_ical(expected).walk("VEVENT")}
    for garbage in ("{not json", "[1, 2]", '{"version": 3, "events": {"x": 3}}', ""):
        state.write_text(garbage, encoding="utf-8")
        after = {str(e["uid"]): e for e in Calendar.from_ical(feed(run, root)).walk("VEVENT")}
        assert set(after) == set(before)
        for uid, event in after.items():  # an unknown history: SEQUENCE may only grow
            assert event["sequence"] >= before[uid]["sequence"]
        assert len(json.loads(state.read_text(encoding="utf-8"))["events"]) == 4


def test_sequence_state_in_isolation() -> None:
    seen = "2026-11-20T15:00:00+00:00"
    when = dt.datetime.fromisoformat(seen)
    state = SequenceState({"a": ("h1", 3, seen, "text"), "gone": ("h", 1, seen, None)})
    assert state.sequence("a", "h1", NOW) == (3, when, "text")
    assert state.sequence("a", "h2", NOW) == (clock_sequence(NOW), None, None)
    high = SequenceState({"a": ("h1", 10**9, seen, "text")})
    assert high.sequence("a", "h2", NOW) == (10**9 + 1, None, None)
    assert state.sequence("new", "h", NOW) == (0, None, None)
    state.record("a", "h1", 3, when, "text")
    assert state.changed()  # "gone" went away: the file is rewritten without it
    same = SequenceState({"a": ("h1", 3, seen, "text")})
    same.record("a", "h1", 3, when, "text")
    assert not same.changed()
    # A lost history numbers from the clock, above anything counted before.
    lost = SequenceState(known=False)
    assert lost.sequence("a", "h1", NOW) == (clock_sequence(NOW), None, None)
    assert 10**8 < clock_sequence(NOW) < 2**31 - 1
    # Last-Modified: one second later at least, even within the same second.
    first = state.feed_modified("f1", NOW)
    assert state.feed_modified("f1", NOW + dt.timedelta(hours=1)) == first
    assert state.feed_modified("f2", NOW) == first + dt.timedelta(seconds=1)


def test_the_bytes_are_icalendars_own(vault: Vault, run: Run) -> None:
    # Events are rendered one by one (and reused from the state file); the
    # whole must still be exactly what icalendar writes for the calendar.
    root = vault(FILES, config="calendar:\n  alarm: 1d\n")
    for _ in range(2):  # rendered, then reused
        data = feed(run, root)
        assert Calendar.from_ical(data).to_ical() == data


def test_a_tampered_cached_event_is_rendered_again(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    expected = feed(run, root)
    state = state_dir(root) / STATE_FILE
    data = json.loads(state.read_text(encoding="utf-8"))
    for uid, entry in data["events"].items():
        entry[3] = entry[3].replace("Jane", "Mallory").replace(f"UID:{uid}", "UID:x")
    state.write_text(json.dumps(data), encoding="utf-8")
    assert feed(run, root) == expected


def test_birthdays_recur_yearly(vault: Vault, run: Run) -> None:
    eve = contact("Eve Adams", birthday="1990-07-14")
    root = vault({**FILES, "contacts/eve.md": eve})
    found = events(feed(run, root))
    eve_event = found["Birthday: Eve Adams"]
    assert eve_event["dtstart"].dt == dt.date(1990, 7, 14)
    assert eve_event["dtend"].dt == dt.date(1990, 7, 15)
    assert eve_event["rrule"].to_ical() == b"FREQ=YEARLY"
    assert eve_event["categories"].cats == ["birthday"]
    assert "Birthday: Dan Archived" not in found  # only active contacts
    # 29 February falls on the 28th in common years, instead of being skipped.
    carol = found["Birthday: Carol King"]
    rule = rrulestr(carol["rrule"].to_ical().decode(), dtstart=dt.datetime(2000, 2, 29))
    days = [d.date() for d in rule.between(dt.datetime(2026, 1, 1), dt.datetime(2029, 1, 1))]
    assert days == [dt.date(2026, 2, 28), dt.date(2027, 2, 28), dt.date(2028, 2, 29)]
    # A birthday's UID depends on the contact only.
    append(root, "contacts/eve.md", "\n## 2026-11-21 coffee\n")
    assert events(feed(run, root))["Birthday: Eve Adams"]["uid"] == eve_event["uid"]


def test_minimal_mode_hides_names_notes_and_paths(vault: Vault, run: Run) -> None:
    root = vault(FILES, config="calendar:\n  minimal: true\n")
    data = feed(run, root)
    found = events(data)
    assert set(found) == {"Thank-you: J. D.", "Nudge: B. S.", "Follow-up: C. K.",
                          "Birthday: C. K."}
    assert str(found["Thank-you: J. D."]["description"]) == "Thank-you due 2026-11-21"
    text = data.replace(b"\r\n ", b"").decode("utf-8")
    for secret in ("Jane", "Doe", "Acme", "Bob", "Initech", "Carol", "contacts/", "jane-doe",
                   "interview", "Swift", "Tuesday", "platform"):
        assert secret not in text, secret
    # Same dates and rules as the full feed.
    full = Calendar.from_ical(feed(run, vault(FILES))).walk("VEVENT")
    assert sorted(e["dtstart"].dt for e in full) == \
        sorted(e["dtstart"].dt for e in found.values())


def test_minimal_mode_hides_birth_years_and_keys_uids_with_a_secret(vault: Vault,
                                                                     run: Run) -> None:
    eve = contact("Eve Adams", birthday="1990-07-14")
    files = {**FILES, "contacts/eve.md": eve}
    full = {str(e["uid"]) for e in Calendar.from_ical(
        feed(run, vault(files))).walk("VEVENT")}
    root = vault(files, config="calendar:\n  minimal: true\n")
    data = feed(run, root)
    text = data.replace(b"\r\n ", b"").decode("utf-8")
    # UIDs are random-looking hex that may contain any four digits: look everywhere else.
    assert not [line for line in text.splitlines()
                if "1990" in line and not line.startswith("UID:")]
    found = events(data)
    assert found["Birthday: E. A."]["dtstart"].dt == dt.date(2000, 7, 14)
    # Neither the plain hash of what a UID stands for, nor anything else the
    # full feed of the same vault uses.
    plain = hashlib.sha1("\n".join(("birthday", "eve")).encode()).hexdigest()
    assert plain not in text
    uids = {str(e["uid"]) for e in found.values()}
    assert uids.isdisjoint(full) and all(uid.endswith("@pcrm") for uid in uids)
    # The secret is kept out of the vault, readable by the user alone, and reused.
    secret = state_dir(root) / SECRET_FILE
    assert secret.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(secret.read_text().strip())) == 32
    assert not list(root.rglob(SECRET_FILE))
    assert feed(run, root) == data
    # Another secret (another clone of the vault) gives other UIDs.
    secret.write_text(("ab" * 32) + "\n")
    again = {str(e["uid"]) for e in Calendar.from_ical(feed(run, root)).walk("VEVENT")}
    assert again.isdisjoint(uids) and len(again) == len(uids)


def test_initials() -> None:
    assert initials("Jane Doe") == "J. D."
    assert initials("jean-luc van der Berg") == "J. V. D. B."
    assert initials("Zoë (Zo) Ångström") == "Z. Z. Å."
    assert initials("---") == "?"


def test_alarms_only_when_configured(vault: Vault, run: Run) -> None:
    assert b"VALARM" not in feed(run, vault(FILES))
    data = feed(run, vault(FILES, config="calendar:\n  alarm: 1d\n"))
    for event in Calendar.from_ical(data).walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert alarm["action"] == "DISPLAY"
        assert alarm["trigger"].dt == -dt.timedelta(days=1)
        assert str(alarm["description"]) == str(event["summary"])
    assert b"TRIGGER:-PT2H" in feed(run, vault(FILES, config="calendar:\n  alarm: 2h\n"))


def test_output_file_is_written_atomically(vault: Vault, run: Run, tmp_path: Path) -> None:
    root = vault(FILES)
    target = tmp_path / "public" / "follow-ups.ics"
    target.parent.mkdir()
    target.write_bytes(b"old feed")
    result = run(root, "calendar", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b""
    assert "3 follow-up(s), 1 birthday(s)" in result.stderr
    assert target.read_bytes() == feed(run, root)
    assert os.listdir(target.parent) == ["follow-ups.ics"]  # no temporary file left


@pytest.mark.parametrize("where", ["missing/dir/feed.ics", "."])
def test_an_unwritable_output_is_one_error_line(vault: Vault, run: Run, tmp_path: Path,
                                                where: str) -> None:
    root = vault(FILES)
    result = run(root, "calendar", "-o", str(tmp_path / where))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_a_broken_file_is_skipped_with_a_warning(vault: Vault, run: Run) -> None:
    root = vault({**FILES, "contacts/broken.md": "---\nname: [unclosed\n---\n"})
    result = run(root, "calendar")
    assert result.exit_code == 0
    assert "Warning: 1 file(s) with errors were skipped" in result.stderr
    assert len(events(result.stdout_bytes)) == 4


def test_a_broken_config_is_an_error(vault: Vault, run: Run) -> None:
    root = vault(FILES, config="calendar:\n  refresh: often\n")
    result = run(root, "calendar")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: .pcrm.yaml:2")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_an_empty_vault_still_holds_one_component(vault: Vault, run: Run, zone: str) -> None:
    calendar = Calendar.from_ical(feed(run, vault(config=f"timezone: {zone}\n")))
    assert calendar.walk("VEVENT") == [] and calendar["version"] == "2.0"
    (timezone,) = calendar.subcomponents  # RFC 5545: at least one component
    assert timezone.name == "VTIMEZONE" and timezone["tzid"] == zone
    assert timezone.walk("STANDARD")


@pytest.mark.parametrize(("name", "shown"), [("Job hunt, 2026", ","), ("A;B", ";"),
                                             ("back\\\\slash", "\\")])
def test_check_warns_about_a_calendar_name_apps_show_with_backslashes(
        vault: Vault, run: Run, name: str, shown: str) -> None:
    root = vault(FILES, config=f"timezone: UTC\ncalendar:\n  # shown in apps\n  name: \"{name}\"\n")
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    assert f".pcrm.yaml:4:1: warning: calendar.name contains {shown}:" in result.output
    assert "warning: calendar.name" not in run(vault(FILES), "check").output


def test_a_damaged_secret_is_replaced_and_kept_private(tmp_path: Path) -> None:
    from pcrm.calendar.state import SECRET_FILE, load_secret

    folder = tmp_path / "state"
    folder.mkdir()
    (folder / SECRET_FILE).write_text("not hex at all\n", encoding="ascii")
    secret = load_secret(folder)
    assert len(secret) == 32
    assert (folder / SECRET_FILE).read_text(encoding="ascii").strip() == secret.hex()
    assert (folder / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert load_secret(folder) == secret  # read back, not made again


def test_two_runs_making_the_secret_share_the_first_one_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run writes its secret between this one's read and its write: this run
    uses the one on disk (UIDs must not depend on which run was first)."""
    from pcrm.calendar import state

    folder = tmp_path / "state"
    theirs = bytes(range(32))
    made = state.private_folder

    def and_another_run_writes(where: Path) -> Path:
        found = made(where)
        (folder / state.SECRET_FILE).write_text(theirs.hex() + "\n", encoding="ascii")
        return found

    monkeypatch.setattr(state, "private_folder", and_another_run_writes)
    assert state.load_secret(folder) == theirs
    assert (folder / state.SECRET_FILE).read_text(encoding="ascii").strip() == theirs.hex()
