"""What the index keeps of each parsed file, as named records defined once.

Three records per file, each a :class:`~typing.NamedTuple` of plain values
(numbers, text, tuples), so that the index can store it with ``marshal`` by
turning it into plain tuples (:func:`plain`) and read it back with ``_make``:

- :class:`Brief`: what the agenda needs to pick the contacts due (read for
  every file on every ``status``, so it is small);
- :class:`~pcrm.core.facts.Facts` (in :mod:`pcrm.core.facts`): what validation needs;
- :class:`FileRecord`: the file's problems, contact summary and company, from
  which :func:`parsed_from_record` rebuilds the :class:`~pcrm.core.model.ParsedFile`.

Dates are stored as ordinals, times as minutes. Pure: no I/O, no "today".
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple

from pcrm.core.config import Config
from pcrm.core.facts import MentionRecord, Problem, problems_of
from pcrm.core.model import (COMPANIES_FOLDER, EVENTS_FOLDER, MEETING, Block, Company, Contact,
                             Diagnostic, EventNote, Interaction, Logged, Mention, ParsedFile,
                             Stage, Summary, company_key, contact_id)
from pcrm.core.states import firsts_of
from pcrm.core.rules import (RULES, TODAY_FREE, FollowUp, apply_today, candidates, ordered,
                              quiet_since_log)

_date = dt.date.fromordinal
_TODAY_FREE = TODAY_FREE.toordinal()


def _ord(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def plain(value: Any) -> Any:
    """*value* with every (named) tuple inside turned into a plain tuple, for ``marshal``."""
    if isinstance(value, tuple):
        return _plain_tuple(value)
    return value


def _plain_tuple(value: tuple, _tuple: type = tuple) -> tuple:
    # Recursing only into tuples (not once per leaf) halves the cold index build's encoding.
    return _tuple([_plain_tuple(item) if isinstance(item, _tuple) else item for item in value])


# -- the brief: picking the contacts due ------------------------------------------------

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
    follow_ups: tuple  # FollowUpRecord (plain tuples once read back from the index)
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
        """Its company as :func:`pcrm.core.companyfile.company_key` compares it."""
        return _company_key(self.company) if self.company else None

    def may_be_due(self, horizon: int | None) -> bool:
        """False when nothing of it can be due by *horizon* (an ordinal; None: ever)."""
        return self.soonest is not None and (horizon is None or self.soonest <= horizon)

    def next_due(self, today: dt.date) -> tuple[tuple, int] | None:
        """Its next follow-up's record and due day (an ordinal) on *today*, as
        :func:`pcrm.core.rules.apply_today` would choose them; nothing is built."""
        now = today.toordinal()
        best, best_key = None, None
        for record in self.follow_ups:
            due, starts, ends = record[1], record[6], record[7]
            if (starts is not None and now < starts) or (ends is not None and now >= ends):
                continue
            if due == _TODAY_FREE:
                due = now
            if self.snooze is not None and due < self.snooze:
                due = self.snooze
            key = (due, RULES.index(record[0]))
            if best_key is None or key < best_key:
                best, best_key = record, key
        return (best, best_key[0]) if best is not None else None  # type: ignore[index]

    def next_follow_up(self, path: str, today: dt.date) -> FollowUp | None:
        """Its next follow-up on *today* (see :meth:`next_due`); only that one is built."""
        found = self.next_due(today)
        if found is None:
            return None
        snooze = _date(self.snooze) if self.snooze is not None else None
        items = follow_ups_of(path, contact_id(path), self.name or "", self.company, found[:1])
        return apply_today(items, snooze, today)[0]


_company_key = lru_cache(maxsize=4096)(company_key)  # a vault has few companies, many people


def brief_of(parsed: ParsedFile) -> Brief:
    """The brief of a parsed file (its contact summarized, see :func:`summarize`)."""
    contact = parsed.contact
    if not isinstance(contact, Summary):
        return Brief(not parsed.ok, None, None, (), None, None, None, None, None, (), None,
                     None, None)
    booked = max((m.date.toordinal() for m in contact.meetings), default=None)
    follow_ups = tuple(_follow_up_record(f) for f in contact.candidates)
    return Brief(not parsed.ok, contact.status, _ord(contact.snooze), tuple(contact.tags),
                 contact.name, contact.company, contact.role, booked,
                 _ord(contact.quiet_since), follow_ups,
                 _soonest(follow_ups, _ord(contact.snooze)),
                 tuple(contact.birthday) if contact.birthday is not None else None,
                 firsts_of(contact.log))


def _soonest(follow_ups: tuple[FollowUpRecord, ...], snooze: int | None) -> int | None:
    """The earliest day any of *follow_ups* can be due, whatever today is (see
    :func:`pcrm.core.rules.apply_today`): "due today" ones not before they start."""
    floor = snooze or 0
    days = [max((f.starts or 0) if f.due == _TODAY_FREE else f.due, floor) for f in follow_ups]
    return min(days, default=None)


# -- the file record: a parsed file, contact summarized ------------------------------------

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


class LoggedRecord(NamedTuple):
    """One interaction as :class:`~pcrm.core.model.Logged` holds it."""

    date: int
    minutes: int | None
    kind: str
    klass: str


class SummaryRecord(NamedTuple):
    """A contact as :class:`~pcrm.core.model.Summary` holds it."""

    id: str
    name: str
    company: str | None
    role: str | None
    emails: tuple[str, ...]
    phone: str | None
    linkedin: str | None
    tags: tuple[str, ...]
    status: str
    snooze: int | None
    birthday: tuple[int | None, int, int] | None
    key_lines: tuple[tuple[str, int], ...]
    dated: tuple[tuple[int, int], ...]
    follow_ups: tuple[FollowUpRecord, ...]
    log: tuple[LoggedRecord, ...]
    quiet_since: int | None
    meetings: tuple[InteractionRecord, ...]


class StageRecord(NamedTuple):
    """One stage of a company file's applications (:class:`~pcrm.core.model.Stage`)."""

    date: int
    stage: str
    role: str
    line: int
    expect: int | None


