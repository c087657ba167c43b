"""Upcoming meetings as feed events (spec 3 and 6).

A meeting dated today or later (see :func:`pcrm.core.upcoming.calendar_after`)
is an event to prepare for: ``Interview: Sofia Alvarez (Globex)``, at its time when the
heading has one (one hour long, in the vault's time zone, whose
``VTIMEZONE`` the feed then carries; UTC vaults write UTC times), else all day.
Its description says what to prepare: questions about the role and the
company, pen and paper, and the contact's file. Unlike follow-ups, meetings
are *busy* time.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pcrm.calendar.events import EventSpec, Fields, alarm_fields, initials, is_utc, keyed_uid
from pcrm.core.config import Config

MEETING_LENGTH = dt.timedelta(hours=1)  # a heading gives the start only


def meeting_key(item: Any, rank: int) -> str:
    """``2026-12-02T1500-interview-1``: date, time, kind and rank among the contact's
    meetings of the same date, time and kind (as follow-ups name what they follow)."""
    meeting = item.meeting
    clock = f"T{meeting.time.strftime('%H%M')}" if meeting.time else ""
    return f"{meeting.date.isoformat()}{clock}-{meeting.kind.lower()}-{rank}"


def meeting_events(items: list[Any], config: Config, secret: bytes | None = None
                   ) -> list[EventSpec]:
    """One event per upcoming meeting, each with a UID that stays while the heading does."""
    ranks: dict[tuple, int] = {}
    specs = []
    for item in sorted(items, key=lambda i: (i.contact, i.meeting.index)):
        same = (item.contact, item.meeting.date, item.meeting.time, item.meeting.kind.lower())
        ranks[same] = ranks.get(same, 0) + 1
        specs.append((item, meeting_event(item, config, secret, ranks[same])))
    order = {id(item): n for n, item in enumerate(items)}
    return [spec for item, spec in sorted(specs, key=lambda pair: order[id(pair[0])])]


def meeting_event(item: Any, config: Config, secret: bytes | None = None,
                  rank: int = 1) -> EventSpec:
    """The event of one upcoming meeting (minimal mode: kind and initials only)."""
    meeting = item.meeting
    kind = meeting.kind[:1].upper() + meeting.kind[1:]
    if config.calendar_minimal:
        summary, description = f"{kind}: {initials(item.name)}", kind
    else:
        who = f"{item.name} ({item.company})" if item.company else item.name
        summary = f"{kind}: {who}"
        company = item.company or "the company"
        lines = [f"{kind}" + (f": {meeting.title}" if meeting.title else ""),
                 f"Prepare questions about the role and about {company}.",
                 "Bring pen and paper.",
                 f"File: {item.path}"]
        if meeting.origin:
            lines.append(f"Event note: {meeting.origin}")
        description = "\n".join(lines)
    if meeting.time is not None:
        zone = dt.timezone.utc if is_utc(config) else config.timezone
        start: dt.date = dt.datetime.combine(meeting.date, meeting.time, zone)
        end: dt.date = start + MEETING_LENGTH  # type: ignore[operator]
    else:
        start, end = meeting.date, meeting.date + dt.timedelta(days=1)
    fields: Fields = [
        ("summary", summary), ("description", description), ("dtstart", start),
        ("dtend", end), ("categories", ["meeting", meeting.kind.lower()]),
        ("transp", "OPAQUE"),  # a meeting is busy time
        *alarm_fields(summary, config)]
    return EventSpec(keyed_uid(("meeting", item.contact, meeting_key(item, rank)), secret),
                     fields)
