"""Upcoming meetings (spec 3): a meeting dated after today is not a follow-up.

It is something to prepare for (questions about the role and the company, pen
and paper): ``status`` lists it in its "Upcoming" section and ``--json`` in
``"upcoming"``, ``show`` on the contact's card, and the calendar feed as an
event at its date and time. Its thank-you starts once it has happened (see
:mod:`pcrm.core.rules`). "After today" is by date: a meeting dated today has
happened, or is happening, and is in the agenda through its thank-you.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from pcrm.core.model import MEETING, Contact, Interaction, Summary


@dataclass(frozen=True)
class Upcoming:
    """One booked meeting of one contact."""

    contact: str  # contact id
    name: str
    company: str | None
    path: str
    meeting: Interaction

    @property
    def date(self) -> dt.date:
        return self.meeting.date

    @property
    def time(self) -> dt.time | None:
        return self.meeting.time

    @property
    def kind(self) -> str:
        return self.meeting.kind

    @property
    def title(self) -> str:
        return self.meeting.title

    def as_json(self) -> dict:
        """The shape of one ``status --json`` ``upcoming`` entry (spec 4; locked by a test)."""
        item = {"contact": self.contact, "name": self.name, "company": self.company,
                "kind": self.kind, "title": self.title, "date": self.date.isoformat(),
                "time": self.time.strftime("%H:%M") if self.time else None, "path": self.path}
        if self.meeting.origin:  # booked in an event note (spec 2.5)
            item["source"] = self.meeting.origin
        return item


def meetings_of(contact: Contact | Summary) -> list[Interaction]:
    """The contact's meetings, in file order."""
    if isinstance(contact, Summary):
        return contact.meetings
    return [i for i in contact.interactions if i.klass == MEETING]


def _key(item: Upcoming) -> tuple:
    # Untimed meetings first on their day: they may be anytime that day.
    return (item.date, item.time is not None, item.time or dt.time(), item.name.casefold(),
            item.contact, item.meeting.index)


def upcoming_of(contact: Contact | Summary, today: dt.date,
                horizon: dt.date | None = None) -> list[Upcoming]:
    """The contact's meetings dated after *today* (and on or before *horizon*), in order."""
    found = [Upcoming(contact.id, contact.name, contact.company, contact.path, meeting)
             for meeting in meetings_of(contact)
             if meeting.date > today and (horizon is None or meeting.date <= horizon)]
    return sorted(found, key=_key)


def calendar_after(today: dt.date) -> dt.date:
    """The day after which a calendar shows meetings on *today*: the day before.

    ``status`` lists as upcoming only the meetings after today (today's are in
    the agenda through their thank-you), but a calendar that dropped today's
    interview at midnight would lose it on the very day it matters: a meeting
    stays on the calendar until its day is over.
    """
    return today - dt.timedelta(days=1)


def upcoming(contacts: Iterable[Contact | Summary], today: dt.date, *, days: int | None = None,
             tag: str | None = None) -> list[Upcoming]:
    """The active contacts' meetings after *today*, within *days* (None: any), by date and time."""
    horizon = today + dt.timedelta(days=days) if days is not None else None
    found: list[Upcoming] = []
    for contact in contacts:
        if contact.status != "active" or (tag is not None and tag not in contact.tags):
            continue
        found.extend(upcoming_of(contact, today, horizon))
    return sorted(found, key=_key)
