"""The follow-up rules (spec section 3): what each contact is owed, and by when.

A pure module: it reads parsed contacts and the config, and "today" is always a
parameter. Logging the follow-up in the contact's file is what marks it done;
there is no other state.

Follow-ups are first computed without "today" (:func:`candidates`, which the
index caches); :func:`apply_today` then keeps those live on the day and applies
the snooze. A follow-up may say from which day it applies (``starts``: a
meeting's thank-you once the meeting has happened) and until when (``ends``:
the day a later meeting happens and takes over).

Decisions where the spec is silent (also in the README):
- "After now" is by date: a meeting dated after today is upcoming; one dated
  today has happened (its thank-you is pending, due tomorrow at the latest).
- A booked meeting (in the future) still ends a nudge run, clears a check-in
  and a ``follow_up:`` date, and counts as the last interaction for
  keep-in-touch: they have agreed to meet.
- When several tags of a contact have a cadence, the shortest one applies.
- One outbound can be the thank-you and the congratulation at once.
- A check-in is done by an outbound on or after its nominal day (the day after
  the expected date, or meeting + ``check_in``), even if a day off moved the
  due date later.
- A keep-in-touch with nothing logged is due today, whatever day it is.
- Same-day order is by time, then by position in the file; an interaction
  without a time comes after the timed ones written above it on that day (a
  thank-you email logged without ``--time`` below a ``15:00 interview`` answers
  it), and before the ones written below it.
- A window in hours is elapsed time in the vault's time zone (24 h after a
  meeting at 00:30 on the night clocks go back ends at 23:30 the same date);
  windows in days or weeks are calendar days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Callable, Iterable, Sequence

from pcrm.core.config import Config
from pcrm.core.model import (INBOUND, MEETING, NEWS, NOTE, OUTBOUND, Contact, Interaction,
                             Logged, Summary)
from pcrm.core.timeutil import Duration

RULES = ("thank-you", "nudge", "check-in", "scheduled", "keep-in-touch", "congratulate")
RULE_TITLES = {"thank-you": "Thank-you", "nudge": "Nudge", "check-in": "Check-in",
               "scheduled": "Follow-up", "keep-in-touch": "Keep in touch",
               "congratulate": "Congratulate"}
CONGRATULATE_AFTER = dt.timedelta(days=3)
SCHEDULED_EARLY = dt.timedelta(days=3)  # an outbound this close before follow_up: does it


@dataclass(frozen=True)
class FollowUp:
    """One pending follow-up of one contact."""

    contact: str  # contact id
    name: str
    company: str | None
    path: str
    rule: str  # one of RULES
    due: dt.date
    reason: str
    source: Interaction | None = None  # the interaction it follows, if any
    source_key: str = ""  # stable identity of what it follows (for calendar UIDs)
    due_at: dt.datetime | None = None  # aware, for deadlines from timed interactions
    snoozed_from: dt.date | None = None  # the due date before a snooze moved it
    starts: dt.date | None = None  # pending from this day on (the meeting has happened)
    ends: dt.date | None = None  # pending before this day only (a later meeting took over)

    def __init__(self, contact: str, name: str, company: str | None, path: str, rule: str,
                 due: dt.date, reason: str, source: Interaction | None = None,
                 source_key: str = "", due_at: dt.datetime | None = None,
                 snoozed_from: dt.date | None = None, starts: dt.date | None = None,
                 ends: dt.date | None = None) -> None:
        # As the dataclass's own __init__, without object.__setattr__ per field
        # (see pcrm.core.model.Interaction); the fields and their order are tested.
        fields = self.__dict__
        fields["contact"] = contact
        fields["name"] = name
        fields["company"] = company
        fields["path"] = path
        fields["rule"] = rule
        fields["due"] = due
        fields["reason"] = reason
        fields["source"] = source
        fields["source_key"] = source_key
        fields["due_at"] = due_at
        fields["snoozed_from"] = snoozed_from
        fields["starts"] = starts
        fields["ends"] = ends

    def live(self, today: dt.date) -> bool:
        """True if it is pending on *today* (see ``starts`` and ``ends``)."""
        return ((self.starts is None or today >= self.starts)
                and (self.ends is None or today < self.ends))

    def overdue_days(self, today: dt.date) -> int:
        return max(0, (today - self.due).days)

    def as_json(self, today: dt.date) -> dict:
        """The shape of one ``status --json`` item (spec 4; locked by a test)."""
        item = {"contact": self.contact, "name": self.name, "company": self.company,
                "rule": self.rule, "due": self.due.isoformat(),
                "overdue_days": self.overdue_days(today), "reason": self.reason,
                "path": self.path}
        if self.origin:
            item["source"] = self.origin
        return item

    @property
    def origin(self) -> str:
        """The event note the follow-up comes from (``events/...``), else ""."""
        return self.source.origin if self.source is not None else ""


def interaction_key(interaction: Interaction, interactions: list[Interaction]) -> str:
    """``2026-11-20T15:00-interview-1``: date, time, kind and ordinal among equals."""
    same = [i for i in interactions if (i.date, i.time, i.kind) ==
            (interaction.date, interaction.time, interaction.kind)]
    ordinal = same.index(interaction) + 1
    clock = f"T{interaction.time.strftime('%H%M')}" if interaction.time else ""
    return f"{interaction.date.isoformat()}{clock}-{interaction.kind}-{ordinal}"


def cadence_for(contact: Contact, config: Config) -> Duration | None:
    """The contact's own cadence, else the shortest of its tags', else the default."""
    if contact.cadence_set:
        return contact.cadence
    tagged = [config.cadence_tags[tag] for tag in contact.tags if tag in config.cadence_tags]
    if tagged:
        real = [c for c in tagged if c is not None]
        if not real:
            return None
        return min(real, key=lambda c: c.add_date(dt.date(2000, 1, 1)))
    return config.cadence_default


_INDEX = attrgetter("index")
_DATE_INDEX = attrgetter("date", "index")


def ordered(interactions: Iterable[Interaction]) -> list[Interaction]:
    """The interactions in time order (spec 3: by date, time, then file position).

    An untimed interaction has no time to compare, so it keeps its place in the
    file among the same day's entries: it sorts at the latest time written
    above it that day (midnight if none).
    """
    items = list(interactions)
    if all(item.time is None for item in items):  # the common case: by date, then place
        return sorted(items, key=_DATE_INDEX)
    items.sort(key=_INDEX)  # in the file's order: the latest time above each is known
    latest: dict[dt.date, dt.time] = {}
    keys: dict[int, tuple[dt.date, dt.time, int]] = {}
    for item in items:
        if item.time is not None:
            latest[item.date] = max(item.time, latest.get(item.date, item.time))
        clock = item.time if item.time is not None else latest.get(item.date, dt.time())
        keys[id(item)] = (item.date, clock, item.index)
    return sorted(items, key=lambda i: keys[id(i)])


def _after(items: list[Interaction], anchor: Interaction, classes: tuple[str, ...]) -> bool:
    """True if an interaction of *classes* comes after *anchor* in *items* (time-ordered)."""
    position = next(n for n, item in enumerate(items) if item is anchor)
    return any(i.klass in classes for i in items[position + 1:])


def asking(log: Sequence[Logged | Interaction], config: Config) -> list[Logged | Interaction]:
    """The outbound interactions that ask for something (spec 3, *nudge*).

    An outbound answers (and so asks nothing) when it is the thank-you of the
    meeting before it (a channel that meeting's kind accepts) or the
    congratulation of news before it; a thank-you is not a request.
    """
    owed_meeting: Logged | Interaction | None = None
    owed_news = False
    found = []
    for item in log:
        if item.klass == MEETING:
            owed_meeting = item
        elif item.klass == NEWS:
            owed_news = True
        elif item.klass == OUTBOUND:
            channel = config.kinds[item.kind].channel
            answers = owed_news
            if owed_meeting is not None and \
                    channel in config.kinds[owed_meeting.kind].answered_by:
                owed_meeting, answers = None, True
            owed_news = False
            if not answers:
                found.append(item)
    return found


def _unanswered_run(log: Sequence[Logged | Interaction],
                    asked: Sequence[Logged | Interaction]) -> int:
    """How many asking outbound came in a row since the last inbound or meeting."""
    ids = {id(item) for item in asked}
    run = 0
    for item in reversed(log):
        if item.klass in (INBOUND, MEETING):
            break
        run += id(item) in ids
    return run


def quiet_since(contact: Contact, config: Config) -> dt.date | None:
    """The day the contact went *quiet* (its last N nudges unanswered), if it did.

    That is the day the last nudge's own wait ran out; a reply or a meeting
    after it makes the contact not quiet any more.
    """
    return quiet_since_log(ordered(contact.interactions), config)


def quiet_since_log(log: Sequence[Logged | Interaction], config: Config,
                    asked: Sequence[Logged | Interaction] | None = None) -> dt.date | None:
    """:func:`quiet_since` for a log already in time order (an index summary's ``log``);
    *asked* is ``asking(log, config)`` when the caller has it already."""
    asked = asking(log, config) if asked is None else asked
    if not asked or _unanswered_run(log, asked) - 1 < config.nudge_limit:
        return None
    return config.nudge_after.add_date(asked[-1].date)


def pending(contact: Contact, config: Config, today: dt.date) -> list[FollowUp]:
    """Every pending follow-up of *contact* on *today*, earliest first (ties: rule order)."""
    return apply_today(candidates(contact, config), contact.snooze, today)


def candidates(contact: Contact, config: Config, log: list[Interaction] | None = None,
               asked: list[Interaction] | None = None) -> list[FollowUp]:
    """The contact's follow-ups computed without "today" (what the index caches).

    *log* is ``ordered(contact.interactions)`` and *asked* ``asking(log, config)``
    when the caller has them already.
    """
    if contact.status != "active":
        return []
    log = ordered(contact.interactions) if log is None else log
    found: list[FollowUp] = []

    def add(rule: str, due: dt.date, reason: str, source: Interaction | None = None,
            key: str = "", **extra: object) -> None:
        if source is not None and not key:
            key = interaction_key(source, log)
        found.append(FollowUp(contact.id, contact.name, contact.company, contact.path, rule,
                              due, reason, source, key, **extra))  # type: ignore[arg-type]

    _thank_yous(log, config, add)
    check_in = _check_in(log, config, add)
    asked = asking(log, config) if asked is None else asked
    if asked and not check_in and not _after(log, asked[-1], (INBOUND, MEETING)):
        nudges = _unanswered_run(log, asked) - 1
        if nudges < config.nudge_limit:
            last = asked[-1]
            add("nudge", config.working_day(config.nudge_after.add_date(last.date)),
                f"no reply to {last.label()} (nudge {nudges + 1} of {config.nudge_limit})",
                last)
    if contact.follow_up is not None:
        when = contact.follow_up
        if not any(i.klass in (OUTBOUND, MEETING) and i.date >= when - SCHEDULED_EARLY
                   for i in log):
            add("scheduled", when, f"follow-up scheduled for {when.isoformat()}",
                key=f"follow-up-{when.isoformat()}")
    cadence = cadence_for(contact, config)
    if cadence is not None:
        real = [i for i in log if i.klass not in (NOTE, NEWS)]
        if real:
            last = real[-1]
            add("keep-in-touch", config.working_day(cadence.add_date(last.date)),
                f"keep in touch every {cadence.describe()}; last: {last.label()}", last)
        else:
            add("keep-in-touch", TODAY_FREE,
                f"keep in touch every {cadence.describe()}; nothing logged yet", key="never")
    news = [i for i in log if i.klass == NEWS]
    if news and not _after(log, news[-1], (OUTBOUND,)):
        item = news[-1]
        title = f": {item.title}" if item.title else ""
        add("congratulate", config.working_day(item.date + CONGRATULATE_AFTER),
            f"congratulate: {item.label()}{title}", item)
    return found


def _thank_yous(log: list[Interaction], config: Config, add: Callable[..., None]) -> None:
    """A thank-you for each meeting while it is the latest one that has happened
    and no outbound of a channel its kind accepts came after it."""
    meetings = [(n, i) for n, i in enumerate(log) if i.klass == MEETING]
    for position, (at, meeting) in enumerate(meetings):
        ends = meetings[position + 1][1].date if position + 1 < len(meetings) else None
        if ends is not None and ends <= meeting.date:
            continue  # a later meeting the same day takes over at once
        kind = config.kinds[meeting.kind]
        if any(i.klass == OUTBOUND and config.kinds[i.kind].channel in kind.answered_by
               for i in log[at + 1:]):
            continue
        window = kind.window or Duration(24, "h")
        due_at = None
        if meeting.time is not None:
            start = meeting.when.replace(tzinfo=config.timezone)
            if window.unit == "h":
                due_at = (start.astimezone(dt.timezone.utc)
                          + dt.timedelta(hours=window.amount)).astimezone(config.timezone)
            else:
                due_at = window.add(meeting.when).replace(tzinfo=config.timezone)
            due = due_at.date()
        else:
            due = window.add(meeting.when).date()
        add("thank-you", due, f"thank-you after {meeting.label()}", meeting, due_at=due_at,
            starts=meeting.date, ends=ends)


def _check_in(log: list[Interaction], config: Config, add: Callable[..., None]) -> bool:
    """The check-in after the latest ``(expect DATE)`` or check-in meeting, if due."""
    sources = [i for i in log if i.expect is not None
               or (i.klass == MEETING and config.kinds[i.kind].check_in is not None)]
    if not sources or _after(log, sources[-1], (INBOUND, MEETING)):
        return False
    source = sources[-1]
    if source.expect is not None:
        nominal = source.expect + dt.timedelta(days=1)
        reason = f"no news by {source.expect.isoformat()} as expected at {source.label()}"
    else:
        delay = config.kinds[source.kind].check_in
        assert delay is not None
        nominal = delay.add_date(source.date)
        reason = f"no news {delay.describe()} after {source.label()}"
    if any(i.klass == OUTBOUND and i.date >= nominal for i in log):
        return False
    add("check-in", config.working_day(nominal), reason, source,
        starts=source.date if source.klass == MEETING else None)
    return True


# The due date of a keep-in-touch with nothing logged: today, whichever day
# that is (resolved by apply_today(), so that candidates never read the date).
TODAY_FREE = dt.date.max


def apply_today(items: list[FollowUp], snooze: dt.date | None, today: dt.date
                ) -> list[FollowUp]:
    """Keep the follow-ups live on *today*, resolve "due today", apply a snooze; sort.

    A snooze moves every follow-up due before its date to that date, for good:
    once the date is past, it is late counting from the snooze date (spec 3).
    """
    resolved = []
    for item in items:
        if not item.live(today):
            continue
        if item.due == TODAY_FREE:
            item = replace(item, due=today)
        if snooze is not None and item.due < snooze:
            item = replace(item, due=snooze, snoozed_from=item.due, due_at=None,
                           reason=f"{item.reason} (snoozed until {snooze.isoformat()})")
        resolved.append(item)
    resolved.sort(key=lambda f: (f.due, RULES.index(f.rule)))
    return resolved


def next_follow_up(contact: Contact, config: Config, today: dt.date) -> FollowUp | None:
    """The contact's earliest pending follow-up, if any."""
    items = pending(contact, config, today)
    return items[0] if items else None


def agenda(contacts: Iterable[Contact | Summary], config: Config, today: dt.date, *,
           days: int | None = None, tag: str | None = None) -> list[FollowUp]:
    """Each contact's next follow-up, due within *days* (None: any date), by due date."""
    horizon = today + dt.timedelta(days=days) if days is not None else None
    items = []
    for contact in contacts:
        if tag is not None and tag not in contact.tags:
            continue
        if isinstance(contact, Summary):
            found = apply_today(contact.candidates, contact.snooze, today)
            item = found[0] if found else None
        else:
            item = next_follow_up(contact, config, today)
        if item is None or (horizon is not None and item.due > horizon):
            continue
        items.append(item)
    items.sort(key=agenda_order)
    return items


def agenda_order(item: FollowUp) -> tuple:
    """The agenda's order: by due date, then rule, then name."""
    return (item.due, RULES.index(item.rule), item.name.casefold(), item.contact)
