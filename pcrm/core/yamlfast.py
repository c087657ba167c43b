"""The front-matter most contact files have, read without composing a YAML tree.

A contact's front-matter is usually a handful of ``key: value`` lines: plain
words, a quoted phone number, ``tags: [a, b]``. Reading those through
libyaml's composer (one node and two marks per value, the resolver called
back per node) was the largest single cost of building the index from
scratch. :func:`load_simple` reads that shape with string methods, line by
line, and gives exactly what :func:`pcrm.core.yamlload.load_with_lines` gives
(values resolved by the same strict resolver, the same key lines), or None for
anything else: then the caller uses the full loader, which also reports every
problem. So it never decides what is an error, and whatever it cannot be sure
of (a comment, a backslash, an indented line, a key given twice, a value
starting with a YAML indicator, a date that does not exist) is the full
loader's.
"""
from __future__ import annotations

import re
from typing import Any

from pcrm.core.yamlscalars import IMPLICIT_FIRST, plain_value

# Characters the fast path accepts anywhere: printable, no tab, no YAML line
# break other than "\n" (NEL, U+2028/9), no byte-order mark, and none of
# "#" (comments), "\\" (escapes), "{" and "}" (flow mappings). One class, so
# that the search runs over the text in one loop.
_UNSURE = re.compile(r"[^\n\x20-\x22\x24-\x5b\x5d-\x7a\x7c\x7e\u00a0-\u2027\u202a-\ud7ff"
                     r"\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}")
# What a plain value or a list item may not start with (YAML indicators, a space).
_NOT_FIRST = frozenset("-?:,[]&*!|>'\"%@` ")
_QUOTED = re.compile(r"\"([^\"]*)\" *|'([^']*)' *")
_KEYS: dict[str, bool] = {}  # key -> usable as is (a few dozen names in a vault)


def _plain_key(key: str) -> bool:
    """True for a key of letters, digits, "_" and "-" that is text (not ``null:``)."""
    known = _KEYS.get(key)
    if known is None:
        known = _KEY.fullmatch(key) is not None and plain_value(key) is key
        if len(_KEYS) < 1000:
            _KEYS[key] = known
    return known


def _value(text: str) -> Any:
    """One ``key:`` line's value (*text*: after the spaces), or raise ValueError when
    the full loader must decide."""
    if not text:
        return None  # what the strict resolver makes of an empty value
    first = text[0]
    if first == '"' or first == "'":
        quoted = _QUOTED.fullmatch(text)
        if quoted is None:
            raise ValueError(text)
        return quoted.group(1) if first == '"' else quoted.group(2)
    text = text.rstrip(" ")
    if first == "[":
        if text[-1] != "]":
            raise ValueError(text)
        inner = text[1:-1]
        if not inner.strip(" "):
            return []
        items = [item.strip(" ") for item in inner.split(",")]
        for item in items:  # plain, without the flow indicators "," "[" "]" or ":"
            if not item or item[0] in _NOT_FIRST or ":" in item or "[" in item or "]" in item:
                raise ValueError(text)
        return [plain_value(item) if item[0] in IMPLICIT_FIRST else item for item in items]
    # A plain value: not starting with an indicator or a space, no "[" or "]",
    # no ": " inside and not ending with ":" (both would be mapping syntax).
    if first in _NOT_FIRST or "[" in text or "]" in text or ": " in text or text[-1] == ":":
        raise ValueError(text)
    return plain_value(text) if first in IMPLICIT_FIRST else text


def load_simple(text: str, line_offset: int = 0) -> tuple[dict, dict[tuple, int]] | None:
    """What :func:`pcrm.core.yamlload.load_with_lines` gives for *text*, when *text*
    is only ``key: value`` lines of the simple kinds; else None (use the full loader)."""
    if not text or _UNSURE.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    number = line_offset
    for line in text.split("\n"):
        number += 1
        if not line:
            continue
        key, colon, rest = line.partition(":")
        # ``key:`` then nothing, or spaces and the value; a key given twice, or one
        # that is not text (``null:``), is the full loader's.
        if not colon or (rest and rest[0] != " ") or key in data \
                or not (_KEYS.get(key) or _plain_key(key)):
            return None
        try:
            data[key] = _value(rest.lstrip(" "))
        except ValueError:  # not simple, or a bad value: the full loader reports it
            return None
        lines[(key,)] = number
    return (data, lines) if data else None
