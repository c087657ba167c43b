"""What every feed event is made of: its description as plain fields, and its UID.

Shared by the kinds of events (follow-ups and birthdays in
:mod:`pcrm.calendar.feed`, meetings in :mod:`pcrm.calendar.meetings`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from pcrm.core.config import Config
from pcrm.core.timeutil import Duration

UID_DOMAIN = "@pcrm"  # every UID pcrm makes ends so: publish touches only those
Fields = list[tuple[str, Any]]  # an event's properties in order, as plain Python values


@dataclass(frozen=True)
class EventSpec:
    """One event before rendering: what it says, and when its content came to be."""

    uid: str
    fields: list[tuple[str, Any]]
    origin: dt.datetime | None = None  # the data's own time, if it has one (else: now)


# -- identities -------------------------------------------------------------------------

def keyed_uid(parts: tuple[str, ...], secret: bytes | None) -> str:
    """A UID from what the event stands for; keyed with *secret* (HMAC) when given."""
    key = "\n".join(parts).encode("utf-8")
    if secret is None:
        return hashlib.sha1(key).hexdigest() + UID_DOMAIN
    return hmac.new(secret, key, hashlib.sha256).hexdigest()[:40] + UID_DOMAIN


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


def alarm_fields(summary: str, config: Config) -> Fields:
    if config.calendar_alarm is None:
        return []
    # Relative to the start of the event (local midnight of an all-day one).
    return [("valarm", (-as_timedelta(config.calendar_alarm), summary))]


def is_utc(config: Config) -> bool:
    """Does the vault keep UTC (its times then written with Z, no VTIMEZONE needed)?"""
    return config.timezone is dt.timezone.utc or config.timezone_name.upper() in (
        "UTC", "ETC/UTC", "Z", "ETC/UCT", "UCT", "ZULU", "ETC/ZULU")
