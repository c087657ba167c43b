"""The calendar feed (spec 6): follow-ups and birthdays as one iCalendar file.

The only module that imports ``icalendar``; it does so inside the functions
that need it, because the import costs about 0.2 s and every other command
must stay instant.

What calendar apps rely on, and how this module provides it:

- Stable UIDs: a follow-up's UID is a hash of the contact id, the rule and the
  key of the interaction it follows, so regenerating keeps it, and a new
  follow-up (a new interaction, another rule) gets a new one.
- Deterministic bytes: DTSTAMP and LAST-MODIFIED come from the data (the
  interaction followed, else the date itself), never from the clock, so the
  same vault gives the same bytes and the server the same ETag.
- SEQUENCE grows when an event's content changes. Content cannot say by
  itself that it changed, so a per-machine state file (``feed-state.json`` in
  the vault's state folder, never tracked) maps each UID to a hash of its
  content and its sequence. A missing or corrupt file only means sequences
  start again at 0.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pcrm import __version__
from pcrm.core.config import Config
from pcrm.store.files import REPLACE, write_atomic
from pcrm.core.errors import WriteError
from pcrm.core.model import Contact, Summary
from pcrm.core.rules import RULE_TITLES, FollowUp, agenda
from pcrm.core.timeutil import Duration

STATE_FILE = "feed-state.json"
PRODID = f"-//pcrm//pcrm {__version__}//EN"
# The server builds the feed from several threads; the state file is one
# read-modify-write, so one generation at a time per process.
_STATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Feed:
    """A generated feed: the bytes to publish and what they hold."""

    data: bytes
    follow_ups: int
    birthdays: int


# -- identities -------------------------------------------------------------------------

def follow_up_uid(item: FollowUp) -> str:
    """The UID of a follow-up: the same follow-up always gets the same one.

    ``source_key`` names the interaction the follow-up answers (or the
    scheduled date), so a later interaction that starts a new follow-up of the
    same rule gives a new UID instead of silently moving the old event.
    """
    key = "\n".join(("follow-up", item.contact, item.rule, item.source_key))
    return hashlib.sha1(key.encode("utf-8")).hexdigest() + "@pcrm"


def birthday_uid(contact: Contact | Summary) -> str:
    """The UID of a contact's yearly birthday event (one per contact)."""
    key = "\n".join(("birthday", contact.id))
    return hashlib.sha1(key.encode("utf-8")).hexdigest() + "@pcrm"


def initials(name: str) -> str:
    """``Jane van Doe`` -> ``J. V. D.``: what minimal mode shows instead of names."""
    letters = []
    for word in name.split():
        first = next((char for char in word if char.isalnum()), None)
        if first is not None:
            letters.append(first.upper() + ".")
    return " ".join(letters) or "?"


def as_timedelta(duration: Duration) -> dt.timedelta:
    """A refresh or alarm duration (hours, days or weeks) as a timedelta."""
    if duration.unit == "h":
        return dt.timedelta(hours=duration.amount)
    if duration.unit == "d":
        return dt.timedelta(days=duration.amount)
    if duration.unit == "w":
        return dt.timedelta(weeks=duration.amount)
    raise ValueError(f"{duration} cannot be a calendar duration (use hours, days or weeks)")


# -- the sequence state -----------------------------------------------------------------

Entry = tuple[str, int, "str | None"]  # (content hash, SEQUENCE, rendered VEVENT or None)


class SequenceState:
    """UID -> (content hash, SEQUENCE, rendered text), as last published from this machine."""

    def __init__(self, entries: dict[str, Entry] | None = None) -> None:
        self.entries = dict(entries or {})
        self.current: dict[str, Entry] = {}

    @classmethod
    def load(cls, path: Path) -> SequenceState:
        """Read the state file; a missing, unreadable or corrupt one is an empty state."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries: dict[str, Entry] = {}
            for uid, value in data["events"].items():
                text = value[2] if len(value) > 2 else None
                # Only a whole VEVENT of this UID is reused; anything else is rendered again.
                if not (isinstance(text, str) and text.startswith("BEGIN:VEVENT\r\n")
                        and text.endswith("END:VEVENT\r\n") and f"\r\nUID:{uid}\r\n" in text):
                    text = None
                entries[str(uid)] = (str(value[0]), int(value[1]), text)
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return cls()
        return cls(entries)

    def sequence(self, uid: str, digest: str) -> tuple[int, str | None]:
        """SEQUENCE for *uid* with content *digest* (one more whenever the content
        changed), and the text rendered last time if it is still good."""
        old = self.entries.get(uid)
        if old is None:
            return 0, None
        if old[0] == digest:
            return old[1], old[2]
        return old[1] + 1, None

    def record(self, uid: str, digest: str, sequence: int, text: str) -> None:
        """Remember what this generation published for *uid*."""
        self.current[uid] = (digest, sequence, text)

    def changed(self) -> bool:
        """True when the file needs writing (events changed, appeared or went away)."""
        return self.current != self.entries

    def save(self, path: Path) -> None:
        """Write the events of this generation only: finished follow-ups drop out."""
        data = {"version": 2, "events": {uid: list(value) for uid, value
                                         in sorted(self.current.items())}}
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        write_atomic(path, text.encode("utf-8"), expected=REPLACE, mode=0o600)  # it holds names


# -- building the calendar --------------------------------------------------------------

Fields = list[tuple[str, Any]]  # an event's properties in order, as plain Python values


def _stamp(day: dt.date, time: dt.time | None, config: Config) -> dt.datetime:
    """A UTC DATE-TIME from the data, for DTSTAMP and LAST-MODIFIED."""
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


def follow_up_fields(item: FollowUp, config: Config) -> Fields:
    """What the event of one follow-up says (minimal mode: initials, rule and date only)."""
    title = RULE_TITLES[item.rule]
    if config.calendar_minimal:
        summary = f"{title}: {initials(item.name)}"
        description = f"{title} due {item.due.isoformat()}"
    else:
        who = f"{item.name} ({item.company})" if item.company else item.name
        summary = f"{title}: {who}"
        description = _description(item, config)
    if item.source is not None:
        stamp = _stamp(item.source.date, item.source.time, config)
    else:
        stamp = _stamp(item.snoozed_from or item.due, None, config)
    return [("uid", follow_up_uid(item)), ("summary", summary), ("description", description),
            ("dtstart", item.due),
            ("dtend", item.due + dt.timedelta(days=1)),  # a DATE end is exclusive
            ("dtstamp", stamp), ("last-modified", stamp), ("categories", [item.rule]),
            ("transp", "TRANSPARENT"),  # a reminder, not a meeting: never "busy"
            *_alarm_fields(summary, config)]


def birthday_fields(contact: Contact | Summary, config: Config) -> Fields:
    """What a contact's yearly birthday event says."""
    assert contact.birthday is not None
    year, month, day = contact.birthday
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
    stamp = _stamp(start, None, config)
    return [("uid", birthday_uid(contact)), ("summary", summary), ("description", description),
            ("dtstart", start), ("dtend", start + dt.timedelta(days=1)), ("rrule", rule),
            ("dtstamp", stamp), ("last-modified", stamp), ("categories", ["birthday"]),
            ("transp", "TRANSPARENT"), *_alarm_fields(summary, config)]


