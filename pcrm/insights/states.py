"""A person's state in the conversation: not contacted, messaged, replied, met, quiet.

Derived from the logged interactions up to today (a meeting booked for later
is not "met" yet). *Quiet* wins over everything: the contact's last message
and its nudges went unanswered up to the vault's nudge limit (``nudge.limit``,
default 2), so pcrm stops nudging and the user should reach someone else.
"""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from pcrm.core.config import Config
from pcrm.core.model import INBOUND, MEETING, OUTBOUND, Logged

NOT_CONTACTED, MESSAGED, REPLIED, MET, QUIET = (
    "not contacted", "messaged", "replied", "met", "quiet")
STATES = (NOT_CONTACTED, MESSAGED, REPLIED, MET, QUIET)


def is_quiet(log: Sequence[Logged], config: Config) -> bool:
    """True when a message and *nudge_limit* nudges after it all went unanswered."""
    run = 0
    for entry in reversed(log):
        if entry.klass in (INBOUND, MEETING):
            break
        if entry.klass == OUTBOUND:
            run += 1
    return run > 0 and run - 1 >= config.nudge_limit


def state_of(log: Sequence[Logged], config: Config, today: dt.date) -> str:
    """The state of a contact with this log (in time order) on *today*."""
    past = [entry for entry in log if entry.date <= today]
    if is_quiet(past, config):
        return QUIET
    classes = {entry.klass for entry in past}
    if MEETING in classes:
        return MET
    if INBOUND in classes:
        return REPLIED
    if OUTBOUND in classes:
        return MESSAGED
    return NOT_CONTACTED
