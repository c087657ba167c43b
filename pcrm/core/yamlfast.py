"""The front-matter most contact files have, read without composing a YAML tree.

A contact's front-matter is usually a handful of ``key: value`` lines: plain
words, a quoted phone number, ``tags: [a, b]``. Reading those through
libyaml's composer (one node and two marks per value, the resolver called
back per node) was the largest single cost of building the index from
scratch. :func:`load_simple` reads that shape with one regular expression per
line and gives exactly what :func:`pcrm.core.yamlload.load_with_lines` gives
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

from pcrm.core.yamlscalars import _scalar_value, implicit_resolvers

# Characters the fast path accepts anywhere: printable, no tab, no YAML line
# break other than "\n" (NEL, U+2028/9), no byte-order mark, and none of
# "#" (comments), "\\" (escapes), "{" and "}" (flow mappings).
_UNSURE = re.compile("[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                     "\U00010000-\U0010ffff]|[#\\\\{}]")
_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +(.*))?")
# A plain value: not starting with an indicator or a space, no ": " inside,
# not ending with ":" (both would be mapping syntax), no "[" or "]".
_PLAIN = re.compile(r"[^-?:,\[\]&*!|>'\"%@` ](?:[^:\[\]]|:(?=[^ ]))*")
_QUOTED = re.compile(r"\"([^\"]*)\" *|'([^']*)' *")
# An item of ``[a, b]``: plain, without the flow indicators "," "[" "]" or ":".
_ITEM = re.compile(r"[^-?:,\[\]&*!|>'\"%@` ][^:,\[\]]*")

_STR = "tag:yaml.org,2002:str"
_RESOLVERS = implicit_resolvers()  # those of the full loader (pcrm.core.yamlload)


def _plain_value(text: str) -> Any:
    """The value of a plain scalar, resolved as the strict loader does; ValueError if bad."""
    for tag, regexp in _RESOLVERS.get(text[:1], ()):
        if regexp.match(text):
            return text if tag == _STR else _scalar_value(tag, text)
    return text


def _value(text: str) -> Any:
    """One ``key:`` line's value (*text*: after the spaces), or raise ValueError when
    the full loader must decide."""
    if not text:
        return _plain_value("")
    first = text[0]
    if first in "\"'":
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
        if not all(_ITEM.fullmatch(item) for item in items):
            raise ValueError(text)
        return [_plain_value(item) for item in items]
    if not _PLAIN.fullmatch(text):
        raise ValueError(text)
    return _plain_value(text)


def load_simple(text: str, line_offset: int = 0) -> tuple[dict, dict[tuple, int]] | None:
    """What :func:`pcrm.core.yamlload.load_with_lines` gives for *text*, when *text*
    is only ``key: value`` lines of the simple kinds; else None (use the full loader)."""
    if not text or _UNSURE.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    for number, line in enumerate(text.split("\n"), 1 + line_offset):
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key = match.group(1)
        if key in data or _plain_value(key) is not key:  # twice, or not text (``null:``)
            return None
        try:
            data[key] = _value(match.group(2) or "")
        except ValueError:  # not simple, or a bad value: the full loader reports it
            return None
        lines[(key,)] = number
    return (data, lines) if data else None
