"""The calendar feed (spec 6): follow-ups, upcoming meetings and birthdays as one file.

The only module, with its siblings in :mod:`pcrm.calendar`, that imports
``icalendar``; it does so inside the functions that need it, because the
import costs about 0.2 s and every other command must stay instant.

What calendar apps rely on, and how this module provides it:

- A published calendar, not a scheduling message: no ``METHOD`` (libical's
  RFC 5546 check fails every event of a ``METHOD:PUBLISH`` feed that has no
  ``ORGANIZER``), and never an empty ``VCALENDAR`` (RFC 5545 wants at least
  one component: an empty feed holds the vault's ``VTIMEZONE``).
- Stable UIDs: a follow-up's UID is a hash of the contact id, the rule and the
  key of the interaction it follows, so regenerating keeps it, and a new
  follow-up (a new interaction, another rule) gets a new one. In minimal mode
  the hash is keyed with the vault's secret (see :mod:`pcrm.calendar.state`).
- DTSTAMP and LAST-MODIFIED say when the event's content last changed, never
  a time in the future: the state file remembers when each content was first
  seen. An event seen for the first time is stamped with the interaction it
  follows when that is in the past, else with the time of generation.
- SEQUENCE grows when an event's content changes, even after the state file
  is lost (see :mod:`pcrm.calendar.state`).

Each event is first described as plain *fields* (what it says), then rendered
by icalendar (how it is written). Rendering is the slow part (about 0.3 ms an
event), so the state file also keeps each event's rendered text, and an event
whose fields did not change is not rendered again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from pcrm import __version__
from pcrm.calendar.events import (UID_DOMAIN, EventSpec, Fields, alarm_fields, as_timedelta,
                                  initials, is_utc, keyed_uid)
from pcrm.calendar.meetings import meeting_events
from pcrm.calendar.state import STATE_FILE, SequenceState, load_secret
from pcrm.core.config import Config
from pcrm.core.errors import WriteError
from pcrm.core.model import Contact, Summary
from pcrm.core.rules import RULE_TITLES, FollowUp, agenda
from pcrm.core.snapshot import Snapshot
from pcrm.core.upcoming import calendar_after, upcoming
from pcrm.core.safetext import clean

__all__ = ["STATE_FILE", "UID_DOMAIN", "Feed", "SequenceState", "build_feed", "generate",
           "initials"]

PRODID = f"-//pcrm//pcrm {__version__}//EN"
# The server builds the feed from several threads; the state file is one
# read-modify-write, so one generation at a time per process.
_STATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Feed:
    """A generated feed: the bytes to publish, what they hold, and when they changed."""

    data: bytes
    follow_ups: int
    birthdays: int
    modified: dt.datetime | None = None  # when these bytes were first generated
    meetings: int = 0
    # The bytes of the state file that hold what this feed published (None:
    # it could not be saved); see pcrm.calendar.feedcache.
    state: bytes | None = None


def follow_up_uid(item: FollowUp, secret: bytes | None = None) -> str:
    """The UID of a follow-up: the same follow-up always gets the same one.

    ``source_key`` names the interaction the follow-up answers (or the
    scheduled date), so a later interaction that starts a new follow-up of the
    same rule gives a new UID instead of silently moving the old event.
    """
    return keyed_uid(("follow-up", item.contact, item.rule, item.source_key), secret)


def birthday_uid(contact: Contact | Summary, secret: bytes | None = None) -> str:
    """The UID of a contact's yearly birthday event (one per contact)."""
    return keyed_uid(("birthday", contact.id), secret)


# -- what each event says -----------------------------------------------------------------



def _stamp(day: dt.date, time: dt.time | None, config: Config) -> dt.datetime:
    """A UTC DATE-TIME from the data's local date and time."""
    local = dt.datetime.combine(day, time or dt.time(), config.timezone)
    return local.astimezone(dt.timezone.utc)


def _description(item: FollowUp, config: Config) -> str:
    """The reason, the interaction followed, and the file, one per line."""
    lines = [item.reason[:1].upper() + item.reason[1:]]
    if item.due_at is not None and item.snoozed_from is None:
        lines.append(f"Due by {item.due_at.strftime('%Y-%m-%d %H:%M')} ({config.timezone_name})")
    source = item.source
    if source is not None:
        heading = source.date.isoformat()
        if source.time is not None:
            heading += f" {source.time.strftime('%H:%M')}"
        heading += f" {source.kind}" + (f": {source.title}" if source.title else "")
        # Not its notes: they are the user's private words, and the index
        # that reading commands use does not keep them.
        lines.append(f"Follows: {heading}")
        if source.origin:
            lines.append(f"Event note: {source.origin}")
    lines.append(f"File: {item.path}")
    return "\n".join(lines)


