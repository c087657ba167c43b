"""The follow-up rules (spec section 3): what each contact is owed, and by when.

A pure module: it reads parsed contacts and the config, and "today" is always a
parameter. Logging the follow-up in the contact's file is what marks it done;
there is no other state.

Decisions where the spec is silent (also in the README):
- ``snooze: DATE`` moves every pending follow-up of the contact to DATE at the
  earliest, until that day is past (it comes back due on that day, today's
  agenda and calendar included, instead of vanishing or jumping back first).
- When several tags of a contact have a cadence, the shortest one applies.
- A meeting dated in the future still counts (an interview you have booked
  gives a thank-you deadline after it).
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
from typing import Iterable

from pcrm.core.config import Config
from pcrm.core.model import INBOUND, MEETING, NOTE, OUTBOUND, Contact, Interaction, Summary
from pcrm.core.timeutil import Duration

RULES = ("thank-you", "nudge", "check-in", "scheduled", "keep-in-touch")
RULE_TITLES = {"thank-you": "Thank-you", "nudge": "Nudge", "check-in": "Check-in",
               "scheduled": "Follow-up", "keep-in-touch": "Keep in touch"}


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


def ordered(interactions: Iterable[Interaction]) -> list[Interaction]:
    """The interactions in time order (spec 3: by date, time, then file position).

    An untimed interaction has no time to compare, so it keeps its place in the
    file among the same day's entries: it sorts at the latest time written
    above it that day (midnight if none).
    """
    items = sorted(interactions, key=lambda i: i.index)
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


def pending(contact: Contact, config: Config, today: dt.date) -> list[FollowUp]:
    """Every pending follow-up of *contact*, earliest first (ties: rule order)."""
    if contact.status != "active":
        return []
    log = ordered(contact.interactions)
    found: list[FollowUp] = []

    def add(rule: str, due: dt.date, reason: str, source: Interaction | None = None,
            key: str = "", due_at: dt.datetime | None = None) -> None:
        if source is not None and not key:
            key = interaction_key(source, log)
        found.append(FollowUp(contact.id, contact.name, contact.company, contact.path, rule,
                              due, reason, source, key, due_at))

    meetings = [i for i in log if i.klass == MEETING]
    outbound = [i for i in log if i.klass == OUTBOUND]

    # thank-you: the latest meeting with no outbound after it.
    if meetings:
        meeting = meetings[-1]
        if not _after(log, meeting, (OUTBOUND,)):
            window = config.kinds[meeting.kind].window or Duration(24, "h")
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
            add("thank-you", due, f"thank-you after {meeting.label()}", meeting, due_at=due_at)

    # check-in: the latest (expect DATE), nothing inbound or meeting since, no outbound after DATE.
    check_in = False
    expecting = [i for i in log if i.expect is not None]
    if expecting:
        source = expecting[-1]
        assert source.expect is not None
        if not _after(log, source, (INBOUND, MEETING)) and \
                not any(i.klass == OUTBOUND and i.date > source.expect for i in log):
            check_in = True
            add("check-in", source.expect + dt.timedelta(days=1),
                f"no news by {source.expect.isoformat()} as expected at {source.label()}",
                source)

    # nudge: the latest outbound unanswered, fewer than N nudges in a row unanswered.
    if outbound and not check_in:
        last = outbound[-1]
        if not _after(log, last, (INBOUND, MEETING)):
            run = 0
            for interaction in reversed(log):
                if interaction.klass in (INBOUND, MEETING):
                    break
                if interaction.klass == OUTBOUND:
                    run += 1
            nudges = run - 1
            if nudges < config.nudge_limit:
                add("nudge", config.nudge_after.add_date(last.date),
                    f"no reply to {last.label()} (nudge {nudges + 1} of {config.nudge_limit})",
                    last)

    # scheduled: follow_up: DATE with no outbound or meeting on or after DATE.
    if contact.follow_up is not None:
        when = contact.follow_up
        if not any(i.klass in (OUTBOUND, MEETING) and i.date >= when for i in log):
            add("scheduled", when, f"follow-up scheduled for {when.isoformat()}",
                key=f"follow-up-{when.isoformat()}")

    # keep-in-touch: last interaction (not a note) + cadence; none logged: due today.
    cadence = cadence_for(contact, config)
    if cadence is not None:
        real = [i for i in log if i.klass != NOTE]
        if real:
            last = real[-1]
            add("keep-in-touch", cadence.add_date(last.date),
                f"keep in touch every {cadence.describe()}; last: {last.label()}", last)
        else:
            add("keep-in-touch", today,
                f"keep in touch every {cadence.describe()}; nothing logged yet",
                key="never")

    return apply_today(found, contact.snooze, today)


# The index caches each contact's follow-ups computed with TODAY_FREE as
# "today": the only effects of the real date are then a keep-in-touch with
# nothing logged (due today) and a snooze, both applied by apply_today().
TODAY_FREE = dt.date.max


def apply_today(items: list[FollowUp], snooze: dt.date | None, today: dt.date
                ) -> list[FollowUp]:
    """Resolve "due today" placeholders and a snooze for *today*; sort by due, rule."""
    resolved = []
    for item in items:
        if item.due == TODAY_FREE:
            item = replace(item, due=today)
        if snooze is not None and snooze >= today and item.due < snooze:
            item = replace(item, due=snooze, snoozed_from=item.due, due_at=None,
                           reason=f"{item.reason} (snoozed until {snooze.isoformat()})")
        resolved.append(item)
    resolved.sort(key=lambda f: (f.due, RULES.index(f.rule)))
    return resolved


def brief_due(cands: tuple[tuple[int, int], ...], snooze: int | None, today: dt.date
              ) -> int | None:
    """The next due date (an ordinal) from cached (due ordinal, rule index) pairs.

    The same arithmetic as :func:`apply_today`, on plain numbers, so that the
    index can pick the contacts due without building their follow-ups.
    """
    now = today.toordinal()
    best = None
    for due, _rule in cands:
        if due == _TODAY_FREE_ORD:
            due = now
        if snooze is not None and snooze >= now and due < snooze:
            due = snooze
        if best is None or due < best:
            best = due
    return best


_TODAY_FREE_ORD = TODAY_FREE.toordinal()


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
    items.sort(key=lambda f: (f.due, RULES.index(f.rule), f.name.casefold(), f.contact))
    return items
