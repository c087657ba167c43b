"""Durations and dates as users type them: ``30d``, ``2w``, ``3m``, ``1y``, ``24h``,
``2026-11-22``, ``today``, ``yesterday``, ``+3d``.

Nothing here reads the clock: "today" is always a parameter.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pcrm.core.safetext import brief

_DURATION = re.compile(r"^\s*(\d{1,5})\s*([hdwmy])\s*$")
_APPROX_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 31, "y": 366}
# Dates a person means, with room for any window or cadence: no date overflow.
MIN_YEAR, MAX_YEAR = 1000, 8999
UNIT_NAMES = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}


@dataclass(frozen=True)
class Duration:
    """An amount of hours, days, weeks, calendar months or years."""

    amount: int
    unit: str  # one of h d w m y

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def describe(self) -> str:
        """``30 days``, ``1 week``: for reasons shown to users."""
        name = UNIT_NAMES[self.unit]
        return f"{self.amount} {name}{'' if self.amount == 1 else 's'}"

    def add(self, when: dt.datetime) -> dt.datetime:
        """*when* plus this duration; months and years clamp to the month's end."""
        if self.unit == "h":
            return when + dt.timedelta(hours=self.amount)
        if self.unit == "d":
            return when + dt.timedelta(days=self.amount)
        if self.unit == "w":
            return when + dt.timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        return when.replace(**_add_months(when.year, when.month, when.day, months))

    def add_date(self, day: dt.date) -> dt.date:
        """*day* plus this duration, as a date (hours round down to days)."""
        return self.add(dt.datetime.combine(day, dt.time())).date()


def _add_months(year: int, month: int, day: int, months: int) -> dict[str, int]:
    index = year * 12 + (month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return {"year": year, "month": month,
            "day": min(day, _days_in_month(year, month))}


def _days_in_month(year: int, month: int) -> int:
    # Not calendar.monthrange: the calendar module costs more to import than this.
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def parse_duration(text: object, *, units: str = "hdwmy") -> Duration:
    """Parse ``30d`` / ``2w`` / ``3m`` / ``1y`` / ``24h``; raise ValueError."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValueError(f"{brief(text)} is not a duration (use e.g. 30d, 2w, 3m, 1y)")
    match = _DURATION.match(str(text))
    if not match or match.group(2) not in units:
        allowed = ", ".join(f"N{u}" for u in units)
        raise ValueError(f"{brief(text)} is not a duration (use {allowed})")
    amount = int(match.group(1))
    if amount == 0:
        raise ValueError(f"{brief(text)} is not a duration (it must be more than zero)")
    unit = match.group(2)
    if amount * _APPROX_DAYS[unit] > 36_600:
        raise ValueError(f"{brief(text)} is too long (at most 100 years)")
    return Duration(amount, unit)


def parse_cadence(value: object) -> Duration | None:
    """A cadence: a duration in days or more, or ``none`` (returns None)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "never")):
        return None
    if value is False:
        return None
    return parse_duration(value, units="dwmy")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date; ValueError names the problem."""
    if not _ISO_DATE.fullmatch(text.strip()):
        raise ValueError(f"{brief(text)} is not a date (use YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text} is not a valid date") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"{text}: the year must be from {MIN_YEAR} to {MAX_YEAR}")
    return day


def parse_when(text: str, today: dt.date, *, future: bool) -> dt.date:
    """A date typed on the command line.

    Accepts ``YYYY-MM-DD``, ``today``, ``yesterday``, ``tomorrow``, and
    durations: ``3d`` means 3 days ago for past-facing options (``--date``)
    and in 3 days for future-facing ones (snooze, schedule, ``--expect``);
    ``+3d`` / ``-3d`` force the direction.
    """
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    if word == "tomorrow":
        return today + dt.timedelta(days=1)
    sign = 1 if future else -1
    if word[:1] in "+-" and len(word) > 1:
        sign = 1 if word[0] == "+" else -1
        word = word[1:]
    if _DURATION.match(word):
        duration = parse_duration(word, units="dwmy")
        if sign > 0:
            return duration.add_date(today)
        return _subtract(today, duration)
    if not _ISO_DATE.fullmatch(text.strip()):
        raise ValueError(
            f"{brief(text)} is not a date (use YYYY-MM-DD, today, yesterday, tomorrow, 3d, +2w)")
    return parse_iso_date(text)  # date-shaped: its error says what is wrong (2026-02-30)


def _subtract(day: dt.date, duration: Duration) -> dt.date:
    if duration.unit in "dw":
        return day - dt.timedelta(days=duration.amount * (7 if duration.unit == "w" else 1))
    months = duration.amount * (12 if duration.unit == "y" else 1)
    return day.replace(**_add_months(day.year, day.month, day.day, -months))


def parse_clock(text: str) -> dt.time:
    """``HH:MM`` (24-hour); ValueError otherwise."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{brief(text)} is not a time (use HH:MM, 00:00 to 23:59)")
    return dt.time(int(match.group(1)), int(match.group(2)))
