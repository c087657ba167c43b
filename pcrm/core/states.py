"""A person's state in the conversation: not contacted, messaged, replied, met, quiet.

Derived from the logged interactions up to today (a meeting booked for later
is not "met" yet). *Quiet* wins over everything: the contact's last message
and its nudges went unanswered up to the vault's nudge limit (spec 3, see
:func:`pcrm.core.rules.quiet_since`), so pcrm stops nudging and the user
should reach someone else.
"""
from __future__ import annotations

import datetime as dt

from pcrm.core.model import INBOUND, MEETING, OUTBOUND, Summary

NOT_CONTACTED, MESSAGED, REPLIED, MET, QUIET = (
    "not contacted", "messaged", "replied", "met", "quiet")


def state_of(contact: Summary, today: dt.date) -> str:
    """The state of *contact* on *today*."""
    if contact.quiet(today):
        return QUIET
    classes = {entry.klass for entry in contact.log if entry.date <= today}
    if MEETING in classes:
        return MET
    if INBOUND in classes:
        return REPLIED
    if OUTBOUND in classes:
        return MESSAGED
    return NOT_CONTACTED
