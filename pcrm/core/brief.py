"""The brief: what every command needs of every file, read without its record.

The index keeps one brief per file in its manifest (:mod:`pcrm.store.manifest`),
all read on every run: a contact's name, company, role, tags, status, snooze and
its candidate follow-ups as plain records (:class:`FollowUpRecord`), so that
``status``, ``list``, ``companies`` and the event notes work without decoding
any file's full record (:mod:`pcrm.core.records`). Dates are ordinals, times
minutes. Pure: no I/O; "today" is a parameter.
"""
from __future__ import annotations

import datetime as dt
import marshal
import sys
from typing import NamedTuple

from pcrm.core.model import Interaction, ParsedFile, Summary, company_key, contact_id
from pcrm.core.rules import RULES, TODAY_FREE, FollowUp
from pcrm.core.states import firsts_of


_date = dt.date.fromordinal


_TODAY_FREE = TODAY_FREE.toordinal()


def _ord(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


class Brief(NamedTuple):
    """What ``status``, ``list`` and the event notes need of one file, without its record.

    Read for every file on every run (the index keeps all briefs in one
    blob), so it holds only what those commands show; its follow-ups are
    the contact's candidates (:class:`FollowUpRecord`), from which the
    agenda is built without decoding the file's record.
    """

    has_errors: bool
    status: str | None  # the contact's (None: not a contact file)
    snooze: int | None  # date ordinal
    tags: tuple[str, ...]
    name: str | None  # the contact's: event notes resolve [[Name]] links without decoding
    company: str | None  # as written
    role: str | None
    booked: int | None  # its latest meeting's date: upcoming meetings without decoding
    quiet_since: int | None  # date ordinal, see pcrm.core.rules.quiet_since
    # Its candidate follow-ups (FollowUpRecord), marshalled: unpacked only for a
    # contact that may be due (a brief per file lives in memory; most are not due).
    follow_ups: bytes
    soonest: int | None  # no follow-up is due before this day, whatever today is (ordinal)
    birthday: tuple[int | None, int, int] | None  # the calendar feed's, without decoding
    firsts: tuple | None  # its first meeting, inbound, outbound (ordinals): its state

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def archived(self) -> bool:
        return self.status == "archived"

    @property
    def company_key(self) -> str | None:
        """Its company as :func:`pcrm.core.model.company_key` compares it."""
        return company_key(self.company) if self.company else None

    def next_due(self, today: dt.date) -> tuple[tuple, int] | None:
        """Its next follow-up's record and due day (an ordinal) on *today*, as
        :func:`pcrm.core.rules.apply_today` would choose them; nothing is built."""
        now = today.toordinal()
        best, best_key = None, None
        for record in marshal.loads(self.follow_ups) if self.follow_ups else ():
            starts, ends = record[6], record[7]
            if (starts is not None and now < starts) or (ends is not None and now >= ends):
                continue
            key = (_due_on(record[1], now, self.snooze)[1], RULES.index(record[0]))
            if best_key is None or key < best_key:
                best, best_key = record, key
        return (best, best_key[0]) if best is not None else None  # type: ignore[index]

    def next_follow_up(self, path: str, today: dt.date) -> FollowUp | None:
        """Its next follow-up on *today* (see :meth:`next_due`); only that one is built."""
        found = self.next_due(today)
        if found is None:
            return None
        f = FollowUpRecord._make(found[0])
        nominal, due = _due_on(f.due, today.toordinal(), self.snooze)
        who = (path, contact_id(path), self.name or "", self.company)
        if due == nominal:
            return _follow_up(*who, f, due, f.reason, f.due_at)
        return _follow_up(*who, f, due,  # snoozed
                          f"{f.reason} (snoozed until {_date(due).isoformat()})", None,
                          snoozed_from=_date(nominal))


def _due_on(due: int, now: int, snooze: int | None) -> tuple[int, int]:
    """A follow-up's day as it stands on *now* and the day it is shown (ordinals), as
    :func:`pcrm.core.rules.apply_today` resolves them: "due today" is today, then a
    snooze moves an earlier day to its own."""
    nominal = now if due == _TODAY_FREE else due
    return nominal, (snooze if snooze is not None and nominal < snooze else nominal)


def brief_of(parsed: ParsedFile) -> Brief:
    """The brief of a parsed file (its contact summarized, see :func:`summarize`)."""
    contact = parsed.contact
    if not isinstance(contact, Summary):
        return Brief(not parsed.ok, None, None, (), None, None, None, None, None, b"", None,
                     None, None)
    booked = max((m.date.toordinal() for m in contact.meetings), default=None)
    follow_ups = follow_up_records(contact)
    snooze = _ord(contact.snooze)
    # Statuses, companies, roles and tags repeat across thousands of contacts:
    # interned, each is kept once in the index's manifest and in memory.
    return Brief(not parsed.ok, _shared(contact.status), snooze,
                 tuple(map(_shared, contact.tags)), contact.name, _shared(contact.company),
                 _shared(contact.role), booked,
                 _ord(contact.quiet_since),
                 marshal.dumps(follow_ups) if follow_ups else b"",
                 _soonest(follow_ups, snooze),
                 tuple(contact.birthday) if contact.birthday is not None else None,
                 firsts_of(contact.log))


def _shared(text: str | None) -> str | None:
    return sys.intern(text) if isinstance(text, str) else text


def _soonest(follow_ups: tuple[tuple, ...], snooze: int | None) -> int | None:
    """The earliest day any of *follow_ups* (plain :class:`FollowUpRecord` tuples)
    can be due, whatever today is (see :func:`pcrm.core.rules.apply_today`):
    "due today" ones not before they start."""
    floor = snooze or 0
    days = [max((f[6] or 0) if f[1] == _TODAY_FREE else f[1], floor) for f in follow_ups]
    return min(days, default=None)


class InteractionRecord(NamedTuple):
    """An interaction without its notes: a follow-up's source, a booked meeting."""

    date: int
    minutes: int | None
    kind: str
    klass: str
    title: str
    expect: int | None
    line: int
    index: int
    origin: str  # the event note it comes from, "" for the file's own


class FollowUpRecord(NamedTuple):
    """A follow-up computed today-free (see :data:`pcrm.core.rules.TODAY_FREE`)."""

    rule: str
    due: int
    reason: str
    source_key: str
    due_at: str | None  # ISO date-time with offset
    source: InteractionRecord | None
    starts: int | None
    ends: int | None


def _minutes(clock: dt.time | None) -> int | None:
    return clock.hour * 60 + clock.minute if clock is not None else None


def _clock(minutes: int | None) -> dt.time | None:
    return dt.time(minutes // 60, minutes % 60) if minutes is not None else None


def _interaction_record(item: Interaction) -> tuple:
    """An :class:`InteractionRecord`'s fields as a plain tuple (what ``marshal`` stores)."""
    return (item.date.toordinal(), _minutes(item.time), item.kind, item.klass,
            item.title, _ord(item.expect), item.line, item.index, item.origin)


def _interaction(record: tuple) -> Interaction:
    day, minutes, kind, klass, title, expect, line, index, origin = record
    return Interaction(_date(day), _clock(minutes), kind, klass, title,
                       _date(expect) if expect is not None else None, line, index,
                       origin=origin)


def _follow_up_record(item: FollowUp) -> tuple:
    """A :class:`FollowUpRecord`'s fields as a plain tuple (what ``marshal`` stores)."""
    source = item.source
    return (item.rule, item.due.toordinal(), item.reason, item.source_key,
            item.due_at.isoformat() if item.due_at is not None else None,
            _interaction_record(source) if source is not None else None,
            _ord(item.starts), _ord(item.ends))


def follow_up_records(contact: Summary) -> tuple[tuple, ...]:
    """Its candidate follow-ups as plain :class:`FollowUpRecord` tuples, made once per
    summary (its brief and its record both hold them)."""
    if contact.records is None:
        contact.records = tuple([_follow_up_record(item) for item in contact.candidates])
    return contact.records


def follow_ups_of(path: str, cid: str, name: str, company: str | None,
                  records: tuple) -> list[FollowUp]:
    """Follow-ups from their records (:class:`FollowUpRecord`, or plain tuples)."""
    return [_follow_up(path, cid, name, company, f, f.due, f.reason, f.due_at)
            for f in map(FollowUpRecord._make, records)]


def _follow_up(path: str, cid: str, name: str, company: str | None, f: FollowUpRecord,
               due: int, reason: str, due_at: str | None, snoozed_from: dt.date | None = None
               ) -> FollowUp:
    """The follow-up *f* records, shown on *due* (an ordinal) with *reason*."""
    return FollowUp(cid, name, company, path, f.rule, _date(due), reason,
                    _interaction(f.source) if f.source is not None else None, f.source_key,
                    dt.datetime.fromisoformat(due_at) if due_at else None, snoozed_from,
                    _date(f.starts) if f.starts is not None else None,
                    _date(f.ends) if f.ends is not None else None)
