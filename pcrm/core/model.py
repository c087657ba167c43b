"""The data pcrm works on: contacts, their interactions, companies, diagnostics.

Plain dataclasses; no I/O, no click. Parsing lives in :mod:`pcrm.parse`, the
deadline rules in :mod:`pcrm.rules`.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pcrm.core.safetext import clean_line
from pcrm.core.timeutil import Duration

MEETING, OUTBOUND, INBOUND, NEWS, NOTE = "meeting", "outbound", "inbound", "news", "note"
CLASSES = (MEETING, OUTBOUND, INBOUND, NEWS, NOTE)
# The channels of outbound kinds: a personal message, or a connection request.
MESSAGE, CONNECT = "message", "connect"
CHANNELS = (MESSAGE, CONNECT)
STATUSES = ("active", "paused", "archived")
CONTACTS_FOLDER, COMPANIES_FOLDER, EVENTS_FOLDER = "contacts", "companies", "events"
MAX_FILE_BYTES = 1024 * 1024  # a contact is a page of notes, not a book


def too_large(size: int) -> str:
    """The problem of a vault file of *size* bytes, over :data:`MAX_FILE_BYTES`."""
    return f"file is too large ({size / (1024 * 1024):.1f} MB; the limit is 1 MB)"


_CONTACTS_PREFIX = CONTACTS_FOLDER + "/"
_SKIP = len(_CONTACTS_PREFIX)


def contact_id(path: str) -> str:
    """A contact's id from its vault path: ``contacts/team/jane-doe.md`` -> ``team/jane-doe``.

    Slices compared, not ``startswith``/``endswith`` (whose argument parsing costs
    more than the work): it runs once per contact listed, shown or due."""
    cid = path[_SKIP:] if path[:_SKIP] == _CONTACTS_PREFIX else path
    return cid[:-3] if cid[-3:] == ".md" else cid


def when_text(day: dt.date, clock: dt.time | None = None) -> str:
    """``2026-11-22`` or ``2026-11-22 14:00``: an interaction's date as headings write it."""
    return day.isoformat() + (f" {clock.strftime('%H:%M')}" if clock is not None else "")


def heading_text(day: dt.date, kind: str, text: str = "", *, clock: dt.time | None = None,
                 expect: dt.date | None = None) -> str:
    """``## 2026-11-22 14:00 interview: phone screen (expect 2026-12-01)`` (spec 2.2).

    The one place that writes an interaction heading; :mod:`pcrm.core.parse`
    reads it back.
    """
    heading = f"## {when_text(day, clock)} {kind}"
    if text:
        heading += f": {text}"
    if expect is not None:
        heading += f" (expect {expect.isoformat()})"
    return heading


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, printed as ``path:line:col: severity: message``."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        # One line whatever the file is called (a name may hold a newline).
        return (f"{clean_line(self.path)}:{self.line}:{self.col}: {self.severity}: "
                f"{clean_line(self.message)}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "col": self.col,
                "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Interaction:
    """One dated heading of a contact's log (spec 2.2)."""

    date: dt.date
    time: dt.time | None
    kind: str
    klass: str  # meeting / outbound / inbound / news / note
    title: str
    expect: dt.date | None
    line: int  # 1-based line of the heading in the file
    index: int  # position among the file's interactions
    notes: str = ""
    origin: str = ""  # the event note it comes from (events/...), "" for the file's own

    def __init__(self, date: dt.date, time: dt.time | None, kind: str, klass: str, title: str,
                 expect: dt.date | None, line: int, index: int, notes: str = "",
                 origin: str = "") -> None:
        # The fields as the dataclass's own __init__ sets them, without its
        # object.__setattr__ per field (3 times the cost: every log heading of
        # every file makes one). The fields and their order are tested.
        fields = self.__dict__
        fields["date"] = date
        fields["time"] = time
        fields["kind"] = kind
        fields["klass"] = klass
        fields["title"] = title
        fields["expect"] = expect
        fields["line"] = line
        fields["index"] = index
        fields["notes"] = notes
        fields["origin"] = origin

    @property
    def when(self) -> dt.datetime:
        """Naive local date-time; untimed interactions sort at midnight."""
        return dt.datetime.combine(self.date, self.time or dt.time())

    def label(self) -> str:
        """``interview on 2026-11-20`` (with the time when one was given)."""
        source = f" ({self.origin})" if self.origin else ""
        return f"{self.kind} on {when_text(self.date, self.time)}{source}"


class Logged(NamedTuple):
    """What the index keeps of one interaction: enough for states and the report."""

    date: dt.date
    time: dt.time | None
    kind: str
    klass: str

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time or dt.time())


