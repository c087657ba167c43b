"""The follow-up habit (spec 12, ``pcrm report``), measured from the logs alone.

Works on the index's records; "today" and the start date are parameters.
Decisions where the spec is silent (also in the README):
- Everything counts interactions dated from *since* (all time when None) to
  today; later ones (booked meetings, typos) are left out. The weekly bars
  always show the 8 ISO weeks ending with today's week.
- Each past meeting owes one thank-you: the first outbound after it of a
  channel its kind accepts (``answered_by``; by default a message, and for an
  ``event`` a connection request too), before the contact's next meeting. It
  is on time when sent within the kind's window (an entry without a time
  counts at the start of its day, and an untimed thank-you is on time on the
  window's last day). A meeting whose window is still open and has no
  thank-you yet is not counted.
- A message is replied to when an inbound (``reply``, ``received``) is logged
  after it and before the next outbound to that person.
- The funnel counts people who got at least that far: reached (any outbound,
  inbound or meeting), replied (an inbound or a meeting), met (a meeting),
  interviewed (an ``interview``); then offers: applications in company files
  with an ``offer`` or ``accepted`` heading.
- Gone quiet: active or paused contacts that are quiet now (see
  :mod:`pcrm.core.states`) whose last message is dated from *since*.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from pcrm.core.config import Config
from pcrm.core.model import INBOUND, MEETING, OUTBOUND, Company, Logged, Summary
from pcrm.core.timeutil import Duration

MESSAGE, CONNECT = "message", "connect"
CHANNELS = (MESSAGE, CONNECT)
WEEKS = 8
OFFER_STAGES = ("offer", "accepted")
_CONNECT_KINDS = ("linkedin", "connect")


@dataclass
class Report:
    """What ``pcrm report`` shows."""

    since: dt.date | None
    today: dt.date
    thank_you_total: int = 0
    thank_you_on_time: int = 0
    hours: list[float] = field(default_factory=list)  # meeting to thank-you, each sent one
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    replied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    funnel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("reached", "replied", "met", "interviewed", "offer"), 0))
    quiet: list[Summary] = field(default_factory=list)
    weeks: list[tuple[str, int]] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    def as_json(self) -> dict[str, Any]:
        """The shape of ``report --json`` (spec 12; locked by a test)."""
        return {"since": self.since.isoformat() if self.since else None,
                "thank_you": {"total": self.thank_you_total, "on_time": self.thank_you_on_time,
                              "median_hours": self.median_hours},
                "channels": {ch: {"sent": self.sent[ch], "replied": self.replied[ch]}
                             for ch in CHANNELS},
                "funnel": dict(self.funnel), "quiet": len(self.quiet),
                "weeks": [{"week": week, "outreach": count} for week, count in self.weeks]}


def channel_of(kind: str, config: Config) -> str:
    """``message`` or ``connect``: how an outbound kind reaches the person."""
    found = getattr(config.kinds.get(kind), "channel", None)
    if found in CHANNELS:
        return found
    return CONNECT if kind in _CONNECT_KINDS else MESSAGE


def answered_by(kind: str, config: Config) -> tuple[str, ...]:
    """The channels whose outbound is a thank-you for a meeting of *kind*."""
    found = getattr(config.kinds.get(kind), "answered_by", None)
    if found:
        return tuple(found)
    return (MESSAGE, CONNECT) if kind == "event" else (MESSAGE,)


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _thank_yous(log: Sequence[Logged], start: dt.date, config: Config, today: dt.date,
                report: Report) -> None:
    for position, meeting in enumerate(log):
        if meeting.klass != MEETING or meeting.date < start:
            continue
        kind = config.kinds.get(meeting.kind)
        window = (kind.window if kind is not None else None) or Duration(24, "h")
        deadline = window.add(meeting.when)
        accepted = answered_by(meeting.kind, config)
        sent = None
        for later in log[position + 1:]:
            if later.klass == MEETING:
                break
            if later.klass == OUTBOUND and channel_of(later.kind, config) in accepted:
                sent = later
                break
        if sent is None:
            if deadline.date() < today:
                report.thank_you_total += 1
            continue
        report.thank_you_total += 1
        in_time = sent.when <= deadline if sent.time is not None else \
            sent.date <= deadline.date()
        report.thank_you_on_time += in_time
        report.hours.append(max(0.0, (sent.when - meeting.when).total_seconds() / 3600))


def _messages(log: Sequence[Logged], start: dt.date, config: Config, report: Report) -> None:
    for position, entry in enumerate(log):
        if entry.klass != OUTBOUND or entry.date < start:
            continue
        channel = channel_of(entry.kind, config)
        report.sent[channel] += 1
        for later in log[position + 1:]:
            if later.klass == OUTBOUND:
                break
            if later.klass == INBOUND:
                report.replied[channel] += 1
                break


def _funnel(log: Sequence[Logged], start: dt.date, report: Report) -> None:
    seen = {entry.klass for entry in log if entry.date >= start}
    kinds = {entry.kind for entry in log if entry.date >= start and entry.klass == MEETING}
    steps = (("reached", bool(seen & {OUTBOUND, INBOUND, MEETING})),
             ("replied", bool(seen & {INBOUND, MEETING})), ("met", MEETING in seen),
             ("interviewed", "interview" in kinds))
    for step, reached in steps:
        report.funnel[step] += reached


def build(contacts: Iterable[Summary], companies: Iterable[Company], config: Config,
          today: dt.date, since: dt.date | None = None) -> Report:
    """Measure the habit over *contacts* and the applications in *companies*."""
    report = Report(since, today)
    start = since or dt.date.min
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    per_week = [0] * WEEKS
    for contact in contacts:
        log = [entry for entry in contact.log if entry.date <= today]
        _thank_yous(log, start, config, today, report)
        _messages(log, start, config, report)
        _funnel(log, start, report)
        for entry in log:
            if entry.klass == OUTBOUND and entry.date >= first:
                per_week[(entry.date - first).days // 7] += 1
        if contact.status != "archived" and contact.quiet(today) and \
                contact.quiet_since is not None and contact.quiet_since >= start:
            report.quiet.append(contact)
    report.weeks = [(iso_week(first + dt.timedelta(weeks=n)), per_week[n]) for n in range(WEEKS)]
    report.quiet.sort(key=lambda c: (c.name.casefold(), c.id))
    report.funnel["offer"] = _offers(companies, start, today)
    return report


def _offers(companies: Iterable[Company], start: dt.date, today: dt.date) -> int:
    """Applications (company, role) with an offer or accepted heading in the period."""
    from pcrm.insights.companies import company_key

    found = {(company_key(company.name), company_key(stage.role))
             for company in companies for stage in company.stages
             if stage.stage in OFFER_STAGES and start <= stage.date <= today}
    return len(found)
