"""What the index keeps of each parsed file, as named records defined once.

Three records per file, each a :class:`~typing.NamedTuple` of plain values
(numbers, text, tuples) that names the fields: the index stores them with
``marshal`` as plain tuples (the file record and the facts are built as such,
:func:`record_of` and :func:`pcrm.core.facts.plain_facts`; a brief goes through
:func:`plain`) and reads them back with ``_make``:

- :class:`~pcrm.core.brief.Brief` (in :mod:`pcrm.core.brief`): what every command
  needs of every file (read on every run, so it is small);
- :class:`~pcrm.core.facts.Facts` (in :mod:`pcrm.core.facts`): what validation needs;
- :class:`FileRecord`: the file's problems, contact summary and company, from
  which :func:`parsed_from_record` rebuilds the :class:`~pcrm.core.model.ParsedFile`.

Dates are stored as ordinals, times as minutes. Pure: no I/O, no "today".
"""
from __future__ import annotations

from operator import attrgetter
from typing import Any, NamedTuple

from pcrm.core.config import Config
from pcrm.core.facts import MentionRecord, Problem, problems_of
from pcrm.core.model import (COMPANIES_FOLDER, EVENTS_FOLDER, MEETING, Block, Company, Contact,
                             Diagnostic, EventNote, Interaction, Logged, Mention, ParsedFile,
                             Stage, Summary)
from pcrm.core.rules import FollowUp, asking, candidates, ordered, quiet_since_log
from pcrm.core.brief import (Brief, FollowUpRecord, InteractionRecord, _clock, _date,
                             _interaction, _interaction_record, _minutes, _ord, brief_of,
                             follow_up_records, follow_ups_of)

__all__ = ["Brief", "FollowUpRecord", "InteractionRecord", "brief_of"]  # where callers look


def plain(value: Any) -> Any:
    """*value* with every (named) tuple inside turned into a plain tuple, for ``marshal``."""
    if isinstance(value, tuple):
        return _plain_tuple(value)
    return value


def _plain_tuple(value: tuple, _tuple: type = tuple) -> tuple:
    # Recursing only into tuples (not once per leaf) halves the cold index build's encoding.
    return _tuple([_plain_tuple(item) if isinstance(item, _tuple) else item for item in value])


# -- the file record: a parsed file, contact summarized ------------------------------------


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


_SUMMARY = FileRecord._fields.index("summary")
_LOG = SummaryRecord._fields.index("log")


def log_of(record: tuple) -> Any:
    """The log a plain :class:`FileRecord` holds (its summary's), not decoded: what
    ``pcrm report`` reads of thousands of records (IndexError/TypeError if none)."""
    return record[_SUMMARY][_LOG]


# A Logged made in C from an interaction's fields (Logged(...) runs a Python __new__).
_LOGGED = attrgetter("date", "time", "kind", "klass")
_new_tuple = tuple.__new__


def summarize(contact: Contact, config: Config, *, follow_ups: bool = True) -> Summary:
    """The index's form of a contact: no notes, follow-ups precomputed without today.

    Without *follow_ups*, the deadline rules do not run (no follow-ups, not
    quiet): for checking, which needs none of them (the pre-commit hook).
    """
    log = ordered(contact.interactions)
    asked = asking(log, config) if follow_ups else []
    return Summary(
        id=contact.id, path=contact.path, name=contact.name, company=contact.company,
        role=contact.role, emails=contact.emails, phone=contact.phone,
        linkedin=contact.linkedin, tags=contact.tags, status=contact.status,
        snooze=contact.snooze, birthday=contact.birthday,
        key_lines={k: v for k, v in contact.key_lines.items()
                   if k in ("email", "linkedin", "company", "name")},
        dated=[(i.date, i.line) for i in contact.interactions],
        pending=candidates(contact, config, log, asked) if follow_ups else [],
        logged=[_new_tuple(Logged, _LOGGED(i)) for i in log],
        quiet_since=quiet_since_log(log, config, asked) if follow_ups else None,
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


def record_of(parsed: ParsedFile) -> tuple:
    """The record of a parsed file whose contact, if any, is a :class:`Summary`: a
    :class:`FileRecord`'s fields as plain tuples, ready for ``marshal``."""
    summary = None
    contact = parsed.contact
    if isinstance(contact, Summary):
        birthday = contact.birthday
        summary = (
            contact.id, contact.name, contact.company, contact.role, tuple(contact.emails),
            contact.phone, contact.linkedin, tuple(contact.tags), contact.status,
            _ord(contact.snooze), tuple(birthday) if birthday is not None else None,
            tuple(contact.key_lines.items()),
            tuple([(day.toordinal(), line) for day, line in contact.dated]),
            follow_up_records(contact),
            tuple([(i.date.toordinal(), _minutes(i.time), i.kind, i.klass)
                   for i in contact.log]),
            _ord(contact.quiet_since), tuple([_interaction_record(m) for m in contact.meetings]))
    company = None
    if parsed.company is not None:
        found = parsed.company
        company = (found.name, found.target, found.why, tuple([
            (s.date.toordinal(), s.stage, s.role, s.line, _ord(s.expect))
            for s in found.stages]))
    return (problems_of(parsed), summary, company, _event_record(parsed.event))


def _event_record(note: EventNote | None) -> tuple | None:
    if note is None:
        return None
    return (note.title, _ord(note.date), _minutes(note.time), note.kind, _ord(note.expect),
            note.line, tuple([(m.ref, m.line, m.col, m.how) for m in note.mentions]),
            tuple([(b.line, b.text, tuple(b.refs)) for b in note.blocks]))


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