@dataclass
class Contact:
    """A parsed contact file."""

    id: str  # path under contacts/ without .md
    path: str  # vault-relative POSIX path, e.g. contacts/jane-doe.md
    name: str
    meta: dict[str, Any]
    interactions: list[Interaction] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    emails: list[str] = field(default_factory=list)
    phone: str | None = None
    linkedin: str | None = None
    tags: list[str] = field(default_factory=list)
    cadence: Duration | None = None
    cadence_set: bool = False  # True when the file says `cadence:` (even none)
    follow_up: dt.date | None = None
    snooze: dt.date | None = None
    connected: dt.date | None = None  # when they connected on LinkedIn (set by imports)
    status: str = "active"
    birthday: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    body: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def display(self) -> str:
        """``Jane Doe (Acme)`` or just the name."""
        return f"{self.name} ({self.company})" if self.company else self.name


@dataclass
class Summary:
    """What the index keeps of a contact: all but its notes, plus its follow-ups.

    Reading commands (status, list, check, calendar) work on summaries, which
    the cache stores compactly; commands about one contact parse its file.
    ``candidates`` are its pending follow-ups computed without "today"
    (see :func:`pcrm.rules.apply_today`).
    """

    id: str
    path: str
    name: str
    company: str | None
    role: str | None
    emails: list[str]
    phone: str | None
    linkedin: str | None
    tags: list[str]
    status: str
    snooze: dt.date | None
    birthday: tuple[int | None, int, int] | None
    key_lines: dict[str, int]
    dated: list[tuple[dt.date, int]]  # (date, line) of every interaction
    # The follow-ups, or (from the index) an object whose build() makes them on
    # first use: see pcrm.core.records.DeferredFollowUps.
    pending: Any = field(default_factory=list)
    logged: Any = field(default_factory=list)  # every interaction in time order, or deferred
    quiet_since: dt.date | None = None  # see pcrm.core.rules.quiet_since
    booked: Any = field(default_factory=list)  # its meetings (no notes), or a deferred build
    # Its follow-ups as the index stores them, made once on first use (see
    # pcrm.core.brief.follow_up_records).
    records: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def candidates(self) -> list[Any]:
        """The follow-ups computed without today (built on first use from the index)."""
        if not isinstance(self.pending, list):
            self.pending = self.pending.build()
        return self.pending

    @property
    def log(self) -> list[Logged]:
        """Every interaction in time order, without notes (built on first use from the index)."""
        if not isinstance(self.logged, list):
            self.logged = self.logged.build()
        return self.logged

    @property
    def meetings(self) -> list[Interaction]:
        """Its meetings without their notes (built on first use from the index)."""
        if not isinstance(self.booked, list):
            self.booked = self.booked.build()
        return self.booked

    def quiet(self, today: dt.date) -> bool:
        """True once its last nudges went unanswered (spec 3, *quiet*)."""
        return self.quiet_since is not None and today >= self.quiet_since

    @property
    def display(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    @property
    def last(self) -> dt.date | None:
        """The date of the latest interaction, if any."""
        return max(day for day, _line in self.dated) if self.dated else None


@dataclass(frozen=True)
class Stage:
    """One dated heading of a company file: an application reached a stage (spec 2.3)."""

    date: dt.date
    stage: str  # a word of the vault's stage table
    role: str  # the heading's title without a trailing "(...)": the application's key
    line: int
    expect: dt.date | None = None


@dataclass
class Company:
    """A parsed company file."""

    path: str
    name: str
    target: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    why: str | None = None
    stages: list[Stage] = field(default_factory=list)  # in file order


@dataclass
class ParsedFile:
    """What parsing one file gave: a contact or company, or nothing, and problems."""

    path: str
    contact: Contact | Summary | None = None
    company: Company | None = None
    event: EventNote | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


@dataclass(frozen=True)
class Mention:
    """A person named by an event note: in ``with:``, ``skip:`` or a body link."""

    ref: str  # what the user wrote: an id, a unique id prefix or a name
    line: int
    col: int
    how: str  # "with", "skip" or "link"


@dataclass(frozen=True)
class Block:
    """A paragraph or list item of an event note's body, with the links in it."""

    line: int
    text: str
    refs: tuple[str, ...]


@dataclass
class EventNote:
    """A parsed event note (spec 2.5): one meeting with several people."""

    path: str
    title: str
    date: dt.date | None
    time: dt.time | None = None
    kind: str = "event"
    expect: dt.date | None = None
    line: int = 1  # the title's line (its heading, else 1)
    mentions: list[Mention] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@lru_cache(maxsize=4096)  # a vault has few companies and many people at each
def company_key(name: str) -> str:
    """How company names are compared: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())