class CompanyRecord(NamedTuple):
    """A company as the index keeps it (all of :class:`~pcrm.core.model.Company` but meta)."""

    name: str
    target: bool
    why: str | None
    stages: tuple[StageRecord, ...]


class BlockRecord(NamedTuple):
    """A paragraph of an event note (:class:`~pcrm.core.model.Block`)."""

    line: int
    text: str
    refs: tuple[str, ...]


class EventRecord(NamedTuple):
    """An event note (:class:`~pcrm.core.model.EventNote`)."""

    title: str
    date: int | None
    minutes: int | None
    kind: str
    expect: int | None
    line: int
    mentions: tuple[MentionRecord, ...]
    blocks: tuple[BlockRecord, ...]


class FileRecord(NamedTuple):
    """One parsed file: problems, contact summary, company, event note."""

    problems: tuple[Problem, ...]
    summary: SummaryRecord | None
    company: CompanyRecord | None
    event: EventRecord | None


def summarize(contact: Contact, config: Config, *, follow_ups: bool = True) -> Summary:
    """The index's form of a contact: no notes, follow-ups precomputed without today.

    Without *follow_ups*, the deadline rules do not run (no follow-ups, not
    quiet): for checking, which needs none of them (the pre-commit hook).
    """
    log = ordered(contact.interactions)
    return Summary(
        id=contact.id, path=contact.path, name=contact.name, company=contact.company,
        role=contact.role, emails=contact.emails, phone=contact.phone,
        linkedin=contact.linkedin, tags=contact.tags, status=contact.status,
        snooze=contact.snooze, birthday=contact.birthday,
        key_lines={k: v for k, v in contact.key_lines.items()
                   if k in ("email", "linkedin", "company", "name")},
        dated=[(i.date, i.line) for i in contact.interactions],
        pending=candidates(contact, config, log) if follow_ups else [],
        logged=[Logged(i.date, i.time, i.kind, i.klass) for i in log],
        quiet_since=quiet_since_log(log, config) if follow_ups else None,
        booked=[Interaction(i.date, i.time, i.kind, i.klass, i.title, i.expect, i.line, i.index,
                            "", i.origin)
                for i in contact.interactions if i.klass == MEETING])


