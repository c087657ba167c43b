"""Push the feed to a CalDAV calendar (spec 13): ``pcrm publish --caldav URL``.

A subscribed feed is refreshed when the calendar app decides (Google: every
8 to 24 hours); a CalDAV calendar shows a change as soon as it is written.

How the calendar is kept equal to the feed:

- Each feed event is one calendar object, found by its UID. pcrm's UIDs end in
  ``@pcrm``: an object with any other UID is someone else's and never touched.
- Each object pcrm writes carries ``X-PCRM-HASH``, a hash of the event as the
  feed has it. An object whose hash matches is left alone, so a second run
  with nothing changed sends no write at all; one whose hash differs is
  replaced (its SEQUENCE above the server's), and a pcrm object whose UID is
  no longer in the feed is deleted.
- Nothing is kept locally: every run compares the feed with what the server
  holds (one REPORT), so a run that was interrupted, or a server changed by
  hand, is brought back in step by the next run. Each write is one atomic
  PUT or DELETE of one object; creations and updates go first, deletions last.
- Transient failures (connection refused or reset, time-outs, 5xx, 429) are
  retried with exponential backoff; the rest (401, 403, 404, TLS) fail at once
  with one line.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import quote, urljoin
from xml.etree import ElementTree

from pcrm.calendar.davconn import Connection
from pcrm.calendar.feed import PRODID, UID_DOMAIN
from pcrm.core.errors import PublishError

MARKER = "X-PCRM-HASH"
_DAV, _CALDAV = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
  </C:filter>
</C:calendar-query>
"""


@dataclass(frozen=True)
class PublishResult:
    """What one run did."""

    created: int
    updated: int
    deleted: int
    unchanged: int
    foreign: int  # objects that are not pcrm's, left alone

    @property
    def writes(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass(frozen=True)
class Remote:
    """One pcrm object on the server."""

    href: str
    uid: str
    digest: str | None
    sequence: int


@dataclass
class Plan:
    """The writes that make the calendar equal to the feed."""

    put: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, href, uid, body
    delete: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign: int = 0


# -- the feed's side ------------------------------------------------------------------------

def _unfolded(text: str) -> Iterator[str]:
    """The content lines of iCalendar *text* (CRLF or LF), folds joined."""
    line = None
    for raw in re.split(r"\r?\n", text):
        if raw[:1] in (" ", "\t") and line is not None:
            line += raw[1:]
            continue
        if line is not None:
            yield line
        line = raw
    if line:
        yield line


def split_feed(data: bytes) -> tuple[dict[str, str], list[str]]:
    """The feed's VEVENTs by UID (as written, CRLF) and its VTIMEZONEs."""
    events: dict[str, str] = {}
    zones: list[str] = []
    block: list[str] = []
    kind = None
    for line in data.decode("utf-8").split("\r\n"):
        if kind is None and line in ("BEGIN:VEVENT", "BEGIN:VTIMEZONE"):
            kind, block = line[6:], []
        if kind is not None:
            block.append(line)
            if line == f"END:{kind}":
                text = "\r\n".join(block) + "\r\n"
                if kind == "VTIMEZONE":
                    zones.append(text)
                else:
                    uid = next(x[4:] for x in _unfolded(text) if x.startswith("UID:"))
                    events[uid] = text
                kind = None
    return events, zones


def digest_of(event: str) -> str:
    """The hash that ``X-PCRM-HASH`` carries for a feed event."""
    return hashlib.sha256(event.encode("utf-8")).hexdigest()[:24]


def resource(event: str, zones: list[str], sequence_floor: int = 0) -> str:
    """The calendar object to PUT for one feed *event*: marked, its SEQUENCE at least *floor*."""
    marked = event[:-len("END:VEVENT\r\n")] + f"{MARKER}:{digest_of(event)}\r\nEND:VEVENT\r\n"
    found = re.search(r"\r\nSEQUENCE:(\d+)\r\n", marked)
    if found and int(found.group(1)) < sequence_floor:
        marked = marked.replace(found.group(0), f"\r\nSEQUENCE:{sequence_floor}\r\n", 1)
    timezones = "".join(zones) if "TZID=" in event else ""
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\n{timezones}{marked}"
            "END:VCALENDAR\r\n")


# -- the server's side ----------------------------------------------------------------------

def parse_report(xml: str, base: str) -> tuple[list[Remote], int]:
    """pcrm's objects in a calendar-query answer, and how many others there are."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise PublishError(f"the server's answer is not valid XML: {exc}") from None
    mine, foreign = [], 0
    for response in root.iter(f"{_DAV}response"):
        href = response.findtext(f"{_DAV}href") or ""
        data = response.findtext(f".//{_CALDAV}calendar-data")
        if not href or data is None:
            continue
        props = {}
        for line in _unfolded(data):
            name, _, value = line.partition(":")
            name = name.split(";", 1)[0].upper()
            if name in ("UID", MARKER, "SEQUENCE"):
                props.setdefault(name, value.strip())
        uid = props.get("UID", "")
        if not uid.endswith(UID_DOMAIN):
            foreign += 1
            continue
        sequence = int(props["SEQUENCE"]) if props.get("SEQUENCE", "").isdigit() else 0
        mine.append(Remote(urljoin(base, href), uid, props.get(MARKER), sequence))
    return mine, foreign


def plan(events: dict[str, str], zones: list[str], remote: list[Remote], foreign: int,
         base: str) -> Plan:
    """What to write so that the calendar at *base* holds exactly *events*."""
    result = Plan(foreign=foreign)
    by_uid: dict[str, Remote] = {}
    for item in remote:
        if item.uid in by_uid or item.uid not in events:
            result.delete.append(item.href)  # gone from the feed, or a duplicate
        else:
            by_uid[item.uid] = item
    for uid, event in events.items():
        old = by_uid.get(uid)
        if old is None:
            href = urljoin(base, quote(uid, safe="") + ".ics")
            result.put.append(("created", href, uid, resource(event, zones)))
        elif old.digest != digest_of(event):
            result.put.append(("updated", old.href, uid,
                               resource(event, zones, old.sequence + 1)))
        else:
            result.unchanged += 1
    return result


# -- one run --------------------------------------------------------------------------------

Progress = Callable[[str, str], None]  # (what was done: created/updated/deleted, the UID or URL)


def publish(data: bytes, url: str, auth: tuple[str, str] | None, *, timeout: float = 30,
            retries: int = 3, backoff: float = 1.0, progress: Progress | None = None,
            connection: Connection | None = None) -> PublishResult:
    """Make the CalDAV calendar at *url* hold exactly the events of the feed *data*."""
    base = url if url.endswith("/") else url + "/"
    events, zones = split_feed(data)
    conn = connection or Connection(base, auth, timeout=timeout, retries=retries,
                                    backoff=backoff)
    try:
        remote, foreign = parse_report(conn.report(base, _QUERY), base)
        todo = plan(events, zones, remote, foreign, base)
        for kind, href, uid, body in todo.put:
            conn.put(href, body)
            if progress is not None:
                progress(kind, uid)
        for href in todo.delete:
            conn.delete(href)
            if progress is not None:
                progress("deleted", href)
    finally:
        if connection is None:
            conn.close()
    created = sum(1 for kind, *_rest in todo.put if kind == "created")
    return PublishResult(created, len(todo.put) - created, len(todo.delete),
                         todo.unchanged, todo.foreign)