def follow_up_event(item: FollowUp, config: Config, secret: bytes | None = None) -> EventSpec:
    """The event of one follow-up (minimal mode: initials, rule and date only)."""
    title = RULE_TITLES[item.rule]
    origin = None
    if config.calendar_minimal:
        summary = f"{title}: {initials(item.name)}"
        description = f"{title} due {item.due.isoformat()}"
    else:
        who = f"{item.name} ({item.company})" if item.company else item.name
        summary = f"{title}: {who}"
        description = _description(item, config)
        if item.source is not None and item.snoozed_from is None:
            origin = _stamp(item.source.date, item.source.time, config)
    fields: Fields = [
        ("summary", summary), ("description", description), ("dtstart", item.due),
        ("dtend", item.due + dt.timedelta(days=1)),  # a DATE end is exclusive
        ("categories", [item.rule]),
        ("transp", "TRANSPARENT"),  # a reminder, not a meeting: never "busy"
        *alarm_fields(summary, config)]
    return EventSpec(follow_up_uid(item, secret), fields, origin)


def birthday_event(contact: Contact | Summary, config: Config,
                   secret: bytes | None = None) -> EventSpec:
    """A contact's yearly birthday event (minimal mode: initials, no year)."""
    assert contact.birthday is not None
    year, month, day = contact.birthday
    if config.calendar_minimal:
        year = None
    # Without a year, start in 2000: a leap year, so 29 February is a real date.
    start = dt.date(year or 2000, month, day)
    if config.calendar_minimal:
        summary, description = f"Birthday: {initials(contact.name)}", "Birthday"
    else:
        born = f"Born {start.isoformat()}\n" if year else ""
        summary, description = f"Birthday: {contact.name}", f"{born}File: {contact.path}"
    rule: dict[str, Any] = {"freq": "yearly"}
    if (month, day) == (2, 29):
        # "The last day of February": the 29th in leap years, the 28th
        # otherwise, where a plain yearly rule would skip three years in four.
        rule.update(bymonth=2, bymonthday=-1)
    fields: Fields = [
        ("summary", summary), ("description", description), ("dtstart", start),
        ("dtend", start + dt.timedelta(days=1)), ("rrule", rule), ("categories", ["birthday"]),
        ("transp", "TRANSPARENT"), *alarm_fields(summary, config)]
    return EventSpec(birthday_uid(contact, secret), fields)


# -- rendering ------------------------------------------------------------------------------

def render_event(uid: str, fields: Fields, sequence: int, stamp: dt.datetime) -> str:
    """One VEVENT as icalendar writes it (CRLF line ends, folded at 75 octets)."""
    from icalendar import Alarm, Event, vText

    event = Event()
    event.add("uid", uid)
    for name, value in fields:
        if name == "valarm":
            trigger, description = value
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", vText(description))
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        elif name in ("summary", "description"):
            event.add(name, vText(value))
        else:
            event.add(name, value)
        if name == "dtend":
            event.add("dtstamp", stamp)
            event.add("last-modified", stamp)
    event.add("sequence", sequence)
    return event.to_ical().decode("utf-8")


def _calendar_head(config: Config, components: Iterable[Any] = ()) -> bytes:
    """The VCALENDAR with its properties and *components*, as icalendar writes it."""
    from icalendar import Calendar, vDuration, vText

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar does not know NAME / X-WR-CALNAME as text: without vText a
    # comma or a newline in the configured name would be written unescaped.
    calendar.add("name", vText(config.calendar_name))
    calendar.add("x-wr-calname", vText(config.calendar_name))
    refresh = as_timedelta(config.calendar_refresh)
    # VALUE=DURATION must be explicit (RFC 7986), and an X- property given a
    # bare timedelta would be written as "6:00:00": both get a vDuration.
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for component in components:
        calendar.add_component(component)
    return calendar.to_ical()


def vtimezone(config: Config, first: dt.date, last: dt.date) -> Any:
    """The vault's time zone as a VTIMEZONE covering *first* to *last* (UTC: one offset)."""
    from icalendar import Timezone, TimezoneStandard

    if is_utc(config):
        zone = Timezone()
        zone.add("tzid", "UTC")
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", dt.timedelta(0))
        standard.add("tzoffsetto", dt.timedelta(0))
        standard.add("tzname", "UTC")
        zone.add_component(standard)
        return zone
    zone = Timezone.from_tzinfo(config.timezone, tzid=config.timezone_name,
                                first_date=first, last_date=last)
    # icalendar notes the covered range in a COMMENT, which RFC 5545 does not
    # allow in VTIMEZONE itself (libical's check reports it).
    zone.pop("COMMENT", None)
    return zone


def _renderer() -> str:
    import icalendar

    # Part of each hash: after an upgrade every event is rendered afresh (and
    # gets a new SEQUENCE, in case its text changed).
    return f"{PRODID} icalendar {icalendar.__version__}"


def _without_controls(fields: Fields) -> Fields:
    """Text from contact files, with no control characters for anyone's calendar app."""
    out: Fields = []
    for name, value in fields:
        if name in ("summary", "description", "location") and isinstance(value, str):
            value = clean(value)
        elif name == "valarm":
            value = (value[0], clean(value[1]))
        out.append((name, value))
    return out


