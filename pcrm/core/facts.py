"""The facts of a parsed file: what validation needs, kept by the index beside each record.

``pcrm check`` on a warm index runs the vault-wide rules (duplicate emails and
LinkedIn URLs, company names, event-note mentions) over these plain values
without decoding any file's full record.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pcrm.core.model import MEETING, Contact, ParsedFile, Summary


def _ord(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


class Problem(NamedTuple):
    """A diagnostic without its path (the record's key holds it)."""

    line: int
    col: int
    severity: str
    message: str


class PersonFacts(NamedTuple):
    """What the vault-wide rules need of a contact."""

    emails: tuple[str, ...]
    linkedin: str | None
    company: str | None
    key_lines: tuple[tuple[str, int], ...]  # (front-matter key, line)
    dated: tuple[tuple[int, int], ...]  # (interaction date ordinal, line)
    name: str
    # The thank-yous no email on file could answer: (starts, ends or None, due, line, label)
    thanks: tuple[tuple[int, int | None, int, int, str], ...] = ()


class MentionRecord(NamedTuple):
    """A person an event note names (:class:`~pcrm.core.model.Mention`)."""

    ref: str
    line: int
    col: int
    how: str


class Facts(NamedTuple):
    """What checking needs of one file (see :func:`pcrm.core.validate.check_facts`)."""

    problems: tuple[Problem, ...]
    person: PersonFacts | None
    company: str | None  # the company file's name
    mentions: tuple[MentionRecord, ...] | None  # an event note's


def problems_of(parsed: ParsedFile) -> tuple[tuple, ...]:
    """Its diagnostics as plain :class:`Problem` tuples."""
    return tuple([(d.line, d.col, d.severity, d.message) for d in parsed.diagnostics])


def facts_of(parsed: ParsedFile) -> Facts:
    """The facts of a parsed file (its contact summarized or not)."""
    return facts_from_plain(plain_facts(parsed))


def plain_facts(parsed: ParsedFile) -> tuple:
    """:func:`facts_of` as plain tuples, ready for ``marshal`` (the index's form)."""
    contact = parsed.contact
    person = None
    if contact is not None:
        dated = (contact.dated if isinstance(contact, Summary)
                 else [(i.date, i.line) for i in contact.interactions])
        meetings = (contact.meetings if isinstance(contact, Summary)
                    else [i for i in contact.interactions if i.klass == MEETING])
        # A booked meeting is not a typo: only other kinds are checked for future dates.
        if meetings:
            booked = {meeting.line for meeting in meetings}
            dated = [(day, line) for day, line in dated if line not in booked]
        person = (tuple(contact.emails), contact.linkedin, contact.company,
                  tuple(contact.key_lines.items()),
                  tuple([(day.toordinal(), line) for day, line in dated]), contact.name,
                  _thanks_without_email(contact))
    mentions = None
    if parsed.event is not None:
        mentions = tuple([(m.ref, m.line, m.col, m.how) for m in parsed.event.mentions])
    return (problems_of(parsed), person, parsed.company.name if parsed.company else None,
            mentions)


def _thanks_without_email(contact: Contact | Summary) -> tuple:
    """The contact's thank-yous, when it has no email to send them to (a summary's).

    An event's thank-you can be a connection request: a LinkedIn URL is enough.
    """
    if contact.emails or not isinstance(contact, Summary):
        return ()
    found = []
    for item in contact.candidates:
        if item.rule != "thank-you" or item.source is None or item.starts is None:
            continue
        if contact.linkedin and item.source.kind == "event":
            continue
        origin = item.source.origin
        found.append((item.starts.toordinal(), _ord(item.ends), item.due.toordinal(),
                      1 if origin else item.source.line,
                      item.source.label() + (f" ({origin})" if origin else "")))
    return tuple(found)


def facts_from_plain(value: tuple) -> Facts:
    """The inverse of ``plain(facts)``."""
    problems, person, company, mentions = value
    return Facts(tuple(Problem._make(p) for p in problems),
                 PersonFacts._make(person) if person is not None else None, company,
                 tuple(MentionRecord._make(m) for m in mentions) if mentions is not None else None)