def parse_one(path: str, raw: bytes, config: Config, *, full: bool = False,
              follow_ups: bool = True) -> ParsedFile:
    """Parse one vault file by where it lives; contacts are summarized unless *full*
    (with their follow-ups unless not *follow_ups*: see :func:`summarize`)."""
    # The parsers (and PyYAML) are imported only when a file is parsed: a warm
    # run reads records from the index and parses nothing.
    if path.startswith(COMPANIES_FOLDER + "/"):
        from pcrm.core.companyfile import parse_company  # noqa: PLC0415

        return parse_company(path, raw, config)
    if path.startswith(EVENTS_FOLDER + "/"):
        from pcrm.core.events import parse_event  # noqa: PLC0415

        return parse_event(path, raw, config)
    from pcrm.core.parse import parse_contact  # noqa: PLC0415

    parsed = parse_contact(path, raw, config)
    if not full and isinstance(parsed.contact, Contact):
        parsed.contact = summarize(parsed.contact, config, follow_ups=follow_ups)
    return parsed


def _minutes(clock: dt.time | None) -> int | None:
    return clock.hour * 60 + clock.minute if clock is not None else None


def _clock(minutes: int | None) -> dt.time | None:
    return dt.time(minutes // 60, minutes % 60) if minutes is not None else None


def _interaction_record(item: Interaction) -> InteractionRecord:
    return InteractionRecord(item.date.toordinal(), _minutes(item.time), item.kind, item.klass,
                             item.title, _ord(item.expect), item.line, item.index, item.origin)


def _interaction(record: tuple) -> Interaction:
    r = InteractionRecord._make(record)
    return Interaction(_date(r.date), _clock(r.minutes), r.kind, r.klass, r.title,
                       _date(r.expect) if r.expect is not None else None, r.line, r.index,
                       origin=r.origin)


def _follow_up_record(item: FollowUp) -> FollowUpRecord:
    src = _interaction_record(item.source) if item.source is not None else None
    due_at = item.due_at.isoformat() if item.due_at is not None else None
    return FollowUpRecord(item.rule, item.due.toordinal(), item.reason, item.source_key,
                          due_at, src, _ord(item.starts), _ord(item.ends))


def record_of(parsed: ParsedFile) -> FileRecord:
    """The record of a parsed file whose contact, if any, is a :class:`Summary`."""
    summary = None
    contact = parsed.contact
    if isinstance(contact, Summary):
        summary = SummaryRecord(
            contact.id, contact.name, contact.company, contact.role, tuple(contact.emails),
            contact.phone, contact.linkedin, tuple(contact.tags), contact.status,
            _ord(contact.snooze), contact.birthday, tuple(contact.key_lines.items()),
            tuple((day.toordinal(), line) for day, line in contact.dated),
            tuple(_follow_up_record(f) for f in contact.candidates),
            tuple(LoggedRecord(i.date.toordinal(), _minutes(i.time), i.kind, i.klass)
                  for i in contact.log),
            _ord(contact.quiet_since), tuple(_interaction_record(m) for m in contact.meetings))
    company = None
    if parsed.company is not None:
        found = parsed.company
        company = CompanyRecord(found.name, found.target, found.why, tuple(
            StageRecord(s.date.toordinal(), s.stage, s.role, s.line, _ord(s.expect))
            for s in found.stages))
    return FileRecord(problems_of(parsed), summary, company, _event_record(parsed.event))


def _event_record(note: EventNote | None) -> EventRecord | None:
    if note is None:
        return None
    return EventRecord(note.title, _ord(note.date), _minutes(note.time), note.kind,
                       _ord(note.expect), note.line,
                       tuple(MentionRecord(m.ref, m.line, m.col, m.how) for m in note.mentions),
                       tuple(BlockRecord(b.line, b.text, b.refs) for b in note.blocks))


def _event_note(path: str, data: tuple | None) -> EventNote | None:
    if data is None:
        return None
    e = EventRecord._make(data)
    return EventNote(path, e.title, _date(e.date) if e.date is not None else None,
                     _clock(e.minutes), e.kind, _date(e.expect) if e.expect is not None else None,
                     e.line, [Mention(*m) for m in e.mentions],
                     [Block(line, text, tuple(refs)) for line, text, refs in e.blocks])


class DeferredFollowUps:
    """A summary's follow-ups, built from their records on first use.

    ``pcrm list`` decodes every contact and needs no follow-up: building them
    only when :attr:`pcrm.core.model.Summary.candidates` is read keeps it fast.
    """

    __slots__ = ("path", "summary")

    def __init__(self, path: str, summary: tuple) -> None:
        self.path = path
        self.summary = summary  # a plain SummaryRecord

    def build(self) -> list[FollowUp]:
        s = SummaryRecord._make(self.summary)
        return follow_ups_of(self.path, s.id, s.name, s.company, s.follow_ups)


def follow_ups_of(path: str, cid: str, name: str, company: str | None,
                  records: tuple) -> list[FollowUp]:
    """Follow-ups from their records (:class:`FollowUpRecord`, or plain tuples)."""
    return [FollowUp(cid, name, company, path, f.rule, _date(f.due), f.reason,
                     _interaction(f.source) if f.source is not None else None,
                     f.source_key,
                     dt.datetime.fromisoformat(f.due_at) if f.due_at else None,
                     starts=_date(f.starts) if f.starts is not None else None,
                     ends=_date(f.ends) if f.ends is not None else None)
            for f in map(FollowUpRecord._make, records)]


class DeferredMeetings:
    """A summary's booked meetings, built from their records on first use."""

    __slots__ = ("records",)

    def __init__(self, records: tuple) -> None:
        self.records = records

    def build(self) -> list[Interaction]:
        return [_interaction(record) for record in self.records]


class DeferredLog:
    """A summary's interaction log, built from its records on first use (``companies``,
    ``report``); ``list`` and ``status`` never need it."""

    __slots__ = ("records",)

    def __init__(self, records: tuple) -> None:
        self.records = records

    def build(self) -> list[Logged]:
        return [Logged(_date(day), _clock(minutes), kind, klass)
                for day, minutes, kind, klass in self.records]


def parsed_from_record(path: str, record: tuple) -> ParsedFile:
    """The inverse of :func:`record_of` (given as plain tuples, as ``marshal`` gives it)."""
    problems, summary, company, event = record
    parsed = ParsedFile(path, diagnostics=[Diagnostic(path, *d) for d in problems],
                        event=_event_note(path, event))
    if summary is not None:
        s = SummaryRecord._make(summary)
        parsed.contact = Summary(
            s.id, path, s.name, s.company, s.role, list(s.emails), s.phone, s.linkedin,
            list(s.tags), s.status, _date(s.snooze) if s.snooze is not None else None,
            tuple(s.birthday) if s.birthday is not None else None,  # type: ignore[arg-type]
            dict(s.key_lines), [(_date(day), line) for day, line in s.dated],
            DeferredFollowUps(path, summary),
            DeferredLog(s.log),
            _date(s.quiet_since) if s.quiet_since is not None else None,
            DeferredMeetings(s.meetings))
    if company is not None:
        c = CompanyRecord._make(company)
        parsed.company = Company(path, c.name, c.target, why=c.why, stages=[
            Stage(_date(day), stage, role, line, _date(expect) if expect is not None else None)
            for day, stage, role, line, expect in c.stages])
    return parsed
