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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

from pcrm.core.config import Config
from pcrm.core.model import (CHANNELS, INBOUND, MEETING, MESSAGE, OUTBOUND,
                             Company, Summary, contact_id)
from pcrm.core.records import log_of
from pcrm.core.snapshot import Snapshot
from pcrm.core.timeutil import Duration

WEEKS = 8
OFFER_STAGES = ("offer", "accepted")


# A log entry as the index keeps it (pcrm.core.records.LoggedRecord): (date ordinal,
# minutes or None, kind, class); the report reads thousands of them, never as objects.
Entry = tuple


class Person(NamedTuple):
    """What the report reads of one contact."""

    id: str
    name: str
    status: str
    quiet_since: int | None  # date ordinal
    log: Sequence[Entry]  # in time order


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
    quiet: list[Person] = field(default_factory=list)
    weeks: list[tuple[str, int]] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        import statistics  # noqa: PLC0415 - its import costs more than the median

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


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


class _Kinds:
    """Each kind's channel, thank-you window and accepted channels, looked up once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.channels: dict[str, str] = {}
        self.meetings: dict[str, tuple[Duration, tuple[str, ...]]] = {}

    def channel(self, kind: str) -> str:
        found = self.channels.get(kind)
        if found is None:  # as the config's kinds say (pcrm.core.kinds); a message if unknown
            found = self.channels[kind] = getattr(self.config.kinds.get(kind), "channel",
                                                  None) or MESSAGE
        return found

    def meeting(self, kind: str) -> tuple[Duration, tuple[str, ...], int | None]:
        """Its thank-you window, the channels that answer it, and the window in
        minutes (None: months or years, which need the calendar)."""
        found = self.meetings.get(kind)
        if found is None:
            known = self.config.kinds.get(kind)
            window = (known.window if known is not None else None) or Duration(24, "h")
            accepted = (known.answered_by if known is not None else ()) or (MESSAGE,)
            step = _MINUTES.get(window.unit)
            found = self.meetings[kind] = (window, tuple(accepted),
                                           window.amount * step if step else None)
        return found


_MINUTES = {"h": 60, "d": 24 * 60, "w": 7 * 24 * 60}  # the fixed-length units
_DAY = 24 * 60


def _when(entry: Entry) -> dt.datetime:
    start = dt.datetime.fromordinal(entry[0])
    return start if entry[1] is None else start + dt.timedelta(minutes=entry[1])


def _thank_you(log: Sequence[Entry], position: int, kinds: _Kinds, today: int,
               report: Report) -> None:
    """Count the thank-you the meeting at *position* owes (see the module doc).

    Times are minutes from the start of day 1 (ordinal): an untimed entry at
    the start of its day, a deadline's day its minutes' day."""
    day, minutes, kind, _klass = log[position]
    window, accepted, length = kinds.meeting(kind)
    met = day * _DAY + (minutes or 0)
    if length is not None:
        deadline = met + length
    else:  # calendar months or years: as the calendar counts them
        end = window.add(_when(log[position]))
        deadline = end.toordinal() * _DAY + end.hour * 60 + end.minute
    channels = kinds.channels
    sent = None
    for later in log[position + 1:]:
        klass = later[3]
        if klass == MEETING:
            break
        if klass == OUTBOUND and (channels.get(later[2]) or kinds.channel(later[2])) in accepted:
            sent = later
            break
    if sent is None:
        if deadline // _DAY < today:
            report.thank_you_total += 1
        return
    report.thank_you_total += 1
    when = sent[0] * _DAY + (sent[1] or 0)
    report.thank_you_on_time += when <= deadline if sent[1] is not None \
        else sent[0] <= deadline // _DAY
    report.hours.append(max(0.0, (when - met) / 60))  # minutes to hours


def _measure(log: Sequence[Entry], start: int, first: int, kinds: _Kinds, today: int,
             report: Report, per_week: list[int], funnel: list[int]) -> None:
    """Add one contact's log (entries up to *today*) to *report*, in one pass;
    *funnel*: the counts of reached, replied, met and interviewed so far."""
    reached = replied = met = interviewed = False
    channels, sent, answered = kinds.channels, report.sent, report.replied
    for position, (day, _minutes, kind, klass) in enumerate(log):
        if klass == OUTBOUND:
            if day >= first:
                per_week[(day - first) // 7] += 1
            if day >= start:
                reached = True
                channel = channels.get(kind) or kinds.channel(kind)
                sent[channel] += 1
                for later in log[position + 1:]:  # replied: an inbound before the next outbound
                    if later[3] == OUTBOUND:
                        break
                    if later[3] == INBOUND:
                        answered[channel] += 1
                        break
        elif day < start:
            continue
        elif klass == INBOUND:
            reached = replied = True
        elif klass == MEETING:
            reached = replied = met = True
            interviewed = interviewed or kind == "interview"
            _thank_you(log, position, kinds, today, report)
    if reached:
        funnel[0] += 1
        funnel[1] += replied
        funnel[2] += met
        funnel[3] += interviewed


def build(people: Iterable[Person], companies: Iterable[Company], config: Config,
          today: dt.date, since: dt.date | None = None) -> Report:
    """Measure the habit over *people* (see :func:`people_of`) and the applications
    in *companies*."""
    report = Report(since, today)
    start = since.toordinal() if since else 1
    now = today.toordinal()
    monday = today - dt.timedelta(days=today.weekday())
    first = (monday - dt.timedelta(weeks=WEEKS - 1)).toordinal()
    per_week = [0] * WEEKS
    funnel = [0, 0, 0, 0]
    kinds = _Kinds(config)
    for person in people:
        log = person.log  # in time order: only booked meetings lie after today
        if log and log[-1][0] > now:
            log = [entry for entry in log if entry[0] <= now]
        if log:
            _measure(log, start, first, kinds, now, report, per_week, funnel)
        quiet = person.quiet_since
        if person.status != "archived" and quiet is not None and start <= quiet <= now:
            report.quiet.append(person)
    report.weeks = [(iso_week(dt.date.fromordinal(first) + dt.timedelta(weeks=n)), per_week[n])
                    for n in range(WEEKS)]
    report.quiet.sort(key=lambda c: (c.name.casefold(), c.id))
    for step, count in zip(("reached", "replied", "met", "interviewed"), funnel):
        report.funnel[step] = count
    report.funnel["offer"] = _offers(companies, start, today)
    return report




def people_of(snapshot: Snapshot, root: Path | None = None) -> list[Person]:
    """Every contact of *snapshot* as the report reads it: from the index's briefs
    and the logs it keeps (from the vault at *root*, see :mod:`pcrm.store.reportlogs`)
    or those of its records, undecoded (thousands of them), when it has them."""
    briefs = snapshot.briefs
    files = snapshot.files
    plain = getattr(files, "plain_records", None)
    if briefs is None or plain is None:
        return [_person(contact) for contact in snapshot.contacts]
    paths = [path for path, brief in briefs.items() if brief.status is not None]
    logs: dict[str, Any] = {}
    if root is not None:
        from pcrm.store.reportlogs import read_logs  # noqa: PLC0415 - sqlite only here

        held = files.held  # type: ignore[attr-defined]
        logs = read_logs(root, snapshot.config, [path for path in paths if not held(path)])
    records = plain([path for path in paths if path not in logs])
    people = []
    for path in paths:
        brief = briefs[path]
        log = logs.get(path)
        if log is None:
            try:
                log = log_of(records[path])  # type: ignore[index]
            except (KeyError, TypeError, IndexError):
                contact = files[path].contact
                if isinstance(contact, Summary):
                    people.append(_person(contact))
                continue
        people.append(Person(contact_id(path), brief.name or "", brief.status or "",
                             brief.quiet_since, log))
    return people


def _person(contact: Summary) -> Person:
    return Person(contact.id, contact.name, contact.status,
                  contact.quiet_since.toordinal() if contact.quiet_since else None,
                  tuple((e.date.toordinal(), e.time.hour * 60 + e.time.minute if e.time else None,
                         e.kind, e.klass) for e in contact.log))


def _offers(companies: Iterable[Company], start: int, today: dt.date) -> int:
    """Applications (company, role) with an offer or accepted heading in the period."""
    from pcrm.core.model import company_key

    found = {(company_key(company.name), company_key(stage.role))
             for company in companies for stage in company.stages
             if stage.stage in OFFER_STAGES and start <= stage.date.toordinal()
             and stage.date <= today}
    return len(found)