def _alarm_fields(summary: str, config: Config) -> Fields:
    if config.calendar_alarm is None:
        return []
    # Relative to the start of the all-day event, i.e. local midnight of the day.
    return [("valarm", (-as_timedelta(config.calendar_alarm), summary))]


def render_event(fields: Fields, sequence: int) -> str:
    """One VEVENT as icalendar writes it (CRLF line ends, folded at 75 octets)."""
    from icalendar import Alarm, Event, vText

    event = Event()
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
    event.add("sequence", sequence)
    return event.to_ical().decode("utf-8")


def _calendar_head(config: Config) -> bytes:
    """The VCALENDAR with its properties and no events, as icalendar writes it."""
    from icalendar import Calendar, vDuration, vText

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar does not know NAME / X-WR-CALNAME as text: without vText a
    # comma or a newline in the configured name would be written unescaped.
    calendar.add("name", vText(config.calendar_name))
    calendar.add("x-wr-calname", vText(config.calendar_name))
    refresh = as_timedelta(config.calendar_refresh)
    # VALUE=DURATION must be explicit (RFC 7986), and an X- property given a
    # bare timedelta would be written as "6:00:00": both get a vDuration.
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    return calendar.to_ical()


def build_feed(contacts: Iterable[Contact | Summary], config: Config, today: dt.date,
               state: SequenceState | None = None) -> Feed:
    """The feed for *contacts*: one event per next follow-up, one per birthday.

    Pure apart from *state*, which numbers SEQUENCE, lends the events rendered
    last time, and is updated in place.
    """
    import icalendar

    contacts = list(contacts)
    state = state if state is not None else SequenceState()
    follow_ups = agenda(contacts, config, today, days=None)
    people = sorted((c for c in contacts if c.birthday is not None and c.status == "active"),
                    key=lambda c: (c.birthday[1], c.birthday[2], c.id))  # type: ignore[index]
    described = [follow_up_fields(item, config) for item in follow_ups]
    described += [birthday_fields(contact, config) for contact in people]
    # The renderer is part of each hash: after an upgrade every event is
    # rendered afresh (and gets a new SEQUENCE, in case its text changed).
    renderer = f"{PRODID} icalendar {icalendar.__version__}"
    texts = []
    for fields in described:
        uid = dict(fields)["uid"]
        blob = json.dumps([renderer, fields], ensure_ascii=False, default=str)
        # 64 bits of hash are plenty to notice a change, and keep the file small.
        digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
        sequence, text = state.sequence(uid, digest)
        if text is None:
            text = render_event(fields, sequence)
        state.record(uid, digest, sequence, text)
        texts.append(text)
    # Events go inside the VCALENDAR exactly where Calendar.to_ical() would
    # put its components (a test compares the two), without rendering again.
    head = _calendar_head(config)
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    data = head[:-len(end)] + "".join(texts).encode("utf-8") + end
    return Feed(data, len(follow_ups), len(people))


def generate(contacts: list[Summary], config: Config, today: dt.date, state_dir: Path) -> Feed:
    """The vault's feed, numbering SEQUENCE with the state kept in *state_dir*.

    The state file is rewritten only when something changed; failing to write
    it (a read-only cache folder) costs SEQUENCE updates, not the feed.
    """
    path = state_dir / STATE_FILE
    with _STATE_LOCK:
        state = SequenceState.load(path)
        feed = build_feed(contacts, config, today, state)
        if state.changed():
            with suppress(OSError, WriteError):
                state.save(path)
    return feed