def render_specs(specs: list[EventSpec], state: SequenceState, now: dt.datetime) -> list[str]:
    """The VEVENT texts of *specs*, numbered and stamped by *state* (updated in place)."""
    renderer = _renderer()
    texts = []
    for spec in specs:
        fields = _without_controls(spec.fields)
        blob = json.dumps([renderer, spec.uid, fields], ensure_ascii=False, default=str)
        # 64 bits of hash are plenty to notice a change, and keep the file small.
        digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
        sequence, seen, text = state.sequence(spec.uid, digest, now)
        if seen is None:  # new content: its own time if that is past, else now
            seen = min(spec.origin, now) if spec.origin is not None else now
            seen = seen.astimezone(dt.timezone.utc).replace(microsecond=0)
        if text is None:
            text = render_event(spec.uid, fields, sequence, seen)
        state.record(spec.uid, digest, sequence, seen, text)
        texts.append(text)
    return texts


def feed_items(source: Iterable[Contact | Summary] | Snapshot, config: Config, today: dt.date
               ) -> tuple[list[FollowUp], list[Any], list[Contact | Summary]]:
    """Every next follow-up (no date window), the meetings of today and later (see
    :func:`~pcrm.core.upcoming.calendar_after`) and the active contacts with a
    birthday (by month, day and id), of *source*'s contacts.

    A snapshot with briefs (from the index) decodes only the contacts that
    have one of these: on 10,000 contacts, about a quarter.
    """
    after = calendar_after(today)
    if isinstance(source, Snapshot) and source.briefs is not None:
        follow_ups = source.agenda(today)
        meetings = source.upcoming(after)
        people: list[Contact | Summary] = [
            source.files[path].contact  # type: ignore[misc]
            for path, brief in source.briefs.items()
            if brief.active and brief.birthday is not None]
    else:
        contacts = source.contacts if isinstance(source, Snapshot) else list(source)
        follow_ups = agenda(contacts, config, today, days=None)
        meetings = upcoming(contacts, after)
        people = [c for c in contacts if c.birthday is not None and c.status == "active"]
    people.sort(key=lambda c: (c.birthday[1], c.birthday[2], c.id))  # type: ignore[index]
    return follow_ups, meetings, people


def build_feed(contacts: Iterable[Contact | Summary] | Snapshot, config: Config, today: dt.date,
               state: SequenceState | None = None, *, now: dt.datetime,
               secret: bytes | None = None) -> Feed:
    """The feed for *contacts* (or a snapshot's, see :func:`feed_items`): one event
    per next follow-up, per upcoming meeting, and per birthday.

    Pure apart from *state*, which numbers SEQUENCE, stamps, lends the events
    rendered last time, and is updated in place. *now* (aware) bounds every
    stamp; *secret* keys the UIDs (required in minimal mode).
    """
    if config.calendar_minimal and secret is None:
        raise ValueError("minimal mode needs the vault's secret for its UIDs")
    state = state if state is not None else SequenceState(known=False)
    follow_ups, meetings, people = feed_items(contacts, config, today)
    specs = [follow_up_event(item, config, secret) for item in follow_ups]
    specs += meeting_events(meetings, config, secret)
    specs += [birthday_event(contact, config, secret) for contact in people]
    texts = render_specs(specs, state, now)
    timed = sorted(m.meeting.date for m in meetings if m.meeting.time is not None)
    components = []
    if not texts:
        components.append(vtimezone(config, today, today + dt.timedelta(days=366)))
    elif timed and not is_utc(config):  # the zone of the meetings' TZID
        components.append(vtimezone(config, timed[0], timed[-1] + dt.timedelta(days=1)))
    # Events go inside the VCALENDAR exactly where Calendar.to_ical() would
    # put its components (a test compares the two), without rendering again.
    head = _calendar_head(config, components)
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    data = head[:-len(end)] + "".join(texts).encode("utf-8") + end
    modified = state.feed_modified(hashlib.sha256(data).hexdigest()[:16], now)
    return Feed(data, len(follow_ups), len(people), modified, len(meetings))


def generate(contacts: Iterable[Summary] | Snapshot, config: Config, today: dt.date,
             state_dir: Path, now: dt.datetime | None = None) -> Feed:
    """The vault's feed, numbering SEQUENCE with the state kept in *state_dir*.

    The state file is rewritten only when something changed; failing to write
    it (a read-only cache folder) costs SEQUENCE updates, not the feed. Minimal
    mode cannot do without the vault's secret: failing to keep one is an error.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    secret = None
    if config.calendar_minimal:
        try:
            secret = load_secret(state_dir)
        except (OSError, WriteError) as exc:
            reason = exc.message if isinstance(exc, WriteError) else exc.strerror or exc
            raise WriteError(f"cannot keep the feed's secret in {state_dir}: {reason}") from None
    path = state_dir / STATE_FILE
    with _STATE_LOCK:
        state = SequenceState.load(path)
        feed = build_feed(contacts, config, today, state, now=now, secret=secret)
        saved = state.raw
        if state.changed():
            saved = None
            with suppress(OSError, WriteError):
                state.save(path)
                saved = state.raw
    return replace(feed, state=saved)
