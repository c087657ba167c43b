"""A person's state in the conversation: not contacted, messaged, replied, met, quiet.

Derived from the logged interactions up to today (a meeting booked for later
is not "met" yet). *Quiet* wins over everything: the contact's last message
and its nudges went unanswered up to the vault's nudge limit (spec 3, see
:func:`pcrm.core.rules.quiet_since`), so pcrm stops nudging and the user
should reach someone else.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from pcrm.core.model import INBOUND, MEETING, OUTBOUND, Logged, Summary

NOT_CONTACTED, MESSAGED, REPLIED, MET, QUIET = (
    "not contacted", "messaged", "replied", "met", "quiet")


# The classes whose first entry decides a state, in the order they win.
_CLASSES = ((MEETING, MET), (INBOUND, REPLIED), (OUTBOUND, MESSAGED))


def firsts_of(log: Iterable[Logged]) -> tuple[int | None, ...]:
    """The first day (ordinal) of a meeting, an inbound and an outbound in *log*
    (None: none): all :func:`state_at` needs of a log, whatever today is."""
    firsts: dict[str, int] = {}
    for entry in log:
        day = entry.date.toordinal()
        if entry.klass not in firsts or day < firsts[entry.klass]:
            firsts[entry.klass] = day
    return tuple(firsts.get(klass) for klass, _state in _CLASSES)


def state_at(quiet: bool, firsts: tuple[int | None, ...], today: int) -> str:
    """The state on *today* (an ordinal) of a contact *quiet* or not, from :func:`firsts_of`."""
    if quiet:
        return QUIET
    for (_klass, state), first in zip(_CLASSES, firsts):
        if first is not None and first <= today:
            return state
    return NOT_CONTACTED


def state_of(contact: Summary, today: dt.date) -> str:
    """The state of *contact* on *today*."""
    return state_at(contact.quiet(today), firsts_of(contact.log), today.toordinal())
