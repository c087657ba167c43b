"""YAML's plain scalars as pcrm's strict schema reads them, without PyYAML.

The patterns that give a plain scalar its type, and the value each type gives
(:func:`_scalar_value`): shared by the full loader (:mod:`pcrm.core.yamlload`,
which imports PyYAML) and the fast one for simple front-matter
(:mod:`pcrm.core.yamlfast`), so that reading a usual contact file never loads
PyYAML. The schema itself is described in :mod:`pcrm.core.yamlload`.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from pcrm.core.safetext import brief
from pcrm.core.timeutil import MAX_YEAR, MIN_YEAR

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (a contact needs three)."""
NESTED_TOO_DEEPLY = "nested too deeply"

# One pattern per type, used both to tag plain scalars and to check the text
# of explicitly tagged ones (``!!int 0x10``).
_BOOL_TEXT = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# (tag, pattern, first characters), in the order they are tried: the implicit
# resolvers of the strict schema.
IMPLICIT = [
    ("tag:yaml.org,2002:bool", _BOOL_TEXT, list("tTfF")),
    ("tag:yaml.org,2002:int", _INT, list("-0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")),
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", _DATE, list("0123456789")),
]


def implicit_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """The resolvers by first character, as PyYAML's ``add_implicit_resolver`` files them."""
    found: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, first in IMPLICIT:
        for char in first:
            found.setdefault(char, []).append((tag, regexp))
    return found


_IMPLICIT = implicit_resolvers()
# What a plain scalar that is not text starts with (one starting otherwise is text).
IMPLICIT_FIRST = frozenset(_IMPLICIT)
STR = "tag:yaml.org,2002:str"


def implicit_tag(text: str) -> str:
    """The tag the strict schema gives the plain (unquoted) scalar *text*."""
    for tag, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return STR


def plain_value(text: str) -> Any:
    """The value of the plain scalar *text*; ValueError when it cannot be one (a date
    that does not exist): one resolver for the full loader and the fast one."""
    tag = implicit_tag(text)
    return text if tag == STR else _scalar_value(tag, text)


_BOOL = {"true": True, "false": False}


def _scalar_value(tag: str, value: str) -> Any:
    """A plain scalar's value for its tag; ValueError when it cannot be one.

    Implicit tags only ever come with text their pattern matched; explicit ones
    (``!!int 0x10``, ``!!bool yes``) may carry anything, so everything is checked.
    """
    if tag == "tag:yaml.org,2002:int":
        if not _INT.match(value):
            raise ValueError(f"{_clip(value)} is not a whole number")
        try:
            return int(value)
        except ValueError:  # past Python's digit limit
            raise ValueError(f"{_clip(value)} has too many digits") from None
    if tag == "tag:yaml.org,2002:bool":
        if not _BOOL_TEXT.match(value):
            raise ValueError(f"{_clip(value)} is not true or false")
        return _BOOL[value.lower()]
    if tag == "tag:yaml.org,2002:null":
        if not _NULL.match(value):
            raise ValueError(f"{_clip(value)} is not null")
        return None
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a valid date") from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(f"{value}: the year must be from {MIN_YEAR} to {MAX_YEAR}")
        return day
    if tag == "tag:yaml.org,2002:float":
        lowered = value.lower()
        if not _FLOAT.match(value):
            raise ValueError(f"{_clip(value)} is not a number")
        if lowered.endswith("inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        return float("nan") if lowered == ".nan" else float(value)
    raise LookupError(tag)


def _clip(value: str) -> str:
    return brief(value)
