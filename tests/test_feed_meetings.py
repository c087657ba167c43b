"""Upcoming meetings in the feed (spec 3 and 6): parsed back with icalendar."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from click.testing import Result
from icalendar import Calendar

from helpers import contact

Run = Callable[..., Result]
Vault = Callable[..., Path]

SOFIA = contact("Sofia Alvarez", """
    ## 2026-11-10 email: applied through her referral
    ## 2026-12-02 15:00 interview: onsite, with the platform team
    Ask about the on-call rotation.
    ## 2026-12-04 coffee
    """, company="Globex")
FILES = {"contacts/sofia.md": SOFIA}


def feed(run: Run, root: Path, today: str = "2026-11-22") -> bytes:
    result = run(root, "calendar", today=today)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def meetings(data: bytes) -> dict[str, object]:
    return {str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")
            if "meeting" in e["categories"].cats}


def test_a_timed_meeting_in_the_vaults_time_zone(vault: Vault, run: Run) -> None:
    data = feed(run, vault(FILES, config="timezone: Europe/Berlin\n"))
    found = meetings(data)
    interview = found["Interview: Sofia Alvarez (Globex)"]
    berlin = ZoneInfo("Europe/Berlin")
    assert interview["dtstart"].dt == dt.datetime(2026, 12, 2, 15, 0, tzinfo=berlin)
    assert interview["dtend"].dt == dt.datetime(2026, 12, 2, 16, 0, tzinfo=berlin)
    assert interview["dtstart"].params["TZID"] == "Europe/Berlin"
    assert interview["transp"] == "OPAQUE"  # busy, unlike follow-ups
    description = str(interview["description"])
    assert "Prepare questions about the role and about Globex." in description
    assert "Bring pen and paper." in description
    assert "File: contacts/sofia.md" in description
    assert "on-call" not in description  # never the notes
    (zone,) = Calendar.from_ical(data).walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/Berlin"
    # Untimed: an all-day event.
    coffee = found["Coffee: Sofia Alvarez (Globex)"]
    assert (coffee["dtstart"].dt, coffee["dtend"].dt) == (dt.date(2026, 12, 4),
                                                          dt.date(2026, 12, 5))
    assert Calendar.from_ical(data).to_ical() == data  # icalendar's own bytes


def test_a_utc_vault_writes_utc_times_and_no_time_zone(vault: Vault, run: Run) -> None:
    data = feed(run, vault(FILES, config="timezone: UTC\n"))
    assert b"DTSTART:20261202T150000Z" in data
    assert b"VTIMEZONE" not in data


def test_meeting_uids_are_stable_and_distinct(vault: Vault, run: Run) -> None:
    twice = SOFIA + "## 2026-12-04 coffee: second one that day\n"
    root = vault({"contacts/sofia.md": twice})
    def uids() -> list[str]:
        return sorted(str(e["uid"]) for e in Calendar.from_ical(feed(run, root)).walk("VEVENT")
                      if "meeting" in e["categories"].cats)

    first = uids()
    assert len(first) == len(set(first)) == 3
    with open(root / "contacts/sofia.md", "a", encoding="utf-8") as handle:
        handle.write("## 2026-11-12 note: read their engineering blog\n")
    assert uids() == first


def test_a_meeting_stays_through_its_day_then_leaves(vault: Vault, run: Run) -> None:
    root = vault(FILES)
    on_the_day = feed(run, root, today="2026-12-02")
    assert set(meetings(on_the_day)) == {"Interview: Sofia Alvarez (Globex)",
                                         "Coffee: Sofia Alvarez (Globex)"}
    data = feed(run, root, today="2026-12-03")
    assert set(meetings(data)) == {"Coffee: Sofia Alvarez (Globex)"}


def test_minimal_mode_shows_the_kind_and_initials_only(vault: Vault, run: Run) -> None:
    data = feed(run, vault(FILES, config="calendar:\n  minimal: true\n"))
    assert set(meetings(data)) == {"Interview: S. A.", "Coffee: S. A."}
    text = data.replace(b"\r\n ", b"").decode("utf-8")
    for secret in ("Sofia", "Globex", "onsite", "sofia.md"):
        assert secret not in text


def test_a_meeting_from_an_event_note_names_the_note(vault: Vault, run: Run) -> None:
    note = ("---\ntime: \"10:00\"\nkind: interview\nwith: [sofia]\n---\n"
            "# Globex onsite\n\nPrivate: ask about the budget.\n")
    root = vault({"contacts/sofia.md": contact("Sofia Alvarez", company="Globex"),
                  "events/2026-12-07-globex-onsite.md": note}, config="timezone: UTC\n")
    found = meetings(feed(run, root))
    interview = found["Interview: Sofia Alvarez (Globex)"]
    assert interview["dtstart"].dt == dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
    description = str(interview["description"])
    assert "Event note: events/2026-12-07-globex-onsite.md" in description
    assert "budget" not in description
