"""Which group a person at a target company belongs to (spec 12).

A tag that names a group wins (``engineer``, ``manager``, ``recruiter``, or their
plurals); else the words of the ``role`` decide, recruiter words first, then
manager words, then engineer words ("Engineering Manager" is a manager, "Head
of Talent" a recruiter); else the person is ``other``. The vault config adds
words per group (``roles: {engineer: [ios]}``).
"""
from __future__ import annotations

import re
from typing import Iterable

from pcrm.core.config import ROLE_GROUPS, Config

OTHER = "other"
GROUPS = (*ROLE_GROUPS, OTHER)

# Checked in this order: the first group with a word in the role wins.
DEFAULT_WORDS: dict[str, tuple[str, ...]] = {
    "recruiter": ("recruiter", "recruiting", "recruitment", "talent", "sourcer", "sourcing",
                  "hr", "people"),
    "manager": ("manager", "management", "lead", "leader", "head", "director", "vp", "cto",
                "ceo", "founder", "cofounder"),
    "engineer": ("engineer", "developer", "dev", "programmer", "swe", "sde", "architect",
                 "scientist"),
}
_ORDER = ("recruiter", "manager", "engineer")
_WORD = re.compile(r"[^\W_]+")


def role_words(config: Config) -> dict[str, frozenset[str]]:
    """Each group's words: the defaults plus the config's ``roles:``."""
    return {group: frozenset(DEFAULT_WORDS[group] + config.role_words.get(group, ()))
            for group in _ORDER}


def group_of(tags: Iterable[str], role: str | None, words: dict[str, frozenset[str]]) -> str:
    """``engineer``, ``manager``, ``recruiter`` or ``other`` (see the module doc)."""
    for tag in tags:
        folded = tag.casefold()
        for group in ROLE_GROUPS:
            if folded in (group, group + "s"):
                return group
    if role:
        found = set(_WORD.findall(role.casefold()))
        for group in _ORDER:
            if found & words[group]:
                return group
    return OTHER
