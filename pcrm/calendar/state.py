"""What the feed remembers between generations, per vault and per machine.

Two files in the vault's state folder (never tracked, 0600):

- ``feed-state.json``: for each event UID, a hash of what the event says, its
  SEQUENCE, when that content was first seen (DTSTAMP / LAST-MODIFIED) and its
  rendered text (rendering is the slow part); plus a hash of the whole feed and
  when it last changed (the server's ``Last-Modified``).
- ``feed-secret``: random bytes that key minimal-mode UIDs, so that a list of
  names and dates cannot be hashed into the feed's UIDs.

SEQUENCE must grow whenever an event changes, even after this file is lost.
An event whose history is unknown (no state, or a UID the state does not
know while the state itself is new) therefore gets a SEQUENCE taken from the
clock (seconds since 2020); a change to an event whose history is known gets
the clock's value too, or one more than before when that is higher. So every
SEQUENCE ever issued is at most the clock of its time (bar two changes of one
event within a second), and one issued later, with or without the state file,
is higher.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pcrm.core.errors import ConflictError
from pcrm.store.files import REPLACE, write_atomic
from pcrm.store.paths import private_folder

STATE_FILE = "feed-state.json"
SECRET_FILE = "feed-secret"
VERSION = 3
_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)

# (content hash, SEQUENCE, first seen as ISO UTC, rendered VEVENT or None)
Entry = tuple[str, int, str, "str | None"]


def clock_sequence(now: dt.datetime) -> int:
    """A SEQUENCE from the clock: whole seconds since 2020 (fits 31 bits until 2088)."""
    return max(0, int((now - _EPOCH).total_seconds()))


def utc_iso(moment: dt.datetime) -> str:
    """*moment* in UTC, whole seconds, ISO 8601."""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


class SequenceState:
    """UID -> (content hash, SEQUENCE, first seen, rendered text), as last published."""

    def __init__(self, entries: dict[str, Entry] | None = None, *, known: bool = True,
                 feed: tuple[str, str] | None = None) -> None:
        self.entries = dict(entries or {})
        self.current: dict[str, Entry] = {}
        # False when the history was lost (no file, or a corrupt one).
        self.known = known
        self.feed = feed  # (hash of the feed's bytes, when they last changed)
        self._feed_changed = False
        self.raw: bytes | None = None  # the file's bytes as loaded or saved (None: no file)

    @classmethod
    def load(cls, path: Path) -> SequenceState:
        """Read the state file; a missing, unreadable or corrupt one is an unknown history."""
        try:
            raw = path.read_bytes()
        except OSError:
            return cls(known=False)
        state = cls._parse(raw)
        state.raw = raw
        return state

    @classmethod
    def _parse(cls, raw: bytes) -> SequenceState:
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("version") != VERSION:
                return cls(known=False)
            entries: dict[str, Entry] = {}
            for uid, value in data["events"].items():
                digest, sequence, seen, text = value
                dt.datetime.fromisoformat(seen)
                # Only a whole VEVENT of this UID is reused; anything else is rendered again.
                if not (isinstance(text, str) and text.startswith("BEGIN:VEVENT\r\n")
                        and text.endswith("END:VEVENT\r\n") and f"\r\nUID:{uid}\r\n" in text):
                    text = None
                entries[str(uid)] = (str(digest), int(sequence), str(seen), text)
            feed = data.get("feed")
            if feed is not None:
                dt.datetime.fromisoformat(feed[1])
                feed = (str(feed[0]), str(feed[1]))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return cls(known=False)
        return cls(entries, feed=feed)

    def sequence(self, uid: str, digest: str, now: dt.datetime
                 ) -> tuple[int, dt.datetime | None, str | None]:
        """SEQUENCE for *uid* with content *digest*, when that content was first
        seen (None: it is new now), and the text rendered last time if still good."""
        old = self.entries.get(uid)
        if old is None:
            return (0 if self.known else clock_sequence(now)), None, None
        if old[0] == digest:
            return old[1], dt.datetime.fromisoformat(old[2]), old[3]
        return max(old[1] + 1, clock_sequence(now)), None, None

    def record(self, uid: str, digest: str, sequence: int, seen: dt.datetime,
               text: str) -> None:
        """Remember what this generation published for *uid*."""
        self.current[uid] = (digest, sequence, utc_iso(seen), text)

    def feed_modified(self, digest: str, now: dt.datetime) -> dt.datetime:
        """When the feed's bytes (hashed to *digest*) last changed, in whole seconds.

        A change within the second of the previous one is stamped a second
        later, so that ``If-Modified-Since`` (one-second resolution) never
        mistakes the new bytes for the old.
        """
        if self.feed is not None and self.feed[0] == digest:
            return dt.datetime.fromisoformat(self.feed[1])
        stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)
        if self.feed is not None:
            previous = dt.datetime.fromisoformat(self.feed[1])
            stamp = max(stamp, previous + dt.timedelta(seconds=1))
        self.feed = (digest, stamp.isoformat())
        self._feed_changed = True
        return stamp

    def changed(self) -> bool:
        """True when the file needs writing (events changed, appeared or went away)."""
        return self._feed_changed or self.current != self.entries or not self.known

    def save(self, path: Path) -> None:
        """Write the events of this generation only: finished follow-ups drop out."""
        data = {"version": VERSION, "feed": list(self.feed) if self.feed else None,
                "events": {uid: list(value) for uid, value in sorted(self.current.items())}}
        private_folder(path.parent)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        raw = text.encode("utf-8")
        write_atomic(path, raw, expected=REPLACE, mode=0o600)  # it holds names
        self.raw = raw


def load_secret(folder: Path) -> bytes:
    """The vault's secret for minimal-mode UIDs, made on first use (32 random bytes, 0600).

    Raises OSError when it cannot be read nor its folder made, WriteError when
    it cannot be written.
    """
    import secrets  # noqa: PLC0415 - only minimal mode needs it

    path = folder / SECRET_FILE
    damaged = False
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
        damaged = True
    except FileNotFoundError:
        pass
    except (ValueError, UnicodeDecodeError):
        damaged = True
    private_folder(folder)
    secret = secrets.token_bytes(32)
    try:
        # Two processes may race: the first one written wins and both use its secret.
        write_atomic(path, (secret.hex() + "\n").encode("ascii"),
                     expected=REPLACE if damaged else None, mode=0o600)
    except ConflictError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    return secret
