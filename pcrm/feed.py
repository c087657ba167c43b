"""The calendar feed (spec 6): follow-ups and birthdays as one iCalendar file.

The only module that imports ``icalendar``; it does so inside
:func:`build_feed`, because the import costs about 0.2 s and every other
command must stay instant.

What calendar apps rely on, and how this module provides it:

- Stable UIDs: a follow-up's UID is a hash of the contact id, the rule and the
  key of the interaction it follows, so regenerating keeps it, and a new
  follow-up (a new interaction, another rule) gets a new one.
- Deterministic bytes: DTSTAMP and LAST-MODIFIED come from the data (the
  interaction followed, else the date itself), never from the clock, so the
  same vault gives the same bytes and the server the same ETag.
- SEQUENCE grows when an event's content changes. Content cannot say by
  itself that it changed, so a small per-machine state file
  (``feed-state.json`` in the vault's state folder, never tracked) maps each
  UID to the hash of its content and its sequence. A missing or corrupt file
  only means sequences start again at 0.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import tempfile
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import __version__
from .config import Config
from .model import Contact
from .rules import RULE_TITLES, FollowUp, agenda
from .timeutil import Duration

if TYPE_CHECKING:
    from .app import App

STATE_FILE = "feed-state.json"
PRODID = f"-//pcrm//pcrm {__version__}//EN"
# The server builds the feed from several threads; the state file is one
# read-modify-write, so one generation at a time per process.
_STATE_LOCK = threading.Lock()
_NOTES_LIMIT = 1000  # characters of the followed interaction's notes in DESCRIPTION


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


def birthday_uid(contact: Contact) -> str:
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

class SequenceState:
    """UID -> (content hash, SEQUENCE), as last published from this machine."""

    def __init__(self, entries: dict[str, tuple[str, int]] | None = None) -> None:
        self.entries = dict(entries or {})
        self.current: dict[str, tuple[str, int]] = {}

    @classmethod
    def load(cls, path: Path) -> SequenceState:
        """Read the state file; a missing, unreadable or corrupt one is an empty state."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            events = data["events"]
            entries = {str(uid): (str(value[0]), int(value[1])) for uid, value in events.items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return cls()
        return cls(entries)

    def sequence(self, uid: str, digest: str) -> int:
        """The SEQUENCE for *uid* with content *digest*: one more whenever the content changed."""
        old = self.entries.get(uid)
        if old is None:
            number = 0
        elif old[0] == digest:
            number = old[1]
        else:
            number = old[1] + 1
        self.current[uid] = (digest, number)
        return number

    def changed(self) -> bool:
        """True when the file needs writing (events changed, appeared or went away)."""
        return self.current != self.entries

    def save(self, path: Path) -> None:
        """Write the events of this generation only: finished follow-ups drop out."""
        data = {"version": 1, "events": {uid: list(value) for uid, value
                                         in sorted(self.current.items())}}
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"
        write_atomic(path, text.encode("utf-8"), mode=0o600)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write *data* to *path* through a temporary file in the same folder and ``os.replace``.

    A crash leaves the old file or the new one, never half of one. *mode*
    defaults to the existing file's permissions, else to what a plain
    ``open()`` would give. A symbolic link is followed, so a link into a web
    server's folder keeps working. Raises OSError.
    """
    path = Path(os.path.realpath(path))
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mask = os.umask(0o022)
            os.umask(mask)
            mode = 0o666 & ~mask
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


# -- building the calendar --------------------------------------------------------------

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
        lines.append(f"Follows: {heading}")
        notes = source.notes.strip()
        if notes:
            if len(notes) > _NOTES_LIMIT:
                notes = notes[:_NOTES_LIMIT].rstrip() + " [...]"
            lines.append(notes)
    lines.append(f"File: {item.path}")
    return "\n".join(lines)


def _follow_up_event(item: FollowUp, config: Config) -> Any:
    from icalendar import Event, vText

    title = RULE_TITLES[item.rule]
    event = Event()
    event.add("uid", follow_up_uid(item))
    if config.calendar_minimal:
        event.add("summary", vText(f"{title}: {initials(item.name)}"))
        event.add("description", vText(f"{title} due {item.due.isoformat()}"))
    else:
        who = f"{item.name} ({item.company})" if item.company else item.name
        event.add("summary", vText(f"{title}: {who}"))
        event.add("description", vText(_description(item, config)))
    event.add("dtstart", item.due)
    event.add("dtend", item.due + dt.timedelta(days=1))  # DATE end is exclusive
    if item.source is not None:
        stamp = _stamp(item.source.date, item.source.time, config)
    else:
        stamp = _stamp(item.snoozed_from or item.due, None, config)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("categories", [item.rule])
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: never "busy"
    return event


def _birthday_event(contact: Contact, config: Config) -> Any:
    from icalendar import Event, vText

    assert contact.birthday is not None
    year, month, day = contact.birthday
    # Without a year, start in 2000: a leap year, so 29 February is a real date.
    start = dt.date(year or 2000, month, day)
    name = initials(contact.name) if config.calendar_minimal else contact.name
    event = Event()
    event.add("uid", birthday_uid(contact))
    event.add("summary", vText(f"Birthday: {name}"))
    if config.calendar_minimal:
        event.add("description", vText("Birthday"))
    else:
        born = f"Born {start.isoformat()}\n" if year else ""
        event.add("description", vText(f"{born}File: {contact.path}"))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    rule: dict[str, Any] = {"freq": "yearly"}
    if (month, day) == (2, 29):
        # "The last day of February": 29th in leap years, 28th otherwise,
        # where a plain yearly rule would skip three years out of four.
        rule.update(bymonth=2, bymonthday=-1)
    event.add("rrule", rule)
    stamp = _stamp(start, None, config)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("categories", ["birthday"])
    event.add("transp", "TRANSPARENT")
    return event


def _add_alarm(event: Any, config: Config) -> None:
    from icalendar import Alarm, vText

    if config.calendar_alarm is None:
        return
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", vText(str(event["summary"])))
    # Relative to the start of the all-day event, i.e. local midnight of the day.
    alarm.add("trigger", -as_timedelta(config.calendar_alarm))
    event.add_component(alarm)


def build_feed(contacts: Iterable[Contact], config: Config, today: dt.date,
               state: SequenceState | None = None) -> Feed:
    """The feed for *contacts*: one event per next follow-up, one per birthday.

    Pure apart from *state*, which numbers SEQUENCE and is updated in place.
    """
    from icalendar import Calendar, vDuration, vText

    contacts = list(contacts)
    state = state if state is not None else SequenceState()
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

    follow_ups = agenda(contacts, config, today, days=None)
    events = [_follow_up_event(item, config) for item in follow_ups]
    people = sorted((c for c in contacts if c.birthday is not None and c.status == "active"),
                    key=lambda c: (c.birthday[1], c.birthday[2], c.id))  # type: ignore[index]
    events += [_birthday_event(contact, config) for contact in people]
    for event in events:
        _add_alarm(event, config)
        # 64 bits of hash are plenty to notice a change, and keep the file small.
        digest = hashlib.sha256(event.to_ical()).hexdigest()[:16]
        event.add("sequence", state.sequence(str(event["uid"]), digest))
        calendar.add_component(event)
    return Feed(calendar.to_ical(), len(follow_ups), len(people))


def generate(app: App) -> Feed:
    """The vault's feed, numbering SEQUENCE with the state kept in ``app.state_dir``.

    The state file is rewritten only when something changed; failing to write
    it (a read-only cache folder) costs SEQUENCE updates, not the feed.
    """
    path = app.state_dir / STATE_FILE
    with _STATE_LOCK:
        state = SequenceState.load(path)
        feed = build_feed(app.snapshot.contacts, app.config, app.today, state)
        if state.changed():
            with suppress(OSError):
                state.save(path)
    return feed
